// Producer restart on the same SharedArrayBuffer (block policy): the producer worker is terminated
// mid-stream, possibly mid-write, and a new one attaches with gen+1. Consumers see the gen change
// once per restart, seqs continue with no gap or duplicate, and no torn or half-written record.
import { afterEach, describe, expect, it } from 'vitest';
import { createRing, registerConsumer, ringStats, RingProducer } from '../../src/transport/ring.js';
import { createDoorbellBoard, W } from '../../src/transport/ring-layout.js';
import { TICK_SLOT_BYTES } from '../../src/protocol/tick-record.js';
import { seededRng, randInt } from '../../src/domain/rng.js';
import { TestWorker, terminateAll, until } from '../fixtures/ring-harness.js';
import type { ConsumerReport } from '../fixtures/ring-common.js';

type Report = ConsumerReport & { type: 'report' };
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const workers: TestWorker[] = [];
afterEach(() => terminateAll(workers.splice(0)));

interface Setup {
  sab: SharedArrayBuffer;
  board: SharedArrayBuffer;
  consumers: TestWorker[];
  probes: Float64Array[];
}

async function setup(capacity: number): Promise<Setup> {
  const sab = createRing({ capacity, slotBytes: TICK_SLOT_BYTES, policy: 'block', maxConsumers: 2 });
  const board = createDoorbellBoard(4).buffer as SharedArrayBuffer;
  const probes = [0, 1].map(() => new Float64Array(new SharedArrayBuffer(16)));
  const consumers = [0, 1].map((index) => {
    registerConsumer(sab, index, false);
    const w = new TestWorker('ring-consumer', { sab, board, index, doorbell: index + 1, lossy: false, mode: 'pump', probe: probes[index]!.buffer });
    workers.push(w);
    return w;
  });
  await Promise.all(consumers.map((c) => c.next('ready')));
  return { sab, board, consumers, probes };
}

function startProducer(s: Setup, gen: number, count: number | null): TestWorker {
  const w = new TestWorker('ring-producer', { sab: s.sab, board: s.board, gen, count, rate: null, progress: new SharedArrayBuffer(16) });
  workers.push(w);
  return w;
}

const published = (s: Setup): number => Atomics.load(new Int32Array(s.sab), W.PUB_CURSOR);

async function finish(s: Setup): Promise<Report[]> {
  for (const c of s.consumers) c.post({ type: 'finish' });
  return Promise.all(s.consumers.map((c) => c.next<Report>('report')));
}

function expectIntact(r: Report, total: number): void {
  expect(r).toMatchObject({ received: total, dropped: 0, gaps: 0, nonIncreasing: 0, torn: 0, decodeErrors: 0, firstSeq: 0, lastSeq: total - 1 });
}

describe('ring across threads: producer restart', () => {
  it('a producer killed while blocked on a full ring is replaced without overwriting unread records', async () => {
    const s = await setup(1024);
    const p1 = startProducer(s, 1, null);
    await until(() => s.probes.every((p) => p[1]! > 100_000), 20_000, 'consumers to receive 100k records');
    // Stop the consumers so the ring fills and the producer blocks, then kill it there.
    for (const c of s.consumers) c.post({ type: 'pause' });
    await Promise.all(s.consumers.map((c) => c.next('paused')));
    // The slowest consumer is a full ring behind: the producer is blocked.
    await until(() => Math.max(...ringStats(s.sab).consumers.map((c) => c.lag)) === 1024, 5_000, 'ring to fill');
    await p1.terminate();
    const cut = published(s);
    const p2 = startProducer(s, 2, 200_000);
    await p2.next('started');
    // Still full: the new producer must be gated by the consumers it has not seen move yet.
    await new Promise((r) => setTimeout(r, 50));
    expect(published(s)).toBe(cut);
    for (const c of s.consumers) c.post({ type: 'resume' });
    await p2.next('done', 20_000);
    const reports = await finish(s);
    for (const r of reports) {
      expectIntact(r, cut + 200_000);
      expect(r.gens).toEqual([
        [1, 0],
        [2, cut],
      ]);
    }
  });

  it('survives producers killed at random points mid-stream (seeded), gen by gen', async () => {
    const rng = seededRng(`producer-restart-${seed}`);
    const s = await setup(1024);
    const cuts: number[] = [];
    for (let gen = 1; gen <= 4; gen++) {
      const p = startProducer(s, gen, null);
      await p.next('started');
      const before = published(s);
      await until(() => published(s) > before + 20_000, 20_000, `gen ${gen} to publish`);
      await new Promise((r) => setTimeout(r, randInt(rng, 0, 60)));
      await p.terminate();
      cuts.push(published(s));
    }
    const last = startProducer(s, 5, 100_000);
    await last.next('done', 20_000);
    const total = cuts.at(-1)! + 100_000;
    const reports = await finish(s);
    for (const r of reports) {
      expectIntact(r, total);
      expect(r.gens).toEqual([
        [1, 0],
        [2, cuts[0]],
        [3, cuts[1]],
        [4, cuts[2]],
        [5, cuts[3]],
      ]);
    }
    expect(ringStats(s.sab)).toMatchObject({ published: total, producerGen: 5 });
  });

  it('a producer that died between claim and publish does not hang a lossy consumer a full ring behind', async () => {
    const sab = createRing({ capacity: 64, slotBytes: TICK_SLOT_BYTES, policy: 'drop', maxConsumers: 1 });
    const board = createDoorbellBoard(2).buffer as SharedArrayBuffer;
    registerConsumer(sab, 0, true);
    // Publish exactly one ring of records, then claim the next slot and "die" before publishing.
    const { newMutableTick, encodeTick, TICK_PAYLOAD_BYTES, TICK_TAG } = await import('../../src/protocol/tick-record.js');
    const { fillTick } = await import('../fixtures/ring-common.js');
    const p = new RingProducer(sab, 1);
    const t = newMutableTick();
    for (let i = 0; i < 64; i++) {
      const off = p.claim();
      encodeTick(p.i32, p.f64, off, fillTick(t, i, 1));
      p.publish(TICK_TAG, TICK_PAYLOAD_BYTES);
    }
    expect(p.claim()).toBeGreaterThan(0);
    const c = new TestWorker('ring-consumer', { sab, board, index: 0, doorbell: 1, lossy: true, mode: 'pump', probe: new SharedArrayBuffer(16) });
    workers.push(c);
    // Before the fix poll() spun forever (inside the pump's first drain) waiting for slot 0 to be
    // republished, so the worker never even reported ready.
    await c.next('ready', 5_000);
    c.post({ type: 'finish' });
    const r = await c.next<Report>('report', 5_000);
    expect(r).toMatchObject({ received: 63, dropped: 1, firstSeq: 1, lastSeq: 63, torn: 0, nonIncreasing: 0 });
  });
});
