// runBacktest: determinism, fills folding to the backtest's own portfolio, event-time order (the
// venue sees a tick before that tick's signals), signal ids as the strategy runner stamps them,
// the market-hours gate and session ends on tick time, config errors as values.
import { describe, expect, it } from 'vitest';
import { columnTicks, packTicks, runBacktest, SYNTHETIC_T0, type BacktestResult } from '../../../src/backtest/index.js';
import { clientOrderIdFor, signalKey, tradeIdFor } from '../../../src/domain/order/ids.js';
import { slippedPrice } from '../../../src/domain/paper/index.js';
import { DEFAULT_DOC, refold, series, synthetic } from './fixtures.js';

const LIMITS = { maxDailyTrades: 100_000 };
const ok = (r: ReturnType<typeof runBacktest>): BacktestResult => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

describe('runBacktest', () => {
  const ticks = synthetic('bt-unit', 5000);

  it('gives identical results for the same input, from arrays and from shared columns alike', () => {
    const a = ok(runBacktest({ ticks, strategies: DEFAULT_DOC, risk: LIMITS }));
    const b = ok(runBacktest({ ticks, strategies: DEFAULT_DOC, risk: LIMITS }));
    const c = ok(runBacktest({ tickIterator: columnTicks(packTicks(ticks)), strategies: DEFAULT_DOC, risk: LIMITS }));
    expect(a.fills.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('keeps fills that fold (foldFills) to exactly its portfolio totals, and equity = start + net PnL', () => {
    const r = ok(runBacktest({ ticks, strategies: DEFAULT_DOC, risk: LIMITS, startingCash: 500_000 }));
    expect(r.fills.map((f) => f.fillSeq)).toEqual(r.fills.map((_, i) => i + 1));
    expect(refold(r, ticks, 50_000_000)).toEqual(r.totals);
    expect(r.stats.startEquity).toBe(6 * 50_000_000);
    expect(r.stats.endEquity).toBe(r.stats.startEquity + r.stats.netPnl);
    expect(r.equity[r.equity.length - 1]).toEqual({ tick: ticks.length - 1, ts: ticks[ticks.length - 1]!.exchangeTs, equity: r.stats.endEquity });
    expect(r.equity.length).toBe(Math.ceil(ticks.length / 1000));
    expect(r.stats.fees).toBe(r.fills.reduce((s, f) => s + f.fees, 0));
    const sells = r.fills.filter((f) => f.side === 'SELL').length;
    expect(r.stats.closedTrades).toBe(sells);
    expect(r.stats.wins).toBeLessThanOrEqual(r.stats.closedTrades);
    expect(r.stats.maxDrawdown).toBeGreaterThanOrEqual(0);
    // Every validated, non-duplicate signal is one order; the other orders are bracket exits
    const validated = r.signals.reduce((s, c) => s + c.validated, 0);
    const exits = r.orders.created - (validated - r.orders.duplicates);
    expect(exits).toBeGreaterThanOrEqual(0);
    expect(exits).toBeLessThanOrEqual(r.orders.bracketsArmed);
  });

  it('fills a market order at the slipped price of the tick that produced it, with runner-stamped ids', () => {
    const token = 408065;
    const prices = [250_000, 250_500, 249_000, 251_235, 252_000];
    const strategy = { id: 'lf', type: 'low_frequency_demo', instruments: [token], params: { min_interval_seconds: 0, side: 'BUY', quantity: 1 } };
    const r = ok(runBacktest({ ticks: series(token, prices), strategies: [strategy], endOfDay: false }));
    expect(r.fills.map((f) => f.price)).toEqual(prices.map((p) => slippedPrice(p, 'BUY', 500, 5)));
    r.fills.forEach((f, i) => {
      const orderId = clientOrderIdFor('paper', signalKey({ strategyId: 'lf', token, side: 'BUY', ts: SYNTHETIC_T0 + i * 1000, feedSeq: i }));
      expect(f.tradeId).toBe(tradeIdFor(orderId, 1));
      expect(f.ts).toBe(SYNTHETIC_T0 + i * 1000);
    });
  });

  it('judges a signal against every fill of earlier ticks (risk position limit)', () => {
    const token = 408065;
    const strategy = { id: 'lf', type: 'low_frequency_demo', instruments: [token], params: { min_interval_seconds: 0, side: 'BUY', quantity: 10 } };
    const r = ok(runBacktest({ ticks: series(token, Array.from({ length: 8 }, () => 100_000)), strategies: [strategy], risk: { maxPosition: 30 }, traceSignals: true }));
    expect(r.fills.length).toBe(3);
    expect(r.trace?.map((t) => t.riskPosition)).toEqual([0, 10, 20, 30, 30, 30, 30, 30]);
    expect(r.signals[0]).toMatchObject({ generated: 8, validated: 3, rejected: 5, rejectedByRule: { MaxPositionSize: 5 } });
  });

  it('gates ticks outside NSE hours from the strategies and expires resting DAY orders at 15:30 IST', () => {
    const token = 408065;
    // A passive BUY limit 1 % under the price never crosses a flat market: it rests until session end
    const strategy = {
      id: 'passive',
      type: 'low_frequency_demo',
      instruments: [token],
      params: { min_interval_seconds: 0, side: 'BUY', quantity: 1, order_type: 'limit', tif: 'DAY', limit_offset_bps: -100 },
    };
    const sixHours = 6 * 3600 * 1000 + 30 * 60 * 1000;
    const ticks = series(token, Array.from({ length: 14 }, () => 100_000), sixHours / 13);
    const nse = { market24x7: false };
    const r = ok(runBacktest({ ticks, strategies: [strategy], calendar: nse }));
    expect(r.ticksGated).toBeGreaterThan(0);
    expect(r.orders.byStatus.Expired).toBe(14 - r.ticksGated);
    expect(r.orders.failedByCode['ERR_PAPER_EXPIRED']).toBe(14 - r.ticksGated);
    expect(r.endOfDays).toBe(2);
    const kept = ok(runBacktest({ ticks, strategies: [strategy], calendar: nse, endOfDay: false }));
    expect(kept.orders.byStatus).toEqual({ Accepted: 14 - r.ticksGated });
    expect(kept.endOfDays).toBe(0);
  });

  it('returns every strategy config problem as a value and skips live-broker strategies', () => {
    const bad = runBacktest({ ticks: [], strategies: [{ id: 'x', type: 'nope', instruments: [1] }, { id: 'y', type: 'momentum', instruments: [] }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.map((e) => e.code).sort()).toEqual(['ERR_STRATEGY_CONFIG', 'ERR_STRATEGY_UNKNOWN_TYPE']);
    const r = ok(runBacktest({ ticks: ticks.slice(0, 100), strategies: [{ id: 'z', type: 'momentum', broker: 'zerodha', instruments: [408065] }] }));
    expect(r.strategies).toEqual([]);
    expect(r.skipped).toEqual([{ strategyId: 'z', reason: expect.stringContaining('zerodha') }]);
    expect(r.stats.startEquity).toBe(0);
  });

  it('refuses both or neither of ticks and tickIterator', () => {
    expect(() => runBacktest({ strategies: [] })).toThrow(/exactly one/);
    expect(() => runBacktest({ strategies: [], ticks: [], tickIterator: [][Symbol.iterator]() })).toThrow(/exactly one/);
  });
});
