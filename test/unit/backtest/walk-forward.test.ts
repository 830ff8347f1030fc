// Walk-forward folds: consecutive train/test windows rolled forward by the test length, each test
// window right after its training window and never overlapping it; the fold table and JSON.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { outOfSampleNetPnl, parseDurationMs, walkForwardFolds, walkForwardJson, walkForwardTable, type FoldResult, type SweepOutcome } from '../../../src/backtest/index.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('walk-forward folds', () => {
  it('cuts 10 hours of ticks into 3 h train + 1 h test folds rolled by 1 h', () => {
    const ts = Array.from({ length: 601 }, (_, i) => 1_000_000 + i * 60_000); // one a minute, 10 h
    const folds = walkForwardFolds(ts, ts.length, 3 * 3_600_000, 3_600_000);
    expect(folds).toHaveLength(7); // test windows start at 3 h … 9 h
    expect(folds[0]).toEqual({ train: { start: 0, end: 180 }, test: { start: 180, end: 240 }, trainFrom: 1_000_000, testFrom: 1_000_000 + 3 * 3_600_000, testTo: 1_000_000 + 4 * 3_600_000 });
    expect(folds[6]!.test).toEqual({ start: 540, end: 600 });
    expect(walkForwardFolds(ts, ts.length, 10 * 3_600_000, 3_600_000)).toEqual([]);
  });

  it('property: windows are in the series, non-empty, train right before test, tests disjoint and in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (gaps, trainMs, testMs) => {
        let t = 0;
        const ts = gaps.map((g) => (t += g));
        const folds = walkForwardFolds(ts, ts.length, trainMs, testMs);
        let prevTestEnd = -1;
        for (const f of folds) {
          expect(f.train.start).toBeLessThan(f.train.end);
          expect(f.train.end).toBe(f.test.start);
          expect(f.test.start).toBeLessThan(f.test.end);
          expect(f.test.end).toBeLessThanOrEqual(ts.length);
          for (let i = f.train.start; i < f.train.end; i++) expect(ts[i]! >= f.trainFrom && ts[i]! < f.testFrom).toBe(true);
          for (let i = f.test.start; i < f.test.end; i++) expect(ts[i]! >= f.testFrom && ts[i]! < f.testTo).toBe(true);
          expect(f.test.start).toBeGreaterThanOrEqual(prevTestEnd);
          prevTestEnd = f.test.end;
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('parses durations', () => {
    expect([parseDurationMs('90s'), parseDurationMs('15m'), parseDurationMs('6h'), parseDurationMs('2d')]).toEqual([90_000, 900_000, 21_600_000, 172_800_000]);
    expect([parseDurationMs('0h'), parseDurationMs('1.5h'), parseDurationMs('h'), parseDurationMs('1w')]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('walk-forward report', () => {
  const test = (netPnl: number): SweepOutcome => ({
    id: 0,
    params: { a: 1 },
    ok: true,
    ticks: 5,
    stats: { netPnl, fees: 1, fills: 2, closedTrades: 1, wins: 1, winRate: 1, maxDrawdown: 0, maxDrawdownPct: 0, startEquity: 100, endEquity: 100 + netPnl },
    signals: { generated: 1, validated: 1, rejected: 0 },
    orders: 1,
    metrics: { roundTrips: 1, winRate: 1, sharpe: null, maxDrawdownPct: 0.01 },
  });
  const T = 1_737_690_300_000;
  const folds: FoldResult[] = [
    { fold: 1, trainFrom: T, testFrom: T + 7_200_000, testTo: T + 10_800_000, trainTicks: 10, testTicks: 5, best: { a: 1 }, trainMetric: 12_345, test: test(500) },
    { fold: 2, trainFrom: T + 3_600_000, testFrom: T + 10_800_000, testTo: T + 14_400_000, trainTicks: 10, testTicks: 5, best: { a: 2 }, trainMetric: -5, test: test(-200) },
  ];
  it('sums the out-of-sample net PnL and prints one row per fold', () => {
    expect(outOfSampleNetPnl(folds)).toBe(300);
    const lines = walkForwardTable([{ key: 'a', values: [1, 2] }], { key: 'netPnl', dir: 'desc' }, folds).split('\n');
    expect(lines).toHaveLength(2 + 2 + 1);
    expect(lines[2]).toMatch(/^\s*1\s+2025-01-24 09:15\s+2025-01-24 11:15\s+2025-01-24 12:15\s+1\s+123\.45\s+5\.00\s+1\s+100\.0\s+—\s+1\.00$/);
    expect(lines[4]).toBe('out of sample: net PnL ₹3.00 over 2 test window(s)');
    const json = walkForwardJson('m', 't', { key: 'netPnl', dir: 'desc' }, 7_200_000, 3_600_000, folds) as { outOfSampleNetPnlPaise: number; folds: { best: unknown; test: { netPnlPaise: number } }[] };
    expect(json.outOfSampleNetPnlPaise).toBe(300);
    expect(json.folds.map((f) => [f.best, f.test.netPnlPaise])).toEqual([[{ a: 1 }, 500], [{ a: 2 }, -200]]);
  });
});
