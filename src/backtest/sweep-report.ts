// Sweep results as the CLI prints them: outcomes ranked by one metric (net PnL by default; any
// summary figure of the backtest report with --sort), best first, ties by task id so the order is
// deterministic, as a fixed-width text table or as JSON. PURE.
import { rupees } from './describe.js';
import type { ParamAxis } from './grid.js';
import { fmtPct, fmtRatio, metricRow } from './report/format.js';
import type { SweepOutcome } from './sweep-task.js';
import { textTable } from './table.js';

type Ok = Extract<SweepOutcome, { ok: true }>;

/** The ranking: a SUMMARY_ROWS key and a direction. */
export interface SweepSort {
  readonly key: string;
  readonly dir: 'asc' | 'desc';
}

export const DEFAULT_SORT: SweepSort = { key: 'netPnl', dir: 'desc' };

/** Successful outcomes, best first by `sort`; a missing (null) figure ranks last. */
export function rankOutcomes(outcomes: readonly SweepOutcome[], sort: SweepSort = DEFAULT_SORT): Ok[] {
  const sign = sort.dir === 'desc' ? -1 : 1;
  return outcomes
    .filter((o): o is Ok => o.ok)
    .sort((a, b) => {
      const x = a.metrics[sort.key] ?? null;
      const y = b.metrics[sort.key] ?? null;
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0) || a.id - b.id;
      return sign * (x - y) || a.id - b.id;
    });
}

/** The JSON document of `--json`: ranked rows with money in paise (integers) and every metric. */
export function sweepJson(strategy: string, ticks: string, outcomes: readonly SweepOutcome[], sort: SweepSort = DEFAULT_SORT): unknown {
  const failed = outcomes.filter((o) => !o.ok);
  return {
    strategy,
    ticks,
    sort,
    ranked: rankOutcomes(outcomes, sort).map((o, i) => ({
      rank: i + 1,
      params: o.params,
      netPnlPaise: o.stats.netPnl,
      feesPaise: o.stats.fees,
      fills: o.stats.fills,
      closedTrades: o.stats.closedTrades,
      winRate: o.stats.winRate,
      maxDrawdownPaise: o.stats.maxDrawdown,
      maxDrawdownPct: o.stats.maxDrawdownPct,
      metrics: o.metrics,
      signals: o.signals,
      orders: o.orders,
      ticks: o.ticks,
      elapsedMs: o.elapsedMs ?? null,
    })),
    failed: failed.map((o) => ({ params: o.params, errors: o.ok ? [] : o.errors })),
  };
}

const SHOWN = new Set(['netPnl', 'fees', 'fills', 'roundTrips', 'winRate', 'profitFactor', 'sharpe', 'maxDrawdown', 'maxDrawdownPct']);

/** The text table (money in rupees), one row per successful combination, best first. */
export function sweepTable(axes: readonly ParamAxis[], outcomes: readonly SweepOutcome[], sort: SweepSort = DEFAULT_SORT): string {
  const keys = axes.map((a) => a.key);
  const extra = SHOWN.has(sort.key) ? undefined : metricRow(sort.key);
  const head = ['#', ...keys, 'net PnL ₹', 'fees ₹', 'fills', 'trips', 'win %', 'PF', 'Sharpe', 'max DD ₹', 'max DD %', ...(extra ? [extra.label] : []), 'signals ok/all', 'ms'];
  const rows = rankOutcomes(outcomes, sort).map((o, i) => [
    String(i + 1),
    ...keys.map((k) => String(o.params[k])),
    rupees(o.stats.netPnl),
    rupees(o.stats.fees),
    String(o.stats.fills),
    String(o.metrics['roundTrips'] ?? '—'),
    fmtPct(o.metrics['winRate'] ?? null, 1).replace(' %', ''),
    fmtRatio(o.metrics['profitFactor'] ?? null),
    fmtRatio(o.metrics['sharpe'] ?? null),
    rupees(o.stats.maxDrawdown),
    (o.stats.maxDrawdownPct * 100).toFixed(2),
    ...(extra ? [extra.format(o.metrics[extra.key] ?? null)] : []),
    `${o.signals.validated}/${o.signals.generated}`,
    o.elapsedMs === undefined ? '—' : o.elapsedMs.toFixed(0),
  ]);
  const first = 1 + keys.length;
  const right = new Set([0, ...Array.from({ length: head.length - first }, (_, i) => first + i)]);
  return textTable([head, ...rows], right);
}
