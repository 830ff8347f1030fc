// The terminal rendering of a backtest report: the summary (one column per strategy and the
// total) and the per-day / per-instrument breakdowns. PURE.
import type { BreakdownRow } from '../../domain/metrics/index.js';
import { textTable } from '../table.js';
import { fmtMoney, fmtPct, SUMMARY_ROWS } from './format.js';
import type { BacktestReport, ScopeReport } from './model.js';

export type BreakdownKind = 'day' | 'instrument';

/** Metric rows × (strategies…, total); a single strategy gets no separate total column. */
export function summaryText(report: BacktestReport): string {
  const scopes: ScopeReport[] = report.strategies.length === 1 ? [report.strategies[0]!] : [...report.strategies, report.total];
  const head = ['', ...scopes.map((s) => s.id)];
  const rows = SUMMARY_ROWS.map((r) => [r.label, ...scopes.map((s) => r.format(r.value(s.metrics)))]);
  return textTable([head, ...rows], new Set(scopes.map((_, i) => i + 1)));
}

function breakdownTable(keyLabel: string, rows: readonly BreakdownRow[]): string {
  const head = [keyLabel, 'trips', 'wins', 'win %', 'gross ₹', 'fees ₹', 'net ₹'];
  const body = rows.map((r) => [r.key, String(r.roundTrips), String(r.wins), fmtPct(r.winRate, 1), fmtMoney(r.grossPnl), fmtMoney(r.fees), fmtMoney(r.netPnl)]);
  return textTable([head, ...body], new Set([1, 2, 3, 4, 5, 6]));
}

/** The breakdown of every strategy together (trips by the day they closed, or by instrument). */
export function breakdownText(report: BacktestReport, kind: BreakdownKind): string {
  const rows = kind === 'day' ? report.total.byDay : report.total.byInstrument;
  if (rows.length === 0) return `by ${kind}: no closed trips`;
  return `by ${kind} (all strategies, closed trips):\n${breakdownTable(kind === 'day' ? 'day (IST)' : 'instrument', rows)}`;
}
