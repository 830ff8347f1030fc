// Figures of an equity curve: daily closes and returns, Sharpe and Sortino ratios, CAGR and the
// maximum drawdown. PURE.
// Conventions (the report states them too):
// - a day is an IST calendar day that has at least one equity sample; its close is the last
//   sample of the day. Day 1's return is against the starting equity, later days' against the
//   previous close. Days without ticks (weekends, holidays) are absent, not zero returns.
// - Sharpe = mean(r) / stdev(r) × √252 and Sortino = mean(r) / downside(r) × √252, risk-free
//   rate 0, stdev the sample standard deviation (n − 1), downside = √(Σ min(r, 0)² / (n − 1))
//   over all n days. Both are null for fewer than 2 days or a zero denominator.
// - CAGR = (end / start)^(1 / years) − 1, years = elapsed ms / (365.25 × 86 400 000), over the
//   first to the last tick; null for a period under one day (annualising hours says nothing),
//   or a non-positive start.
import { formatIsoDate } from '../market-hours/calendar.js';
import { DAY_MS, istDayNumber } from '../market-hours/ist.js';
import type { Paise } from '../types.js';

/** One point of an equity curve (structurally the backtest's EquityPoint). */
export interface EquitySample {
  readonly ts: number;
  readonly equity: Paise;
}

export interface DailyClose {
  /** IST date, YYYY-MM-DD. */
  readonly date: string;
  readonly close: Paise;
  /** Return of the day against the previous close (the start for the first day). */
  readonly ret: number;
  /** close − previous close, paise. */
  readonly pnl: Paise;
}

export const TRADING_DAYS_PER_YEAR = 252;
const YEAR_MS = 365.25 * DAY_MS;

/** Daily closes and returns of a curve in time order, starting from `startEquity`. */
export function dailyCloses(startEquity: Paise, samples: readonly EquitySample[]): DailyClose[] {
  const out: DailyClose[] = [];
  let day: number | null = null;
  let last: Paise = startEquity;
  let prevClose: Paise = startEquity;
  const flush = (d: number): void => {
    out.push({ date: formatIsoDate(d), close: last, ret: prevClose === 0 ? 0 : last / prevClose - 1, pnl: last - prevClose });
    prevClose = last;
  };
  for (const s of samples) {
    const d = istDayNumber(s.ts);
    if (day !== null && d !== day) flush(day);
    day = d;
    last = s.equity;
  }
  if (day !== null) flush(day);
  return out;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Annualised Sharpe ratio of daily returns (risk-free 0, sample stdev); null when undefined. */
export function sharpeRatio(returns: readonly number[]): number | null {
  const n = returns.length;
  if (n < 2) return null;
  const m = mean(returns);
  let ss = 0;
  for (const r of returns) ss += (r - m) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return sd === 0 ? null : (m / sd) * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

/** Annualised Sortino ratio of daily returns (target 0, downside over all days, n − 1); null when undefined. */
export function sortinoRatio(returns: readonly number[]): number | null {
  const n = returns.length;
  if (n < 2) return null;
  let ss = 0;
  for (const r of returns) if (r < 0) ss += r * r;
  const dd = Math.sqrt(ss / (n - 1));
  return dd === 0 ? null : (mean(returns) / dd) * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

/** Compound annual growth rate between two equities `elapsedMs` apart; null when undefined. */
export function cagr(startEquity: Paise, endEquity: Paise, elapsedMs: number): number | null {
  if (startEquity <= 0 || elapsedMs < DAY_MS) return null;
  if (endEquity <= 0) return -1;
  return (endEquity / startEquity) ** (YEAR_MS / elapsedMs) - 1;
}

/** The largest peak-to-trough fall of a curve. */
export interface Drawdown {
  /** Peak − trough, paise (0 when the curve never fell). */
  readonly amount: Paise;
  /** amount / peak (0 when the peak is not positive). */
  readonly pct: number;
  readonly peakTs: number | null;
  readonly troughTs: number | null;
  /** First time the curve was back at the peak; null when it never recovered. */
  readonly recoveredTs: number | null;
  /** Peak to recovery, or to the last sample when it never recovered; 0 without a drawdown. */
  readonly durationMs: number;
}

/**
 * Maximum drawdown by amount (the first of equal ones) of `start` followed by `samples`, plus
 * its duration. Exact on the samples given: a fall between two samples is not seen.
 */
export function maxDrawdown(start: EquitySample, samples: readonly EquitySample[]): Drawdown {
  let peak = start;
  let best: { peak: EquitySample; trough: number } | null = null;
  let bestAmount = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s.equity > peak.equity) peak = s;
    else if (peak.equity - s.equity > bestAmount) {
      bestAmount = peak.equity - s.equity;
      best = { peak, trough: i };
    }
  }
  if (best === null) return { amount: 0, pct: 0, peakTs: null, troughTs: null, recoveredTs: null, durationMs: 0 };
  let recoveredTs: number | null = null;
  for (let i = best.trough + 1; i < samples.length; i++) {
    if (samples[i]!.equity >= best.peak.equity) {
      recoveredTs = samples[i]!.ts;
      break;
    }
  }
  const end = recoveredTs ?? samples[samples.length - 1]!.ts;
  const amount = bestAmount;
  return {
    amount,
    pct: best.peak.equity > 0 ? amount / best.peak.equity : 0,
    peakTs: best.peak.ts,
    troughTs: samples[best.trough]!.ts,
    recoveredTs,
    durationMs: end - best.peak.ts,
  };
}
