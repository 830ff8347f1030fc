// Technical indicators over the tail of a PriceSeries, each O(window) with no allocation.
// Every function reads only the LAST `n` values (the current tick is the last one), so one shared
// window can feed indicators of different lengths. Preconditions are documented per function;
// when they do not hold the result is NaN, and strategies gate on history length before calling.
import type { PriceSeries } from './window.js';

/** Simple moving average of the last `n` values (1 ≤ n ≤ length). */
export function sma(s: PriceSeries, n: number): number {
  if (!(n >= 1 && n <= s.length)) return NaN;
  let sum = 0;
  for (let i = s.length - n; i < s.length; i++) sum += s.get(i);
  return sum / n;
}

// Two-pass sum of squared deviations: numerically stable for prices around 1e5..1e7 paise,
// unlike the one-pass Σx² − n·mean² form whose terms reach 1e16 and cancel catastrophically
function sumSquaredDeviations(s: PriceSeries, n: number, mean: number): number {
  let acc = 0;
  for (let i = s.length - n; i < s.length; i++) {
    const d = s.get(i) - mean;
    acc += d * d;
  }
  return acc;
}

/** Sample standard deviation (divisor n − 1, numpy ddof=1) of the last `n` values (2 ≤ n ≤ length). */
export function sampleStdev(s: PriceSeries, n: number): number {
  if (!(n >= 2 && n <= s.length)) return NaN;
  return Math.sqrt(sumSquaredDeviations(s, n, sma(s, n)) / (n - 1));
}

/** Population standard deviation (divisor n, numpy default) of the last `n` values (1 ≤ n ≤ length). */
export function populationStdev(s: PriceSeries, n: number): number {
  if (!(n >= 1 && n <= s.length)) return NaN;
  return Math.sqrt(sumSquaredDeviations(s, n, sma(s, n)) / n);
}

/**
 * RSI with simple means over the last `period` price changes, i.e. the last period + 1 prices
 * (the current tick counted ONCE; the original appended it twice, making the last change 0).
 * avg_loss = 0 ⇒ 100 (also for a flat series); otherwise 100 − 100 / (1 + avg_gain / avg_loss).
 * Requires period ≥ 1 and length ≥ period + 1. Equals the FIRST value of Wilder's RSI.
 */
export function rsi(s: PriceSeries, period: number): number {
  if (!(period >= 1 && s.length >= period + 1)) return NaN;
  let gains = 0;
  let losses = 0;
  let prev = s.get(s.length - period - 1);
  for (let i = s.length - period; i < s.length; i++) {
    const cur = s.get(i);
    const change = cur - prev;
    if (change > 0) gains += change;
    else losses -= change;
    prev = cur;
  }
  if (losses === 0) return 100;
  // Dividing sums instead of means: the 1/period factors cancel, one less rounding
  return 100 - 100 / (1 + gains / losses);
}

/** Bollinger bands on the last `n` values: middle = SMA, upper/lower = SMA ± k·σ. */
export interface BollingerBands {
  readonly middle: number;
  readonly upper: number;
  readonly lower: number;
  readonly stdev: number;
}

/** Bollinger bands using the SAMPLE stdev, as the original did (2 ≤ n ≤ length). */
export function bollinger(s: PriceSeries, n: number, k: number): BollingerBands {
  const middle = sma(s, n);
  const stdev = sampleStdev(s, n);
  return { middle, upper: middle + k * stdev, lower: middle - k * stdev, stdev };
}

/** Simple return between positions `from` and `to` of the series: (s[to] − s[from]) / s[from]; 0 if s[from] = 0. */
export function simpleReturn(s: PriceSeries, from: number, to: number): number {
  const base = s.get(from);
  return base === 0 ? 0 : (s.get(to) - base) / base;
}

/** Statistics of the n − 1 one-step returns inside the last `n` values (n ≥ 2, else zeros). */
export interface ReturnStats {
  /** Population stdev of the returns (numpy `np.std`). */
  readonly stdev: number;
  /** Mean absolute return. */
  readonly meanAbs: number;
}

/** Population stdev and mean |return| of the one-step returns of the last `n` values. */
export function returnStats(s: PriceSeries, n: number): ReturnStats {
  const m = Math.min(n, s.length) - 1;
  if (m < 1) return { stdev: 0, meanAbs: 0 };
  const start = s.length - m;
  let sum = 0;
  let sumAbs = 0;
  for (let i = start; i < s.length; i++) {
    const r = simpleReturn(s, i - 1, i);
    sum += r;
    sumAbs += Math.abs(r);
  }
  const mean = sum / m;
  let acc = 0;
  for (let i = start; i < s.length; i++) {
    const d = simpleReturn(s, i - 1, i) - mean;
    acc += d * d;
  }
  return { stdev: Math.sqrt(acc / m), meanAbs: sumAbs / m };
}

/** Highest and lowest of the last `n` values (1 ≤ n ≤ length). */
export function extremes(s: PriceSeries, n: number): { readonly max: number; readonly min: number } {
  if (!(n >= 1 && n <= s.length)) return { max: NaN, min: NaN };
  let max = -Infinity;
  let min = Infinity;
  for (let i = s.length - n; i < s.length; i++) {
    const v = s.get(i);
    if (v > max) max = v;
    if (v < min) min = v;
  }
  return { max, min };
}
