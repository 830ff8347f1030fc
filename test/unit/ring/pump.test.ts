// Pump park/doorbell path in one thread: a parked pump is woken by the producer's doorbell (not by
// its park timeout), delivers in order, keeps the event loop turning, and stops cleanly.
import { describe, expect, it } from 'vitest';
import { registerConsumer, RingConsumer, RingProducer } from '../../../src/transport/ring.js';
import { createDoorbellBoard, W } from '../../../src/transport/ring-layout.js';
import { Pump, type PumpSource } from '../../../src/transport/pump.js';
import { put, ring, type Got } from './ring-helpers.js';

class Source implements PumpSource {
  readonly got: Got[] = [];
  private cur: Got = { seq: -1, gen: -1, value: -1 };
  constructor(readonly c: RingConsumer) {}
  drain(max: number): number {
    return this.c.poll(
      (payload, _len, _tag, seq, gen) => {
        this.cur = { seq, gen, value: this.c.i32[payload >> 2]! };
      },
      max,
      () => this.got.push(this.cur),
    );
  }
  available(): number {
    return this.c.available();
  }
  park(): void {
    this.c.park();
  }
  unpark(): void {
    this.c.unpark();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Pump', () => {
  it('parks when idle and is woken by the doorbell of a producer publishing to any of its rings', async () => {
    const board = createDoorbellBoard(4);
    const rings = [ring(16), ring(16)];
    const producers = rings.map((sab) => {
      registerConsumer(sab, 0, false);
      return new RingProducer(sab, 1, board);
    });
    const sources = rings.map((sab) => new Source(new RingConsumer(sab, 0, { lossy: false, doorbell: 2 })));
    const pump = new Pump(board, 2, { batch: 4, maxSpin: 64, yieldEveryMs: 1, parkTimeoutMs: 60_000, monoMs: () => performance.now() });
    for (const s of sources) pump.add(s);
    const done = pump.start();
    await sleep(30);
    expect(pump.stats().parks).toBeGreaterThanOrEqual(1);
    // Parked: the consumer flags and WAITERS tell the producer to ring the doorbell.
    expect(Atomics.load(new Int32Array(rings[1]!), W.WAITERS)).toBe(1);
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) put(producers[1]!, i);
    while (sources[1]!.got.length < 10 && performance.now() - t0 < 5_000) await sleep(1);
    // Woken long before the 60 s park timeout, so by the doorbell.
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(sources[1]!.got.map((g) => g.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // More than a ring's worth: the producer waits for space the pump frees.
    for (let i = 0; i < 100; i++) while (!put(producers[0]!, i)) await producers[0]!.waitForSpace(1_000);
    while (sources[0]!.got.length < 100 && performance.now() - t0 < 5_000) await sleep(1);
    expect(sources[0]!.got.map((g) => g.value)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(pump.stats().delivered).toBe(110);
    await pump.stop();
    await done;
    for (const sab of rings) expect(Atomics.load(new Int32Array(sab), W.WAITERS)).toBe(0);
  });

  it('keeps the event loop turning while draining a long stream', async () => {
    const board = createDoorbellBoard(1);
    const sab = ring(1024);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1, board);
    const src = new Source(new RingConsumer(sab, 0, { lossy: false, doorbell: 0 }));
    const pump = new Pump(board, 0, { batch: 256, maxSpin: 1024, yieldEveryMs: 1, parkTimeoutMs: 60_000, monoMs: () => performance.now() });
    pump.add(src);
    void pump.start();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let next = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 200) {
      while (put(p, next)) next++;
      await new Promise((r) => setImmediate(r));
    }
    clearInterval(timer);
    await pump.stop();
    expect(ticks).toBeGreaterThan(5); // 1 ms timer fired repeatedly (loose: shared 2-core box)
    expect(src.got.length).toBeGreaterThan(1000);
    expect(src.got.every((g, i) => g.value === i)).toBe(true);
  });
});
