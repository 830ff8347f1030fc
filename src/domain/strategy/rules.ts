// Rule-based strategies of docs/original-system.md §4.2: momentum, rsi and mean_reversion.
// Stateless: each decision depends only on the per-instrument history (current tick last), so
// the same price series always yields the same signals. Quantities are fixed; price = tick ltp.
import { bollinger, rsi as rsiOf, simpleReturn } from './indicators.js';
import type { Decision, StrategyContext, StrategyLogic } from './types.js';

/** Parameters of `momentum` (defaults: lookback 20, threshold 0.01, position size 100). */
export interface MomentumParams {
  readonly lookbackPeriods: number;
  readonly threshold: number;
  readonly positionSize: number;
}

/** Parameters of `rsi` (defaults: period 14, oversold 30, overbought 70, position size 100). */
export interface RsiParams {
  readonly rsiPeriod: number;
  readonly oversold: number;
  readonly overbought: number;
  readonly positionSize: number;
}

/** Parameters of `mean_reversion` (defaults: lookback 20, RSI 14/30/70, bollinger k 2.0, size 100). */
export interface MeanReversionParams extends RsiParams {
  readonly lookbackPeriods: number;
  readonly bollingerStd: number;
}

/**
 * Momentum: m = (p − p[−lookback]) / p[−lookback], the price lookback − 1 ticks ago.
 * BUY if m > threshold, SELL if m < −threshold, confidence min(1, 5·|m|).
 */
export function evaluateMomentum(p: MomentumParams, ctx: StrategyContext): Decision | null {
  const h = ctx.history;
  if (h.length < p.lookbackPeriods) return null;
  const start = h.get(h.length - p.lookbackPeriods);
  if (!(start > 0)) return null;
  const m = simpleReturn(h, h.length - p.lookbackPeriods, h.length - 1);
  if (!(Math.abs(m) > p.threshold)) return null;
  return {
    side: m > 0 ? 'BUY' : 'SELL',
    confidence: Math.min(1, Math.abs(m) * 5),
    quantity: p.positionSize,
    price: ctx.ltp,
    metadata: { momentum: m, lookback_periods: p.lookbackPeriods },
  };
}

/** History the rsi strategy waits for before its first signal (2 × period, as the original). */
export const rsiHistoryLength = (p: RsiParams): number => 2 * p.rsiPeriod;

/**
 * RSI strategy. BUY if RSI < oversold with confidence min(1, (oversold − RSI) / oversold);
 * SELL if RSI > overbought with confidence min(1, (RSI − overbought) / (100 − overbought)).
 */
export function evaluateRsi(p: RsiParams, ctx: StrategyContext): Decision | null {
  if (ctx.history.length < rsiHistoryLength(p)) return null;
  const value = rsiOf(ctx.history, p.rsiPeriod);
  if (value < p.oversold) {
    return {
      side: 'BUY',
      confidence: Math.min(1, (p.oversold - value) / p.oversold),
      quantity: p.positionSize,
      price: ctx.ltp,
      metadata: { rsi: value },
    };
  }
  if (value > p.overbought) {
    return {
      side: 'SELL',
      confidence: Math.min(1, (value - p.overbought) / (100 - p.overbought)),
      quantity: p.positionSize,
      price: ctx.ltp,
      metadata: { rsi: value },
    };
  }
  return null;
}

/** History mean_reversion waits for: max(lookback, 2 × rsi period). */
export const meanReversionHistoryLength = (p: MeanReversionParams): number =>
  Math.max(p.lookbackPeriods, 2 * p.rsiPeriod);

/**
 * Mean reversion: RSI plus Bollinger bands (sample σ) on the last `lookback` prices.
 * BUY if RSI < oversold ∧ p < lower, confidence min(1, (oversold − RSI)/20 + (lower − p)/lower);
 * SELL if RSI > overbought ∧ p > upper, confidence min(1, (RSI − overbought)/20 + (p − upper)/upper).
 */
export function evaluateMeanReversion(p: MeanReversionParams, ctx: StrategyContext): Decision | null {
  const h = ctx.history;
  if (h.length < meanReversionHistoryLength(p)) return null;
  const value = rsiOf(h, p.rsiPeriod);
  const bands = bollinger(h, p.lookbackPeriods, p.bollingerStd);
  const price = ctx.ltp;
  const metadata = { rsi: value, sma: bands.middle, upper: bands.upper, lower: bands.lower };
  if (value < p.oversold && price < bands.lower && bands.lower > 0) {
    return {
      side: 'BUY',
      confidence: Math.min(1, (p.oversold - value) / 20 + (bands.lower - price) / bands.lower),
      quantity: p.positionSize,
      price,
      metadata,
    };
  }
  if (value > p.overbought && price > bands.upper && bands.upper > 0) {
    return {
      side: 'SELL',
      confidence: Math.min(1, (value - p.overbought) / 20 + (price - bands.upper) / bands.upper),
      quantity: p.positionSize,
      price,
      metadata,
    };
  }
  return null;
}

/** Momentum strategy instance. */
export function createMomentum(p: MomentumParams): StrategyLogic {
  return { historyLength: p.lookbackPeriods, evaluate: (ctx) => evaluateMomentum(p, ctx) };
}

/** RSI strategy instance. */
export function createRsi(p: RsiParams): StrategyLogic {
  return { historyLength: rsiHistoryLength(p), evaluate: (ctx) => evaluateRsi(p, ctx) };
}

/** Mean-reversion strategy instance. */
export function createMeanReversion(p: MeanReversionParams): StrategyLogic {
  return { historyLength: meanReversionHistoryLength(p), evaluate: (ctx) => evaluateMeanReversion(p, ctx) };
}
