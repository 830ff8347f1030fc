// Sweep results as the CLI prints them: outcomes sorted by net PnL (best first, ties by task id so
// the order is deterministic), as a fixed-width text table or as JSON. PURE.
import { rupees } from './describe.js';
import type { ParamAxis } from './grid.js';
import type { SweepOutcome } from './sweep-task.js';
import { textTable } from './table.js';

type Ok = Extract<SweepOutcome, { ok: true }>;

/** Successful outcomes, best net PnL first. */
export function rankOutcomes(outcomes: readonly SweepOutcome[]): Ok[] {
  return outcomes.filter((o): o is Ok => o.ok).sort((a, b) => b.stats.netPnl - a.stats.netPnl || a.id - b.id);
}

/** The JSON document of `--json`: ranked rows with money in paise (integers). */
export function sweepJson(strategy: string, ticks: string, outcomes: readonly SweepOutcome[]): unknown {
  const failed = outcomes.filter((o) => !o.ok);
  return {
    strategy,
    ticks,
    ranked: rankOutcomes(outcomes).map((o, i) => ({
      rank: i + 1,
      params: o.params,
      netPnlPaise: o.stats.netPnl,
      feesPaise: o.stats.fees,
      fills: o.stats.fills,
      closedTrades: o.stats.closedTrades,
      winRate: o.stats.winRate,
      maxDrawdownPaise: o.stats.maxDrawdown,
      maxDrawdownPct: o.stats.maxDrawdownPct,
      signals: o.signals,
      orders: o.orders,
      ticks: o.ticks,
      elapsedMs: o.elapsedMs ?? null,
    })),
    failed: failed.map((o) => ({ params: o.params, errors: o.ok ? [] : o.errors })),
  };
}

/** The text table (money in rupees), one row per successful combination, best first. */
export function sweepTable(axes: readonly ParamAxis[], outcomes: readonly SweepOutcome[]): string {
  const keys = axes.map((a) => a.key);
  const head = ['#', ...keys, 'net PnL ₹', 'fees ₹', 'fills', 'closed', 'win %', 'max DD ₹', 'max DD %', 'signals ok/all', 'ms'];
  const rows = rankOutcomes(outcomes).map((o, i) => [
    String(i + 1),
    ...keys.map((k) => String(o.params[k])),
    rupees(o.stats.netPnl),
    rupees(o.stats.fees),
    String(o.stats.fills),
    String(o.stats.closedTrades),
    (o.stats.winRate * 100).toFixed(1),
    rupees(o.stats.maxDrawdown),
    (o.stats.maxDrawdownPct * 100).toFixed(2),
    `${o.signals.validated}/${o.signals.generated}`,
    o.elapsedMs === undefined ? '—' : o.elapsedMs.toFixed(0),
  ]);
  const first = 1 + keys.length;
  const right = new Set([0, ...Array.from({ length: head.length - first }, (_, i) => first + i)]);
  return textTable([head, ...rows], right);
}
