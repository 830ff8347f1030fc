// One sweep task: a backtest of one strategy with one parameter set over a shared tick source, and
// the summary a sweep reports for it. PURE (the worker shell adds timing): tasks are plain
// structured-clone data, so they cross to piscina workers; tick columns on a SharedArrayBuffer
// cross without a copy, and a synthetic series travels as its small spec and is generated (and
// cached) in the worker.
import type { PaperConfig } from '../domain/paper/index.js';
import type { RiskLimits } from '../domain/risk/index.js';
import type { StrategyConfig } from '../domain/strategy/index.js';
import { describeConfigErrors } from './describe.js';
import { columnTicks, type TickColumns } from './columns.js';
import type { ParamSet } from './grid.js';
import { buildReport, reportEquityEvery } from './report/model.js';
import { metricValues, type MetricValues } from './report/format.js';
import { runBacktest } from './run.js';
import { normaliseSpec, syntheticColumns, type SyntheticSpec } from './synthetic.js';
import type { BacktestCalendar, BacktestInput, BacktestStats } from './types.js';
import type { TickWindow } from './walk-forward.js';

/** Where a task's ticks come from. */
export type TickSource =
  | { readonly kind: 'columns'; readonly columns: TickColumns; readonly calendar: BacktestCalendar }
  /** Synthetic feeds run 24x7, as the config does for the synthetic source. */
  | { readonly kind: 'synthetic'; readonly spec: SyntheticSpec };

/** One backtest of a sweep. */
export interface SweepTask {
  readonly id: number;
  /** The parameter set, for the report (already written into `strategy`). */
  readonly params: ParamSet;
  readonly strategy: StrategyConfig;
  readonly source: TickSource;
  readonly risk: Partial<RiskLimits>;
  readonly paper: Partial<PaperConfig>;
  /** [token, tick size in paise] pairs, when known. */
  readonly tickSizes?: readonly (readonly [number, number])[];
  /** Only ticks [start, end) of the source (a walk-forward window); default all. */
  readonly window?: TickWindow;
}

/** The summary of one task. */
export type SweepOutcome =
  | {
      readonly id: number;
      readonly params: ParamSet;
      readonly ok: true;
      readonly ticks: number;
      readonly stats: BacktestStats;
      readonly signals: { readonly generated: number; readonly validated: number; readonly rejected: number };
      readonly orders: number;
      /** Every summary figure of the run (SUMMARY_ROWS keys: money in paise), for ranking by any metric. */
      readonly metrics: MetricValues;
      /** Set by the worker shell. */
      readonly elapsedMs?: number;
    }
  | { readonly id: number; readonly params: ParamSet; readonly ok: false; readonly errors: readonly string[] };

/** Caches generated synthetic series by spec (one entry: a sweep uses one series). */
export class SeriesCache {
  private key = '';
  private cols: TickColumns | null = null;

  columns(spec: SyntheticSpec): TickColumns {
    const key = JSON.stringify(normaliseSpec(spec));
    if (this.cols === null || key !== this.key) {
      this.cols = syntheticColumns(spec, false);
      this.key = key;
    }
    return this.cols;
  }
}

/**
 * The backtest of a task over `cols`: fills and the report's curve (plus day closes) are kept so
 * the metrics are exactly those `npm run backtest` reports; memory stays per task.
 */
export function sweepTaskInput(task: SweepTask, cols: TickColumns, calendar: BacktestCalendar): BacktestInput {
  const start = task.window?.start ?? 0;
  const end = task.window?.end ?? cols.length;
  return {
    tickIterator: columnTicks(cols, start, end),
    strategies: [task.strategy],
    risk: task.risk,
    paper: task.paper,
    calendar,
    equityEvery: reportEquityEvery(end - start),
    sampleDayEnds: true,
    ...(task.tickSizes !== undefined ? { tickSizes: new Map(task.tickSizes) } : {}),
  };
}

/** Runs one task; strategy configuration problems come back as `ok: false`. */
export function runSweepTask(task: SweepTask, cache: SeriesCache = new SeriesCache()): SweepOutcome {
  const cols = task.source.kind === 'columns' ? task.source.columns : cache.columns(task.source.spec);
  const calendar = task.source.kind === 'columns' ? task.source.calendar : { market24x7: true };
  const r = runBacktest(sweepTaskInput(task, cols, calendar));
  if (!r.ok) return { id: task.id, params: task.params, ok: false, errors: describeConfigErrors(r.error) };
  const sig = r.value.signals.reduce(
    (a, s) => ({ generated: a.generated + s.generated, validated: a.validated + s.validated, rejected: a.rejected + s.rejected }),
    { generated: 0, validated: 0, rejected: 0 },
  );
  const report = buildReport(r.value, { ticks: '', from: null, to: null, riskCaps: true });
  return {
    id: task.id,
    params: task.params,
    ok: true,
    ticks: r.value.ticks,
    stats: r.value.stats,
    signals: sig,
    orders: r.value.orders.created,
    metrics: metricValues(report.total.metrics),
  };
}
