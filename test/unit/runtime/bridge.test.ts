// The stream tap on a real ring (same thread, real SharedArrayBuffer): it wakes on publish without
// a timer, forwards every record in order, and against a sink that stops draining it skips whole
// frames instead of queueing (the producer is never gated), counts them, and reports the loss as a
// DROPPED record once the sink drains again: delivered + reported dropped = published.
import { describe, expect, it } from 'vitest';
import type { Tick } from '../../../src/domain/types.js';
import { encodeTick, TICK_PAYLOAD_BYTES, TICK_SLOT_BYTES, TICK_TAG } from '../../../src/protocol/tick-record.js';
import { MARKET_TICKS } from '../../../src/protocol/topics.js';
import { startBridge, type TapSink } from '../../../src/runtime/bridge.js';
import { FrameReader } from '../../../src/runtime/stream-wire.js';
import { BatchDecoder } from '../../../src/gateway/stream-batch.js';
import { createRing, registerConsumer, RingProducer } from '../../../src/transport/ring.js';

const base: Tick = {
  token: 5, ltp: 1, lastQty: 1, avgPrice: 1, volume: 1, buyQty: 0, sellQty: 0, open: 1, high: 1, low: 1, close: 1, oi: 0,
  oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: 0, lastTradeTs: 0, depthBuy: [], depthSell: [],
};

/** A sink the test can make look clogged (writableLength over the tap's limit). */
class Sink implements TapSink {
  clogged = false;
  destroyed = false;
  readonly ltps: number[] = [];
  dropped = 0;
  private readonly decoder = new BatchDecoder();
  private readonly reader = new FrameReader((body) => {
    const b = this.decoder.decode(body);
    for (const t of b.ticks) this.ltps.push(t.ltp);
    this.dropped += b.dropped[MARKET_TICKS] ?? 0;
  });
  get writableLength(): number {
    return this.clogged ? Number.MAX_SAFE_INTEGER : 0;
  }
  write(frame: Buffer): boolean {
    this.reader.push(frame);
    return true;
  }
}

const until = async (pred: () => boolean, what: string): Promise<void> => {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function ring() {
  const sab = createRing({ capacity: 64, slotBytes: TICK_SLOT_BYTES, policy: 'drop', maxConsumers: 2 });
  registerConsumer(sab, 0, true);
  const p = new RingProducer(sab, 1);
  let n = 0;
  const publish = (k: number): void => {
    for (let i = 0; i < k; i++) {
      const off = p.claim();
      encodeTick(p.i32, p.f64, off, { ...base, ltp: ++n });
      p.publish(TICK_TAG, TICK_PAYLOAD_BYTES);
    }
  };
  return { sab, publish, published: () => n };
}

describe('stream tap', () => {
  it('wakes on publish (no timer) and forwards every record in order', async () => {
    const r = ring();
    const sink = new Sink();
    // parkMs far beyond the test: only a publish can wake it
    const tap = startBridge([{ topic: MARKET_TICKS, sab: r.sab, consumerIndex: 0, recordTag: TICK_TAG }], sink, { maxPendingBytes: 1 << 20, maxRecordsPerFrame: 16, parkMs: 60_000 });
    for (let round = 0; round < 5; round++) {
      await new Promise((res) => setTimeout(res, 20));
      r.publish(10);
      await until(() => sink.ltps.length === r.published(), `round ${round}`);
    }
    expect(sink.ltps).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(tap.stats).toMatchObject({ records: 50, dropped: 0, skippedFrames: 0, errors: 0 });
    tap.stop();
  });

  it('against a clogged sink skips frames, never gates the producer, and reports every loss', async () => {
    const r = ring();
    const sink = new Sink();
    const tap = startBridge([{ topic: MARKET_TICKS, sab: r.sab, consumerIndex: 0, recordTag: TICK_TAG }], sink, { maxPendingBytes: 1024, maxRecordsPerFrame: 16, parkMs: 60_000 });
    r.publish(5);
    await until(() => sink.ltps.length === 5, 'first ticks');
    sink.clogged = true;
    // 1,000 records into a 64-slot ring: the producer never waits (lossy consumer)
    for (let k = 0; k < 20; k++) {
      r.publish(50);
      await new Promise((res) => setTimeout(res, 2));
    }
    await until(() => tap.stats.skippedFrames > 0, 'a skipped frame');
    sink.clogged = false;
    r.publish(5);
    await until(() => sink.ltps.length + sink.dropped === r.published(), 'delivered + dropped = published');
    expect(sink.dropped).toBeGreaterThan(0);
    // In order, and the last five arrived after the loss
    expect(sink.ltps).toEqual([...sink.ltps].sort((a, b) => a - b));
    expect(sink.ltps.slice(-5)).toEqual([1006, 1007, 1008, 1009, 1010]);
    expect(tap.stats.dropped).toBe(sink.dropped);
    tap.stop();
  });
});
