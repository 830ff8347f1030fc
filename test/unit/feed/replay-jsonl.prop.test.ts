import fc from 'fast-check';
import { describe, it } from 'vitest';
import { formatTickJsonl, parseTickJsonl } from '../../../src/domain/feed/replay-format.js';
import type { DepthLevel, Tick } from '../../../src/domain/types.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const count = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const level: fc.Arbitrary<DepthLevel> = fc.record({ price: fc.integer({ min: 1, max: 2 ** 32 - 1 }), quantity: count, orders: fc.integer({ min: 0, max: 65535 }) });

const tickArb: fc.Arbitrary<Tick> = fc
  .record({
    token: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
    ltp: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    lastQty: count, avgPrice: count, volume: count, buyQty: count, sellQty: count,
    open: count, high: count, low: count, close: count, oi: count, oiDayHigh: count, oiDayLow: count,
    divisor: fc.constantFrom(100, 10_000, 10_000_000),
    tradable: fc.boolean(),
    exchangeTs: fc.integer({ min: 1e11, max: 4_102_444_800_000 }),
    lastTradeTs: fc.oneof(fc.constant(0), fc.integer({ min: 1e11, max: 4_102_444_800_000 })),
    depthBuy: fc.array(level, { maxLength: 5 }),
    depthSell: fc.array(level, { maxLength: 5 }),
  })
  .map((t) => (t.high > 0 && t.low > t.high ? { ...t, low: t.high } : t));

describe('JSONL round trip', () => {
  it('parse(format(t)) == t for every valid tick', () => {
    fc.assert(
      fc.property(tickArb, fc.integer({ min: 1, max: 1e6 }), (t, lineNo) => {
        const r = parseTickJsonl(formatTickJsonl(t), lineNo);
        return r.ok && JSON.stringify(r.value) === JSON.stringify(t) && formatTickJsonl(r.value) === formatTickJsonl(t);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('never throws on arbitrary text and reports the given line number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.integer({ min: 1, max: 1e6 }), (line, lineNo) => {
        const r = parseTickJsonl(line, lineNo);
        return r.ok || (r.error.line === lineNo && r.error.code === 'ERR_FEED_RECORD_INVALID');
      }),
      { seed, numRuns: 500 },
    );
  });
});
