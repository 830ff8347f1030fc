// A hand-checked example of every metric (each expected number is worked out in the comments),
// plus the edge cases that must read as "undefined" rather than as a number.
import { describe, expect, it } from 'vitest';
import {
  backtestMetrics,
  byDay,
  byInstrument,
  cagr,
  dailyCloses,
  exposure,
  maxDrawdown,
  roundTrips,
  sharpeRatio,
  sortinoRatio,
  tradeStats,
} from '../../../src/domain/metrics/index.js';
import { foldFills, strategyTotals } from '../../../src/domain/portfolio/index.js';
import type { Fill } from '../../../src/domain/types.js';

const T0 = 1_737_690_300_000; // 2025-01-24 09:15 IST
const DAY = 86_400_000;
let seq = 0;
function fill(token: number, side: 'BUY' | 'SELL', quantity: number, price: number, fees: number, atS: number): Fill {
  seq++;
  return { tradeId: `t${seq}`, orderId: `o${seq}`, broker: 'paper', strategyId: 's1', token, side, quantity, price, fees, ts: T0 + atS * 1000, fillSeq: seq };
}

// Token 1: two buys, a sell of 12 (closes lot 1 and 2 of lot 2), a sell of the last 3.
// Token 2: a short of 4 covered 100 s later.
const FILLS: Fill[] = [
  fill(1, 'BUY', 10, 10_000, 30, 0),
  fill(1, 'BUY', 5, 10_200, 15, 60),
  fill(1, 'SELL', 12, 10_500, 36, 120),
  fill(1, 'SELL', 3, 10_100, 9, 180),
  fill(2, 'SELL', 4, 5_000, 0, 200),
  fill(2, 'BUY', 4, 4_900, 0, 300),
];

describe('round trips (FIFO)', () => {
  it('matches the hand-worked trips, fees and durations', () => {
    const { trips, open } = roundTrips(FILLS);
    expect(open).toEqual([]);
    // lot 1 (10 @ 100.00, fees 30) closed by the sell @ 105.00: gross 10 × 500 = 5000;
    // fees 30 + round(36 × 10/12) = 30 + 30 = 60; net 4940; held 120 s
    // lot 2 (5 @ 102.00, fees 15), 2 closed: gross 2 × 300 = 600; fees round(15 × 2/5) = 6 + the
    // sell's remaining 6 = 12; net 588; held 60 s
    // lot 2's last 3 closed @ 101.00: gross 3 × −100 = −300; fees 9 + 9; net −318; held 120 s
    // short 4 @ 50.00 covered @ 49.00: gross 400, no fees
    expect(trips.map((t) => [t.token, t.direction, t.quantity, t.grossPnl, t.fees, t.netPnl, t.durationMs])).toEqual([
      [1, 'long', 10, 5000, 60, 4940, 120_000],
      [1, 'long', 2, 600, 12, 588, 60_000],
      [1, 'long', 3, -300, 18, -318, 120_000],
      [2, 'short', 4, 400, 0, 400, 100_000],
    ]);
    // On a flat book FIFO gross equals the average-cost realized PnL: 5000 + 600 − 300 = 5300
    expect(strategyTotals(foldFills(FILLS), 'paper', 's1').realizedPnl).toBe(5300 + 400);
  });

  it('keeps an unclosed remainder as an open lot with its share of the fees', () => {
    const { trips, open } = roundTrips(FILLS.slice(0, 3));
    expect(trips).toHaveLength(2);
    expect(open).toEqual([{ strategyId: 's1', token: 1, direction: 'long', quantity: 3, entryPrice: 10_200, entryTs: T0 + 60_000, entryTradeId: FILLS[1]!.tradeId, fees: 9 }]);
  });

  it('a fill crossing zero closes the old lot and opens the rest on the other side', () => {
    const f = [fill(3, 'BUY', 2, 100, 4, 0), fill(3, 'SELL', 5, 110, 10, 1)];
    const { trips, open } = roundTrips(f);
    // the sell's fees: 2 of 5 → round(10 × 2/5) = 4 to the trip, 6 stay with the short lot of 3
    expect(trips.map((t) => [t.quantity, t.grossPnl, t.fees])).toEqual([[2, 20, 8]]);
    expect(open.map((l) => [l.direction, l.quantity, l.entryPrice, l.fees])).toEqual([['short', 3, 110, 6]]);
  });
});

describe('trade figures', () => {
  it('win rate, averages, profit factor, expectancy, best and worst', () => {
    const s = tradeStats(roundTrips(FILLS).trips);
    expect(s).toMatchObject({ roundTrips: 4, wins: 3, losses: 1, winRate: 0.75, grossWin: 5928, grossLoss: -318, netPnl: 5610, fees: 90, avgWin: 1976, avgLoss: -318 });
    expect(s.profitFactor).toBeCloseTo(5928 / 318, 12);
    expect(s.expectancy).toBe(1402.5);
    expect(s.best?.netPnl).toBe(4940);
    expect(s.worst?.netPnl).toBe(-318);
    expect(s.avgDurationMs).toBe(100_000); // (120 + 60 + 120 + 100) s / 4
  });

  it('no trips: ratios are null, never 0 or NaN', () => {
    expect(tradeStats([])).toMatchObject({ roundTrips: 0, winRate: null, avgWin: null, avgLoss: null, profitFactor: null, expectancy: null, best: null });
  });

  it('no losing trip: profit factor is null (unbounded)', () => {
    expect(tradeStats(roundTrips(FILLS.slice(4)).trips).profitFactor).toBeNull();
  });
});

describe('curve figures', () => {
  it('Sharpe and Sortino of [1 %, −2 %, 3 %] (values from Python statistics.stdev)', () => {
    expect(sharpeRatio([0.01, -0.02, 0.03])).toBeCloseTo(4.205259864302775, 12);
    expect(sortinoRatio([0.01, -0.02, 0.03])).toBeCloseTo(7.483314773547882, 12);
    expect(sharpeRatio([0.01])).toBeNull();
    expect(sharpeRatio([0.01, 0.01])).toBeNull();
    expect(sortinoRatio([0.01, 0.02])).toBeNull();
  });

  it('daily closes take the last sample of each IST day', () => {
    const d = dailyCloses(1000, [
      { ts: T0, equity: 1010 },
      { ts: T0 + 3_600_000, equity: 1020 },
      { ts: T0 + DAY, equity: 1000 },
      { ts: T0 + 3 * DAY, equity: 1050 },
    ]);
    expect(d.map((x) => [x.date, x.close, x.pnl])).toEqual([
      ['2025-01-24', 1020, 20],
      ['2025-01-25', 1000, -20],
      ['2025-01-27', 1050, 50],
    ]);
    expect(d[0]!.ret).toBeCloseTo(0.02, 15);
    expect(d[1]!.ret).toBeCloseTo(1000 / 1020 - 1, 15);
  });

  it('max drawdown: amount, percent, and peak-to-recovery duration', () => {
    const dd = maxDrawdown({ ts: 0, equity: 1000 }, [
      { ts: 1, equity: 1100 },
      { ts: 2, equity: 900 },
      { ts: 3, equity: 1000 },
      { ts: 4, equity: 1150 },
      { ts: 5, equity: 1050 },
    ]);
    expect(dd).toEqual({ amount: 200, pct: 200 / 1100, peakTs: 1, troughTs: 2, recoveredTs: 4, durationMs: 3 });
    // never recovered: the duration runs to the last sample
    expect(maxDrawdown({ ts: 0, equity: 10 }, [{ ts: 5, equity: 7 }, { ts: 9, equity: 8 }])).toMatchObject({ amount: 3, recoveredTs: null, durationMs: 9 });
    expect(maxDrawdown({ ts: 0, equity: 10 }, [{ ts: 5, equity: 11 }]).amount).toBe(0);
  });

  it('CAGR: +10 % over two years is 4.88 % a year; under a day it is null', () => {
    expect(cagr(1000, 1100, 730.5 * DAY)).toBeCloseTo(0.04880884817015163, 12);
    expect(cagr(1000, 1100, DAY - 1)).toBeNull();
    expect(cagr(1000, 0, 2 * DAY)).toBe(-1);
  });

  it('exposure: time with any open position over the period', () => {
    // token 1 open 0–180 s, token 2 open 200–300 s, period 0–400 s → 280 / 400
    expect(exposure(FILLS, T0, T0 + 400_000)).toBeCloseTo(0.7, 15);
    expect(exposure(FILLS.slice(0, 1), T0, T0 + 400_000)).toBe(1);
    expect(exposure([], T0, T0)).toBeNull();
  });
});

describe('breakdowns and the summary', () => {
  it('per instrument and per day', () => {
    const { trips } = roundTrips(FILLS);
    expect(byInstrument(trips).map((r) => [r.key, r.roundTrips, r.wins, r.netPnl, r.fees])).toEqual([
      ['1', 3, 2, 5210, 90],
      ['2', 1, 1, 400, 0],
    ]);
    expect(byDay(trips).map((r) => [r.key, r.roundTrips, r.netPnl])).toEqual([['2025-01-24', 4, 5610]]);
  });

  it('keeps realized and unrealized apart and nets the fees once', () => {
    const { trips } = roundTrips(FILLS);
    const m = backtestMetrics({
      fills: FILLS,
      trips,
      openLots: 0,
      curve: [{ ts: T0 + 400_000, equity: 1_000_000 + 5610 + 250 }],
      startEquity: 1_000_000,
      firstTs: T0,
      lastTs: T0 + 400_000,
      realizedPnl: 5700,
      unrealizedPnl: 250,
      fees: 90,
    });
    expect(m).toMatchObject({ fills: 6, realizedPnl: 5700, fees: 90, netRealizedPnl: 5610, unrealizedPnl: 250, netPnl: 5860, endEquity: 1_005_860, cagr: null, sharpe: null });
    expect(m.trades.netPnl).toBe(m.netRealizedPnl);
    expect(m.exposure).toBeCloseTo(0.7, 15);
  });
});
