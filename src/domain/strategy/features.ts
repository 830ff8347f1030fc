// ML feature extraction of docs/original-system.md §4.4 over the last `lookback` prices (current tick
// included, as the original's history was). Returns null until the history holds `lookback`
// prices: the original fed zeros to the model, which a biased model could turn into a signal
// on no data at all.
import { assertNever } from '../../errors.js';
import { extremes, returnStats, sampleStdev, simpleReturn, sma } from './indicators.js';
import type { PriceSeries } from './window.js';

/** The three feature sets. */
export type FeatureKind = 'momentum' | 'mean_reversion' | 'breakout';

/** Number of features each kind produces (the model's `n_features_in_`). */
export const FEATURE_COUNT: Readonly<Record<FeatureKind, number>> = {
  momentum: 5,
  mean_reversion: 4,
  breakout: 4,
};

/** Momentum: [total return, 5-period return, stdev of returns (population), price, history length]. */
export function momentumFeatures(h: PriceSeries, lookback: number): number[] | null {
  if (lookback < 2 || h.length < lookback) return null;
  const last = h.length - 1;
  const total = simpleReturn(h, h.length - lookback, last);
  // The original's prices[-5]: four ticks before the current one
  const r5 = lookback >= 5 ? simpleReturn(h, h.length - 5, last) : 0;
  return [total, r5, returnStats(h, lookback).stdev, h.get(last), h.length];
}

/** Mean reversion: [z-score (sample σ; 0 if σ = 0), price, stdev of returns (population), history length]. */
export function meanReversionFeatures(h: PriceSeries, lookback: number): number[] | null {
  if (lookback < 2 || h.length < lookback) return null;
  const p = h.get(h.length - 1);
  const sd = sampleStdev(h, lookback);
  const z = sd > 0 ? (p - sma(h, lookback)) / sd : 0;
  return [z, p, returnStats(h, lookback).stdev, h.length];
}

/** Breakout: [(p − max)/max, (p − min)/min, mean |return|, price] over the window (p included). */
export function breakoutFeatures(h: PriceSeries, lookback: number): number[] | null {
  if (lookback < 2 || h.length < lookback) return null;
  const p = h.get(h.length - 1);
  const { max, min } = extremes(h, lookback);
  const up = max !== 0 ? (p - max) / max : 0;
  const down = min !== 0 ? (p - min) / min : 0;
  return [up, down, returnStats(h, lookback).meanAbs, p];
}

/** Dispatches to the extractor of `kind`. */
export function extractFeatures(kind: FeatureKind, h: PriceSeries, lookback: number): number[] | null {
  switch (kind) {
    case 'momentum':
      return momentumFeatures(h, lookback);
    case 'mean_reversion':
      return meanReversionFeatures(h, lookback);
    case 'breakout':
      return breakoutFeatures(h, lookback);
    default:
      return assertNever(kind);
  }
}
