// Walk-forward results as the sweep CLI prints them: one row per fold with the set picked on the
// training window (best by the ranking metric) and its out-of-sample figures on the test window
// that follows, then the out-of-sample total. Text table or JSON. PURE.
import type { ParamAxis, ParamSet } from './grid.js';
import { rupees } from './describe.js';
import { fmtIst, fmtPct, fmtRatio, metricRow } from './report/format.js';
import type { SweepSort } from './sweep-report.js';
import type { SweepOutcome } from './sweep-task.js';
import { textTable } from './table.js';

export interface FoldResult {
  readonly fold: number;
  readonly trainFrom: number;
  readonly testFrom: number;
  readonly testTo: number;
  readonly trainTicks: number;
  readonly testTicks: number;
  /** The set picked on the training window; null when no set ran there. */
  readonly best: ParamSet | null;
  /** Its ranking figure on the training window (in sample). */
  readonly trainMetric: number | null;
  /** The picked set on the test window (out of sample). */
  readonly test: SweepOutcome | null;
}

type Ok = Extract<SweepOutcome, { ok: true }>;
const okTest = (f: FoldResult): Ok | null => (f.test !== null && f.test.ok ? f.test : null);

/** Σ out-of-sample net PnL (paise) over the folds whose test ran. */
export function outOfSampleNetPnl(folds: readonly FoldResult[]): number {
  return folds.reduce((a, f) => a + (okTest(f)?.stats.netPnl ?? 0), 0);
}

export function walkForwardTable(axes: readonly ParamAxis[], sort: SweepSort, folds: readonly FoldResult[]): string {
  const keys = axes.map((a) => a.key);
  const row = metricRow(sort.key);
  const head = ['fold', 'train from (IST)', 'test from', 'test to', ...keys, `train ${row?.label ?? sort.key}`, 'test net PnL ₹', 'trips', 'win %', 'Sharpe', 'max DD %'];
  const rows = folds.map((f) => {
    const t = okTest(f);
    return [
      String(f.fold),
      fmtIst(f.trainFrom, false),
      fmtIst(f.testFrom, false),
      fmtIst(f.testTo, false),
      ...keys.map((k) => (f.best === null ? '—' : String(f.best[k]))),
      row === undefined ? String(f.trainMetric) : row.format(f.trainMetric),
      t === null ? '—' : rupees(t.stats.netPnl),
      t === null ? '—' : String(t.metrics['roundTrips'] ?? '—'),
      t === null ? '—' : fmtPct(t.metrics['winRate'] ?? null, 1).replace(' %', ''),
      t === null ? '—' : fmtRatio(t.metrics['sharpe'] ?? null),
      t === null ? '—' : fmtPct(t.metrics['maxDrawdownPct'] ?? null).replace(' %', ''),
    ];
  });
  const right = new Set(head.map((_, i) => i).filter((i) => i === 0 || i >= 4 + keys.length));
  return `${textTable([head, ...rows], right)}\nout of sample: net PnL ₹${rupees(outOfSampleNetPnl(folds))} over ${folds.filter((f) => okTest(f) !== null).length} test window(s)`;
}

export function walkForwardJson(strategy: string, ticks: string, sort: SweepSort, trainMs: number, testMs: number, folds: readonly FoldResult[]): unknown {
  return {
    strategy,
    ticks,
    sort,
    walkForward: { trainMs, testMs },
    outOfSampleNetPnlPaise: outOfSampleNetPnl(folds),
    folds: folds.map((f) => {
      const t = okTest(f);
      return {
        fold: f.fold,
        trainFrom: f.trainFrom,
        testFrom: f.testFrom,
        testTo: f.testTo,
        trainTicks: f.trainTicks,
        testTicks: f.testTicks,
        best: f.best,
        trainMetric: f.trainMetric,
        test: t === null ? null : { netPnlPaise: t.stats.netPnl, feesPaise: t.stats.fees, fills: t.stats.fills, metrics: t.metrics },
        testErrors: f.test !== null && !f.test.ok ? f.test.errors : [],
      };
    }),
  };
}
