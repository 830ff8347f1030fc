// How report figures read, shared by the terminal table and the HTML report: one row definition
// per summary metric (label + formatter) and the unit formatters. PURE.
import type { BacktestMetrics } from '../../domain/metrics/index.js';
import { istTimeOfDayMs, tradingDay } from '../../domain/market-hours/index.js';
import { rupees } from '../describe.js';

const DASH = '—';

export function fmtMoney(paise: number | null): string {
  return paise === null ? DASH : rupees(Math.round(paise));
}

export function fmtPct(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? DASH : `${(x * 100).toFixed(digits)} %`;
}

export function fmtRatio(x: number | null): string {
  return x === null || !Number.isFinite(x) ? DASH : x.toFixed(2);
}

/** 93_784_000 → "1d 2h 3m"; under a minute in seconds. */
export function fmtDuration(ms: number | null): string {
  if (ms === null) return DASH;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', `${m}m`].filter((x) => x !== '').join(' ');
}

/** Epoch ms as IST wall time, `YYYY-MM-DD HH:MM:SS` (or without seconds); — for null. */
export function fmtIst(ts: number | null, seconds = true): string {
  if (ts === null) return DASH;
  const s = Math.floor(istTimeOfDayMs(ts) / 1000);
  const two = (x: number): string => String(x).padStart(2, '0');
  return `${tradingDay(ts)} ${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}${seconds ? `:${two(s % 60)}` : ''}`;
}

/** One line of the summary table. `key` names the figure in the JSON and in the HTML's data-metric. */
export interface MetricRow {
  readonly key: string;
  readonly label: string;
  readonly value: (m: BacktestMetrics) => number | null;
  readonly format: (v: number | null) => string;
}

const money = (key: string, label: string, value: (m: BacktestMetrics) => number | null): MetricRow => ({ key, label, value, format: fmtMoney });
const count = (key: string, label: string, value: (m: BacktestMetrics) => number | null): MetricRow => ({ key, label, value, format: (v) => (v === null ? DASH : String(v)) });
const pct = (key: string, label: string, value: (m: BacktestMetrics) => number | null): MetricRow => ({ key, label, value, format: (v) => fmtPct(v) });
const ratio = (key: string, label: string, value: (m: BacktestMetrics) => number | null): MetricRow => ({ key, label, value, format: fmtRatio });

/** The summary rows, in display order (money in ₹). */
export const SUMMARY_ROWS: readonly MetricRow[] = [
  count('fills', 'fills', (m) => m.fills),
  count('roundTrips', 'round trips', (m) => m.trades.roundTrips),
  pct('winRate', 'win rate', (m) => m.trades.winRate),
  money('avgWin', 'average win ₹', (m) => m.trades.avgWin),
  money('avgLoss', 'average loss ₹', (m) => m.trades.avgLoss),
  ratio('profitFactor', 'profit factor', (m) => m.trades.profitFactor),
  money('expectancy', 'expectancy ₹/trip', (m) => m.trades.expectancy),
  money('netRealizedPnl', 'net realized PnL ₹', (m) => m.netRealizedPnl),
  money('fees', 'fees ₹', (m) => m.fees),
  money('unrealizedPnl', 'unrealized at end ₹', (m) => m.unrealizedPnl),
  money('netPnl', 'net PnL ₹', (m) => m.netPnl),
  money('endEquity', 'end equity ₹', (m) => m.endEquity),
  pct('totalReturn', 'return', (m) => m.totalReturn),
  pct('cagr', 'CAGR', (m) => m.cagr),
  ratio('sharpe', 'Sharpe (daily, ×√252)', (m) => m.sharpe),
  ratio('sortino', 'Sortino (daily, ×√252)', (m) => m.sortino),
  ratio('calmar', 'Calmar', (m) => m.calmar),
  money('maxDrawdown', 'max drawdown ₹', (m) => m.drawdown.amount),
  pct('maxDrawdownPct', 'max drawdown %', (m) => m.drawdown.pct),
  { key: 'maxDrawdownDuration', label: 'max drawdown duration', value: (m) => m.drawdown.durationMs, format: fmtDuration },
  pct('exposure', 'exposure (time in market)', (m) => m.exposure),
  money('bestTrip', 'best trip ₹', (m) => m.trades.best?.netPnl ?? null),
  money('worstTrip', 'worst trip ₹', (m) => m.trades.worst?.netPnl ?? null),
  { key: 'avgDuration', label: 'average holding time', value: (m) => m.trades.avgDurationMs, format: fmtDuration },
  count('days', 'days', (m) => m.daily.length),
];

/** Every summary figure by key (raw numbers: paise, fractions, ms; null when undefined). */
export type MetricValues = Readonly<Record<string, number | null>>;

export function metricValues(m: BacktestMetrics): MetricValues {
  return Object.fromEntries(SUMMARY_ROWS.map((r) => [r.key, r.value(m)]));
}

/** The row of a metric key, or undefined. */
export function metricRow(key: string): MetricRow | undefined {
  return SUMMARY_ROWS.find((r) => r.key === key);
}

/** Figures where less is better (a sweep ranks them ascending by default). */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['fees', 'maxDrawdown', 'maxDrawdownPct', 'maxDrawdownDuration']);
