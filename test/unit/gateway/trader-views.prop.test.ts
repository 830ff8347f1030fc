// The trader's views over random fill logs: the trades list pages through every round trip of the
// metrics domain exactly once, newest first, filters are the same as filtering the trips; the
// performance rows add up (strategies and instruments to the total) and their realized/fees are
// the portfolio's own figures (foldFills, the replay function of the average-cost books). Plus a
// hand-checked example.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTrips } from '../../../src/domain/metrics/index.js';
import { foldFills, listPositions, strategyIds, strategyTotals } from '../../../src/domain/portfolio/index.js';
import type { Fill } from '../../../src/domain/types.js';
import { performanceView, tradesView, type PortfolioFigures } from '../../../src/gateway/trader-views.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const CAPITAL = 100_000_000;
const WINDOW = { fills: 0, cap: 50_000, partial: false };

const rawFill = fc.record({
  strategyId: fc.constantFrom('a', 'b'),
  token: fc.constantFrom(1, 2, 3),
  side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
  quantity: fc.integer({ min: 1, max: 20 }),
  price: fc.integer({ min: 1, max: 500_000 }),
  fees: fc.integer({ min: 0, max: 500 }),
  dtMs: fc.integer({ min: 0, max: 600_000 }),
});

function toFills(raw: readonly (typeof rawFill extends fc.Arbitrary<infer R> ? R : never)[]): Fill[] {
  let ts = 1_737_690_300_000;
  return raw.map((r, i) => {
    ts += r.dtMs;
    return { tradeId: `t${i}`, orderId: `o${i}`, broker: 'paper', strategyId: r.strategyId, token: r.token, side: r.side, quantity: r.quantity, price: r.price, fees: r.fees, ts, fillSeq: i + 1 };
  });
}

/** What the portfolio manager would answer for these fills (no marks: unrealized at cost, 0). */
function portfolioOf(fills: readonly Fill[]): PortfolioFigures {
  const state = foldFills(fills, { startingCash: CAPITAL });
  const ids = strategyIds(state, 'paper');
  return {
    strategies: ids.map((strategyId) => ({ strategyId, totals: strategyTotals(state, 'paper', strategyId) })),
    positions: ids.flatMap((id) => listPositions(state, 'paper', id)),
  };
}

describe('tradesView', () => {
  it('pages through every round trip once, newest first, with the filters of the trips', () => {
    fc.assert(
      fc.property(fc.array(rawFill, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.constantFrom(undefined, 'a'), fc.constantFrom(undefined, 2), (raw, size, strategyId, token) => {
        const fills = toFills(raw);
        const want = roundTrips(fills).trips.filter((t) => (strategyId === undefined || t.strategyId === strategyId) && (token === undefined || t.token === token)).reverse();
        const got = [];
        for (let offset = 0; ; offset += size) {
          const v = tradesView('paper', fills, WINDOW, { offset, limit: size, ...(strategyId !== undefined ? { strategyId } : {}), ...(token !== undefined ? { token } : {}) });
          expect(v.total).toBe(want.length);
          got.push(...v.items);
          if (v.items.length < size) break;
        }
        expect(got.map(({ broker: _b, ...t }) => t)).toEqual(want);
      }),
      { seed, numRuns: 150 },
    );
  });
});

describe('performanceView', () => {
  it('adds strategies and instruments up to the total, with the portfolio\'s realized and fees', () => {
    fc.assert(
      fc.property(fc.array(rawFill, { maxLength: 60 }), (raw) => {
        const fills = toFills(raw);
        const portfolio = portfolioOf(fills);
        const v = performanceView('paper', fills, WINDOW, portfolio, 1_737_800_000_000);
        const sum = (rows: readonly { metrics: { realizedPnl: number; fees: number; trades: { roundTrips: number; netPnl: number } } }[], f: (m: (typeof rows)[number]['metrics']) => number) => rows.reduce((s, r) => s + f(r.metrics), 0);
        for (const rows of [v.strategies, v.instruments]) {
          expect(sum(rows, (m) => m.realizedPnl)).toBe(v.total.metrics.realizedPnl);
          expect(sum(rows, (m) => m.fees)).toBe(v.total.metrics.fees);
          expect(sum(rows, (m) => m.trades.roundTrips)).toBe(v.total.metrics.trades.roundTrips);
          expect(sum(rows, (m) => m.trades.netPnl)).toBe(v.total.metrics.trades.netPnl);
        }
        const state = foldFills(fills, { startingCash: CAPITAL });
        for (const row of v.strategies) {
          const t = strategyTotals(state, 'paper', row.strategyId!);
          expect([row.metrics.realizedPnl, row.metrics.fees, row.startEquity]).toEqual([t.realizedPnl, t.fees, CAPITAL]);
        }
        expect(v.total.startEquity).toBe(CAPITAL * v.strategies.length);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('hand-checked: one win, one loss, one open lot', () => {
    const t0 = 1_737_690_300_000;
    const f = (i: number, strategyId: string, token: number, side: 'BUY' | 'SELL', quantity: number, price: number, fees: number): Fill => ({
      tradeId: `t${i}`, orderId: `o${i}`, broker: 'paper', strategyId, token, side, quantity, price, fees, ts: t0 + i * 60_000, fillSeq: i,
    });
    const fills = [
      f(1, 'a', 7, 'BUY', 10, 10_000, 10), // long 10 @ 100.00
      f(2, 'a', 7, 'SELL', 10, 10_500, 10), // +50.00 gross, 0.20 fees → +49.80
      f(3, 'b', 9, 'SELL', 4, 20_000, 8), // short 4 @ 200.00
      f(4, 'b', 9, 'BUY', 4, 20_300, 8), // −12.00 gross, 0.16 fees → −12.16
      f(5, 'b', 9, 'BUY', 2, 20_000, 4), // open long 2
    ];
    const trades = tradesView('paper', fills, WINDOW, { offset: 0, limit: 10 });
    expect(trades.items.map((t) => [t.strategyId, t.direction, t.quantity, t.netPnl, t.durationMs])).toEqual([
      ['b', 'short', 4, -1216, 60_000],
      ['a', 'long', 10, 4980, 60_000],
    ]);
    expect(trades.open).toHaveLength(1);
    const v = performanceView('paper', fills, WINDOW, portfolioOf(fills), t0 + 10 * 60_000);
    const m = v.total.metrics;
    expect([m.trades.roundTrips, m.trades.wins, m.trades.losses, m.trades.winRate]).toEqual([2, 1, 1, 0.5]);
    expect(m.trades.profitFactor).toBeCloseTo(4980 / 1216, 12);
    expect(m.trades.expectancy).toBe((4980 - 1216) / 2);
    expect([m.realizedPnl, m.fees, m.netRealizedPnl]).toEqual([5000 - 1200, 40, 3800 - 40]);
    // Closed-trade curve from the capital of both strategies: +49.80 at trip 1, −12.16 at trip 2
    expect(m.drawdown.amount).toBe(1216);
    expect(v.strategies.map((r) => [r.key, r.openPositions])).toEqual([['a', 0], ['b', 1]]);
    expect(v.instruments.map((r) => r.key)).toEqual(['7', '9']);
  });
});
