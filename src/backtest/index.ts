// Public surface of the in-process backtest and the parameter sweep. Callers import from here;
// sweep-worker.ts is loaded by piscina by file name, not imported.
export { runBacktest } from './run.js';
export type {
  BacktestCalendar,
  BacktestInput,
  BacktestResult,
  BacktestStats,
  EquityPoint,
  OrdersSummary,
  SignalCounts,
  SignalTrace,
} from './types.js';
export { liftDailyCaps, prepareBacktest, resolveStrategies, type BacktestSetup } from './setup.js';
export { allocateColumns, columnTicks, ColumnsBuilder, packTicks, type TickColumns } from './columns.js';
export { normaliseSpec, SYNTHETIC_T0, syntheticColumns, syntheticTicks, type SyntheticSpec } from './synthetic.js';
export { compareFills, fillEssence, type FillComparison } from './compare.js';
export { describeConfigErrors, rupees } from './describe.js';
export { describeSet, expandGrid, gridSize, parseParamValue, withParams, type ParamAxis, type ParamSet, type ParamValue } from './grid.js';
export { runSweepTask, SeriesCache, sweepTaskInput, type SweepOutcome, type SweepTask, type TickSource } from './sweep-task.js';
export { MAX_GRID, MAX_SYNTHETIC_TICKS, MAX_TOP, parseSweepArgs, SWEEP_CLI, type SweepArgs, type SweepArgsError, type TicksArg } from './sweep-args.js';
export { DEFAULT_SORT, rankOutcomes, sweepJson, sweepTable, type SweepSort } from './sweep-report.js';
export { renderHeatmapHtml, type HeatmapInput } from './heatmap.js';
export { parseDurationMs, walkForwardFolds, type Fold, type TickWindow } from './walk-forward.js';
export { outOfSampleNetPnl, walkForwardJson, walkForwardTable, type FoldResult } from './walk-forward-report.js';
