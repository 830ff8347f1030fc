// Parameter sweep CLI (`npm run sweep -- …`): one strategy of a strategies file, a grid of parameter
// values, and a tick source (a replay file in any feed format, or synthetic:SEED:N); every
// combination is one in-process backtest (src/backtest) run on a piscina pool, one thread per CPU.
// Prints the combinations ranked by net PnL or any metric of the backtest summary (--sort; text
// table, or JSON with --json), draws progress on stderr (a bar on a terminal: combinations done,
// ETA), writes a heatmap of two-parameter grids (--heatmap) and the full HTML report of the best
// sets (--top). Risk, paper and calendar settings come from the app config (--config / env),
// exactly as the main job reads them.
// Also exports readTickFile (the replay file → shared tick columns, with the feed's own decoders)
// and the usage-error and config helpers that the backtest CLI (actors/backtest.ts) shares.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { EXIT_USAGE, formatCliErrors, usage, type CliError, type CliSpec } from '../src/cli.js';
import { loadProcessConfig, formatConfigErrors, type AppConfig } from '../src/config.js';
import { formatMessage, type Result } from '../src/errors.js';
import { realClock } from '../src/runtime/clock.js';
import { createReplayDecoder, detectReplayFormat } from '../src/domain/feed/index.js';
import { isIndexToken } from '../src/domain/instruments/index.js';
import { parseStrategies, type StrategyConfig } from '../src/domain/strategy/index.js';
import { readLines } from '../src/services/feed/line-reader.js';
import { readHead } from '../src/services/feed/replay-position.js';
import { paperConfigFrom } from '../src/services/engine/config.js';
import { riskLimitsFromConfig } from '../src/services/risk/limits.js';
import { readStrategiesFile, describeConfigError } from '../src/services/strategy/load.js';
import { StaticFiles } from '../src/gateway/static.js';
import { createProgress } from '../src/backtest/progress.js';
import { buildReport, columnPrices, renderReportHtml, reportCharts } from '../src/backtest/report/index.js';
import {
  ColumnsBuilder,
  liftDailyCaps,
  rankOutcomes,
  renderHeatmapHtml,
  runBacktest,
  sweepTaskInput,
  syntheticColumns,
  walkForwardFolds,
  walkForwardJson,
  walkForwardTable,
  type Fold,
  type FoldResult,
  describeConfigErrors,
  describeSet,
  expandGrid,
  parseSweepArgs,
  sweepJson,
  sweepTable,
  SWEEP_CLI,
  withParams,
  type ParamSet,
  type SweepArgs,
  type SweepOutcome,
  type SweepTask,
  type TickColumns,
  type TickSource,
} from '../src/backtest/index.js';

/** A replay file decoded into shared columns. */
export interface TickFile {
  readonly columns: TickColumns;
  readonly format: string;
  readonly badLines: number;
  readonly firstBad: string | null;
}

/** Reads a replay file (jsonl / csv_ticks / csv_bars, detected as the feed does) into shared columns. */
export async function readTickFile(path: string): Promise<TickFile> {
  const format = detectReplayFormat(readHead(path).toString('utf8'), path);
  if (!format.ok) throw new Error(`${path}: ${formatMessage('ERR_FEED_RECORD_INVALID', { ...format.error })}`);
  const decoder = createReplayDecoder(format.value, { isTradable: (t) => !isIndexToken(t) });
  const b = new ColumnsBuilder();
  let badLines = 0;
  let firstBad: string | null = null;
  for await (const line of readLines(path)) {
    const r = decoder.decodeLine(line.text, line.lineNo);
    if (r.ok) for (const t of r.value) b.push(t);
    else {
      badLines++;
      firstBad ??= formatMessage('ERR_FEED_RECORD_INVALID', { ...r.error });
    }
  }
  return { columns: b.finish(true), format: format.value, badLines, firstBad };
}

/** The lightweight-charts standalone build the dashboard serves, as text (inlined in HTML reports). */
export async function chartsLibrarySource(): Promise<string> {
  const lib = await StaticFiles.atProjectRoot().chartsLibrary();
  if (lib === undefined || lib.kind !== 'raw') throw new Error('the lightweight-charts standalone build is missing from node_modules (run npm ci)');
  return Buffer.from(lib.body).toString('utf8');
}

const log = (s: string): void => {
  process.stderr.write(`[sweep] ${s}\n`);
};

/**
 * The `--ticks` file as columns: an unreadable file or one without a valid tick is a usage error;
 * bad lines are skipped and counted on stderr, as the replay feed skips them.
 */
export async function loadTickFile(path: string): Promise<TickFile> {
  let file: TickFile;
  try {
    file = await readTickFile(path);
  } catch (e) {
    return fail([`ERR_CONFIG_INVALID: --ticks: cannot read ${path}: ${(e as Error).message}`]);
  }
  if (file.columns.length === 0) fail([`ERR_CONFIG_INVALID: --ticks: ${path} holds no valid tick${file.firstBad !== null ? ` (first problem: ${file.firstBad})` : ''}`]);
  if (file.badLines > 0) log(`${file.badLines} bad line(s) skipped; first: ${file.firstBad}`);
  return file;
}

/** A problem with the command line or its inputs: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** Throws a UsageError of these lines. */
export function fail(lines: readonly string[]): never {
  throw new UsageError(lines.join('\n'));
}

/** The app config as the main job reads it (env, and `--config` when given). */
export function loadAppConfig(config: string | null): AppConfig {
  const r = loadProcessConfig({ argv: config === null ? [] : ['--config', config], env: process.env, cwd: process.cwd() });
  if (!r.ok) fail([formatConfigErrors(r.error)]);
  return r.value;
}

/** The swept strategy from the strategies file (every problem of the file is reported). */
function findStrategy(args: SweepArgs): StrategyConfig {
  const file = resolve(args.strategiesFile);
  const configs = readStrategiesFile(file);
  if (!configs.ok) fail(configs.error.map(describeConfigError));
  const base = configs.value.find((c) => c.id === args.strategy);
  if (base === undefined) fail([`ERR_CONFIG_INVALID: --strategy: no strategy "${args.strategy}" in ${file}; available: ${configs.value.map((c) => c.id).join(', ')}`]);
  return base;
}

/** Every combination written into the strategy; all invalid ones are reported before any work starts. */
function planGrid(args: SweepArgs, base: StrategyConfig): { readonly params: ParamSet; readonly strategy: StrategyConfig }[] {
  const problems: string[] = [];
  const plan = expandGrid(args.axes).map((params) => {
    const strategy = { ...withParams(base, params), enabled: true };
    const check = parseStrategies([strategy]);
    if (!check.ok) for (const line of describeConfigErrors(check.error)) problems.push(`${describeSet(params)}: ${line}`);
    return { params, strategy };
  });
  if (problems.length > 0) fail([...new Set(problems)]);
  return plan;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = argsOrHelp(parseSweepArgs(argv), SWEEP_CLI);
  if (args === null) return;
  const config = loadAppConfig(args.config);
  const base = findStrategy(args);
  const plan = planGrid(args, base);
  let source: TickSource;
  let label: string;
  if (args.ticks.kind === 'synthetic') {
    source = { kind: 'synthetic', spec: { seed: args.ticks.seed, n: args.ticks.n, instruments: base.instruments } };
    label = `synthetic:${args.ticks.seed}:${args.ticks.n}`;
  } else {
    const path = resolve(args.ticks.path);
    const file = await loadTickFile(path);
    source = { kind: 'columns', columns: file.columns, calendar: { market24x7: config.feed.market24x7 ?? false, holidays: config.feed.holidays } };
    label = path;
  }
  const limits = riskLimitsFromConfig(config.risk);
  const risk = args.riskCaps ? limits : liftDailyCaps(limits);
  const paper = paperConfigFrom(config.paper);
  const tasks = plan.map((p, id): SweepTask => ({ id, params: p.params, strategy: p.strategy, source, risk, paper }));
  const folds = args.walkForward === null ? null : foldsOf(source, args.walkForward.trainMs, args.walkForward.testMs, label);
  // Walk-forward: every set on every training window, then each fold's best set on its test window
  const total = folds === null ? tasks.length : folds.length * (tasks.length + 1);
  const threads = Math.min(args.threads ?? availableParallelism(), folds === null ? tasks.length : folds.length * tasks.length);
  log(`${tasks.length} combination(s) of ${args.strategy} on ${label}${folds === null ? '' : `, ${folds.length} walk-forward fold(s)`}, ${threads} thread(s)${args.riskCaps ? '' : ', daily risk caps lifted'}`);
  const pool = new Piscina<SweepTask, SweepOutcome>({
    filename: new URL('../src/backtest/sweep-worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  const t0 = realClock.monoMs();
  const progress = createProgress({ total, unit: folds === null ? 'combinations' : 'backtests', label: 'sweep', stream: process.stderr, now: () => realClock.monoMs() });
  let done = 0;
  const runAll = (batch: readonly SweepTask[]): Promise<SweepOutcome[]> =>
    Promise.all(
      batch.map(async (t) => {
        const o = await pool.run(t);
        progress.update(++done);
        return o;
      }),
    );
  let outcomes: SweepOutcome[];
  let foldResults: FoldResult[] = [];
  try {
    if (folds === null) outcomes = await runAll(tasks);
    else {
      outcomes = await runAll(folds.flatMap((f, k) => tasks.map((t) => ({ ...t, id: k * tasks.length + t.id, window: f.train }))));
      const picks = folds.map((_, k) => rankOutcomes(outcomes.slice(k * tasks.length, (k + 1) * tasks.length), args.sort)[0]);
      const tests = await runAll(
        folds.flatMap((f, k) => {
          const best = picks[k];
          return best === undefined ? [] : [{ ...tasks[best.id - k * tasks.length]!, id: k, window: f.test }];
        }),
      );
      foldResults = folds.map((f, k) => ({
        fold: k + 1,
        trainFrom: f.trainFrom,
        testFrom: f.testFrom,
        testTo: f.testTo,
        trainTicks: f.train.end - f.train.start,
        testTicks: f.test.end - f.test.start,
        best: picks[k]?.params ?? null,
        trainMetric: picks[k]?.metrics[args.sort.key] ?? null,
        test: tests.find((o) => o.id === k) ?? null,
      }));
    }
  } finally {
    progress.stop();
    await pool.destroy();
  }
  log(`done in ${((realClock.monoMs() - t0) / 1000).toFixed(2)} s`);
  const failed = outcomes.filter((o) => !o.ok);
  for (const o of failed) if (!o.ok) log(`${describeSet(o.params)}: ${o.errors.join('; ')}`);
  if (args.walkForward !== null) {
    const { trainMs, testMs } = args.walkForward;
    process.stdout.write(args.json ? `${JSON.stringify(walkForwardJson(args.strategy, label, args.sort, trainMs, testMs, foldResults), null, 2)}\n` : `${walkForwardTable(args.axes, args.sort, foldResults)}\n`);
  } else {
    process.stdout.write(args.json ? `${JSON.stringify(sweepJson(args.strategy, label, outcomes, args.sort), null, 2)}\n` : `${sweepTable(args.axes, outcomes, args.sort)}\n`);
  }
  if (args.heatmap !== null) {
    const out = resolve(args.heatmap);
    writeFileSync(out, renderHeatmapHtml({ strategy: args.strategy, ticks: label, axes: args.axes, outcomes, sort: args.sort }));
    log(`heatmap of ${args.sort.key} written to ${out}`);
  }
  if (args.top > 0) await writeTopReports(args, tasks, outcomes, label);
  if (failed.length > 0) process.exitCode = 1;
}

/** The walk-forward folds of the source's ticks; none (a series shorter than one fold) is a usage error. */
function foldsOf(source: TickSource, trainMs: number, testMs: number, label: string): Fold[] {
  const cols = source.kind === 'columns' ? source.columns : syntheticColumns(source.spec, false);
  const folds = walkForwardFolds(cols.ts, cols.length, trainMs, testMs);
  if (folds.length === 0) {
    const span = cols.length === 0 ? 0 : cols.ts[cols.length - 1]! - cols.ts[0]!;
    fail([`ERR_CONFIG_INVALID: --train/--test: ${label} spans ${(span / 3_600_000).toFixed(2)} h, shorter than one fold (train + test)`]);
  }
  return folds;
}

/**
 * Re-runs the best `args.top` sets in this thread with the curves the report needs and writes
 * one HTML backtest report each: `<report-dir>/<strategy>-top<rank>.html`.
 */
async function writeTopReports(args: SweepArgs, tasks: readonly SweepTask[], outcomes: readonly SweepOutcome[], label: string): Promise<void> {
  const best = rankOutcomes(outcomes, args.sort).slice(0, args.top);
  if (best.length === 0) return;
  const dir = resolve(args.reportDir);
  mkdirSync(dir, { recursive: true });
  const lib = await chartsLibrarySource();
  const first = tasks[0]!;
  const cols = first.source.kind === 'columns' ? first.source.columns : syntheticColumns(first.source.spec, false);
  const calendar = first.source.kind === 'columns' ? first.source.calendar : { market24x7: true };
  for (const [i, o] of best.entries()) {
    const task = tasks[o.id]!;
    const r = runBacktest({ ...sweepTaskInput(task, cols, calendar), equityByStrategy: true });
    if (!r.ok) continue; // the pool ran the same set successfully; a config error cannot appear here
    const report = buildReport(r.value, { ticks: `${label} · ${describeSet(o.params)}`, from: null, to: null, riskCaps: args.riskCaps });
    const charts = reportCharts(report, r.value.fills, { total: r.value.equity, byStrategy: r.value.equityByStrategy ?? {} }, columnPrices(cols));
    const out = join(dir, `${args.strategy}-top${i + 1}.html`);
    writeFileSync(out, renderReportHtml(report, charts, lib));
    log(`#${i + 1} ${describeSet(o.params)}: report written to ${out}`);
  }
}

/**
 * Runs `main` with the process arguments when `moduleUrl` is the program node was started with
 * (importing the module runs nothing): a UsageError prints its lines and exits 2, any other
 * failure its stack and exits 1.
 */
export function runAsProgram(moduleUrl: string, label: string, main: (argv: readonly string[]) => Promise<void>): void {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(resolve(entry)).href) return;
  main(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.stderr.write(`[${label}] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}

/** The validated arguments, or null after printing the usage for --help; bad arguments are a UsageError. */
export function argsOrHelp<A>(parsed: Result<A | 'help', CliError[]>, spec: CliSpec): A | null {
  if (!parsed.ok) fail([formatCliErrors(parsed.error), `usage: ${spec.command} [options]   (--help for the options)`]);
  if (parsed.value === 'help') {
    process.stdout.write(`${usage(spec)}\n`);
    return null;
  }
  return parsed.value;
}

// Run only as a program: the benchmarks import readTickFile from this module
runAsProgram(import.meta.url, 'sweep', main);
