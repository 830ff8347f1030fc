// Properties of runBacktest over random synthetic series and strategy subsets: deterministic,
// fills fold to its portfolio totals exactly, equity bookkeeping agrees with the portfolio.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/backtest/index.js';
import { DEFAULT_DOC, refold, synthetic } from './fixtures.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('runBacktest properties', () => {
  it('same input twice ⇒ identical output; positions = foldFills(fills)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.integer({ min: 200, max: 1500 }),
        fc.subarray(DEFAULT_DOC.strategies, { minLength: 1 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1_000, max: 2_000_000 }),
        (feedSeed, n, strategies, maxPosition, startingCash) => {
          const ticks = synthetic(feedSeed, n);
          const input = { ticks, strategies, risk: { maxPosition, maxDailyTrades: 10_000 }, startingCash, equityEvery: 97 };
          const a = runBacktest(input);
          const b = runBacktest(input);
          if (!a.ok || !b.ok) throw new Error('config');
          expect(b.value).toEqual(a.value);
          expect(refold(a.value, ticks, startingCash * 100)).toEqual(a.value.totals);
          expect(a.value.stats.endEquity - a.value.stats.startEquity).toBe(a.value.stats.netPnl);
          expect(a.value.equity.every((p, i, all) => i === 0 || p.tick > all[i - 1]!.tick)).toBe(true);
        },
      ),
      { seed, numRuns: 12 },
    );
  });
});
