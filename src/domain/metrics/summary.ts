// Every figure of one backtest scope (one strategy, or all of them) from what the run returns:
// its fills, its equity curve and its portfolio totals. PURE.
// Realized PnL, unrealized PnL and fees are the portfolio's own (average-cost) totals, passed in,
// never recomputed here; unrealized stays separate from realized. Trade figures come from the
// FIFO round trips (round-trips.ts), curve figures from the samples (equity.ts, with its
// conventions), time in market from the fills (exposure.ts).
import type { Fill, Paise } from '../types.js';
import { cagr, dailyCloses, maxDrawdown, sharpeRatio, sortinoRatio, type DailyClose, type Drawdown, type EquitySample } from './equity.js';
import { exposure } from './exposure.js';
import type { RoundTrip } from './round-trips.js';
import { tradeStats, type TradeStats } from './trades.js';

export interface MetricsInput {
  readonly fills: readonly Fill[];
  /** The scope's closed trips (roundTrips(fills).trips, filtered to the scope). */
  readonly trips: readonly RoundTrip[];
  /** Lots still open at the end. */
  readonly openLots: number;
  /** The scope's equity samples in time order (its last one is the end equity). */
  readonly curve: readonly EquitySample[];
  readonly startEquity: Paise;
  /** First and last tick time of the run (the period), null for an empty run. */
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** Portfolio totals of the scope, paise. */
  readonly realizedPnl: Paise;
  readonly unrealizedPnl: Paise;
  readonly fees: Paise;
}

export interface BacktestMetrics {
  readonly fills: number;
  readonly trades: TradeStats;
  readonly openLots: number;
  readonly realizedPnl: Paise;
  readonly fees: Paise;
  /** realized − fees: what the closed business earned. */
  readonly netRealizedPnl: Paise;
  /** Open positions marked at the last price; never part of the realized figures. */
  readonly unrealizedPnl: Paise;
  /** netRealized + unrealized = end equity − start equity. */
  readonly netPnl: Paise;
  readonly startEquity: Paise;
  readonly endEquity: Paise;
  /** endEquity / startEquity − 1. */
  readonly totalReturn: number;
  readonly periodMs: number;
  readonly cagr: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** cagr / drawdown.pct; null when either is null or 0. */
  readonly calmar: number | null;
  readonly drawdown: Drawdown;
  /** Share of the period with an open position; null for an empty period. */
  readonly exposure: number | null;
  readonly daily: readonly DailyClose[];
}

export function backtestMetrics(input: MetricsInput): BacktestMetrics {
  const { curve, startEquity } = input;
  const firstTs = input.firstTs ?? 0;
  const lastTs = input.lastTs ?? firstTs;
  const endEquity = curve.length === 0 ? startEquity : curve[curve.length - 1]!.equity;
  const daily = dailyCloses(startEquity, curve);
  const returns = daily.map((d) => d.ret);
  const drawdown = maxDrawdown({ ts: firstTs, equity: startEquity }, curve);
  const growth = cagr(startEquity, endEquity, lastTs - firstTs);
  const netRealizedPnl = input.realizedPnl - input.fees;
  return {
    fills: input.fills.length,
    trades: tradeStats(input.trips),
    openLots: input.openLots,
    realizedPnl: input.realizedPnl,
    fees: input.fees,
    netRealizedPnl,
    unrealizedPnl: input.unrealizedPnl,
    netPnl: netRealizedPnl + input.unrealizedPnl,
    startEquity,
    endEquity,
    totalReturn: startEquity > 0 ? endEquity / startEquity - 1 : 0,
    periodMs: lastTs - firstTs,
    cagr: growth,
    sharpe: sharpeRatio(returns),
    sortino: sortinoRatio(returns),
    calmar: growth === null || drawdown.pct === 0 ? null : growth / drawdown.pct,
    drawdown,
    exposure: input.firstTs === null ? null : exposure(input.fills, firstTs, lastTs),
    daily,
  };
}
