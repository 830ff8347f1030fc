// The production feed path for the tap-fed ws-fanout kinds, run in the suite's parent process: an
// open-loop ticker publishes tick records into a real lossy tick ring, and the runtime's own stream
// tap (src/runtime/bridge.ts: Atomics.waitAsync on the ring, length-prefixed frames) forwards them
// over the server child's socketpair (fd 4), exactly as the main thread feeds the gateway process.
// Each tick is stamped (lastTradeTs) just before its ring publish, so the client's tick-in →
// received latency is feed → client.
import type { Socket } from 'node:net';
import { encodeTick, TICK_PAYLOAD_BYTES, TICK_SLOT_BYTES, TICK_TAG } from '../../src/protocol/tick-record.js';
import { MARKET_TICKS } from '../../src/protocol/topics.js';
import { DEFAULT_TAP, startBridge, type TapStats } from '../../src/runtime/bridge.js';
import { createRing, registerConsumer, RingProducer } from '../../src/transport/ring.js';
import type { Tick } from '../../src/domain/types.js';
import { epochMs } from './protocol.js';

export class TapFeed {
  private readonly producer: RingProducer;
  private readonly tap: { stop: () => void; stats: TapStats };
  private readonly tick: Tick = {
    token: 1, ltp: 2_450_05, lastQty: 1, avgPrice: 2_449_90, volume: 0, buyQty: 1000, sellQty: 1200, open: 2_440_00, high: 2_460_00,
    low: 2_430_00, close: 2_445_00, oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: 0, lastTradeTs: 0,
    depthBuy: [], depthSell: [],
  };

  constructor(sink: Socket) {
    // 8,192 slots, drop policy: what the runtime uses for market.ticks (src/config defaults)
    const sab = createRing({ capacity: 8192, slotBytes: TICK_SLOT_BYTES, policy: 'drop', maxConsumers: 2 });
    registerConsumer(sab, 0, true);
    this.producer = new RingProducer(sab, 1);
    sink.on('error', () => undefined);
    this.tap = startBridge([{ topic: MARKET_TICKS, sab, consumerIndex: 0, recordTag: TICK_TAG }], sink, DEFAULT_TAP);
  }

  get stats(): TapStats {
    return this.tap.stats;
  }

  /** Publishes `ticks` ticks at `rate`/s (open loop); resolves with the count of late ticks. */
  runPhase(phase: number, rate: number, ticks: number, warmup: number): Promise<number> {
    const period = 1000 / rate;
    const t0 = performance.now() + 5;
    let i = 0;
    let late = 0;
    const t = this.tick as { -readonly [K in keyof Tick]: Tick[K] };
    return new Promise((resolve) => {
      const pump = (): void => {
        const now = performance.now();
        while (i < ticks && t0 + i * period <= now) {
          const sched = t0 + i * period;
          if (now - sched > period) late++;
          t.token = phase;
          t.ltp = 2_450_05 + (i % 100);
          t.volume = i;
          t.oi = i >= warmup ? 1 : 0;
          t.exchangeTs = performance.timeOrigin + sched;
          const off = this.producer.claim();
          if (off >= 0) {
            t.lastTradeTs = epochMs();
            encodeTick(this.producer.i32, this.producer.f64, off, t);
            this.producer.publish(TICK_TAG, TICK_PAYLOAD_BYTES);
          }
          i++;
        }
        if (i < ticks) setTimeout(pump, Math.max(0, t0 + i * period - performance.now()));
        else resolve(late);
      };
      setTimeout(pump, 5);
    });
  }

  stop(): void {
    this.tap.stop();
  }
}
