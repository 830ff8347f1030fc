// Parameter sweep CLI (`npm run sweep -- …`): one strategy of a strategies file, a grid of parameter
// values, and a tick source (a replay file in any feed format, or synthetic:SEED:N); every
// combination is one in-process backtest (src/backtest) run on a piscina pool, one thread per CPU.
// Prints the combinations sorted by net PnL (text table, or JSON with --json). Risk, paper and
// calendar settings come from the app config (--config / env), exactly as the main job reads them.
// Also exports readTickFile (the replay file → shared tick columns, with the feed's own decoders)
// and the usage-error and config helpers that the backtest CLI (actors/backtest.ts) shares.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { EXIT_USAGE, formatCliErrors, usage } from '../src/cli.js';
import { loadProcessConfig, formatConfigErrors, type AppConfig } from '../src/config.js';
import { formatMessage } from '../src/errors.js';
import { realClock } from '../src/runtime/clock.js';
import { createReplayDecoder, detectReplayFormat } from '../src/domain/feed/index.js';
import { isIndexToken } from '../src/domain/instruments/index.js';
import { parseStrategies, type StrategyConfig } from '../src/domain/strategy/index.js';
import { readLines } from '../src/services/feed/line-reader.js';
import { readHead } from '../src/services/feed/replay-position.js';
import { paperConfigFrom } from '../src/services/engine/config.js';
import { riskLimitsFromConfig } from '../src/services/risk/limits.js';
import { readStrategiesFile, describeConfigError } from '../src/services/strategy/load.js';
import {
  ColumnsBuilder,
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
  const parsed = parseSweepArgs(argv);
  if (!parsed.ok) fail([formatCliErrors(parsed.error), `usage: ${SWEEP_CLI.command} [options]   (--help for the options)`]);
  const args = parsed.value;
  if (args === 'help') {
    process.stdout.write(`${usage(SWEEP_CLI)}\n`);
    return;
  }
  const config = loadAppConfig(args.config);
  const base = findStrategy(args);
  const plan = planGrid(args, base);
  const log = (s: string): void => {
    process.stderr.write(`[sweep] ${s}\n`);
  };
  let source: TickSource;
  let label: string;
  if (args.ticks.kind === 'synthetic') {
    source = { kind: 'synthetic', spec: { seed: args.ticks.seed, n: args.ticks.n, instruments: base.instruments } };
    label = `synthetic:${args.ticks.seed}:${args.ticks.n}`;
  } else {
    const path = resolve(args.ticks.path);
    let file: TickFile;
    try {
      file = await readTickFile(path);
    } catch (e) {
      return fail([`ERR_CONFIG_INVALID: --ticks: cannot read ${path}: ${(e as Error).message}`]);
    }
    if (file.columns.length === 0) fail([`ERR_CONFIG_INVALID: --ticks: ${path} holds no valid tick${file.firstBad !== null ? ` (first problem: ${file.firstBad})` : ''}`]);
    if (file.badLines > 0) log(`${file.badLines} bad line(s) skipped; first: ${file.firstBad}`);
    source = { kind: 'columns', columns: file.columns, calendar: { market24x7: config.feed.market24x7 ?? false, holidays: config.feed.holidays } };
    label = path;
  }
  const risk = riskLimitsFromConfig(config.risk);
  const paper = paperConfigFrom(config.paper);
  const tasks = plan.map((p, id): SweepTask => ({ id, params: p.params, strategy: p.strategy, source, risk, paper }));
  const threads = Math.min(args.threads ?? availableParallelism(), tasks.length);
  log(`${tasks.length} combination(s) of ${args.strategy} on ${label}, ${threads} thread(s)`);
  const pool = new Piscina<SweepTask, SweepOutcome>({
    filename: new URL('../src/backtest/sweep-worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  const t0 = realClock.monoMs();
  let outcomes: SweepOutcome[];
  try {
    outcomes = await Promise.all(tasks.map((t) => pool.run(t)));
  } finally {
    await pool.destroy();
  }
  log(`done in ${((realClock.monoMs() - t0) / 1000).toFixed(2)} s`);
  const failed = outcomes.filter((o) => !o.ok);
  for (const o of failed) if (!o.ok) log(`${describeSet(o.params)}: ${o.errors.join('; ')}`);
  process.stdout.write(args.json ? `${JSON.stringify(sweepJson(args.strategy, label, outcomes), null, 2)}\n` : `${sweepTable(args.axes, outcomes)}\n`);
  if (failed.length > 0) process.exitCode = 1;
}

// Run only as a program: the benchmarks import readTickFile from this module
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.stderr.write(`[sweep] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
