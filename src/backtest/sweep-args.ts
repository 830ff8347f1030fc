// Command-line arguments of the sweep CLI (actors/sweep.ts): read by the shared parser (src/cli.ts),
// then validated with zod at the trust boundary. Every problem is reported at once as
// ERR_CONFIG_INVALID values (the CLI prints them and exits 2). PURE: argv in, Result out.
import { z } from 'zod';
import { scanCli, type CliError, type CliSpec } from '../cli.js';
import { err, ok, type Result } from '../errors.js';
import { gridSize, parseParamValue, type ParamAxis } from './grid.js';
import { LOWER_IS_BETTER, SUMMARY_ROWS } from './report/format.js';
import type { SweepSort } from './sweep-report.js';
import { parseDurationMs } from './walk-forward.js';

/** Where the sweep's ticks come from. */
export type TicksArg = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'synthetic'; readonly seed: string; readonly n: number };

/** Validated sweep arguments. */
export interface SweepArgs {
  readonly strategiesFile: string;
  readonly strategy: string;
  readonly axes: readonly ParamAxis[];
  readonly ticks: TicksArg;
  readonly json: boolean;
  /** Pool size; null = one per CPU. */
  readonly threads: number | null;
  /** App config file (risk, paper and calendar settings), as `--config` of the main job. */
  readonly config: string | null;
  /** Live daily risk caps applied (false with --no-risk-caps). */
  readonly riskCaps: boolean;
  /** The ranking metric (default net PnL, best first). */
  readonly sort: SweepSort;
  /** Two-parameter grids: write the heatmap of the ranking metric here. */
  readonly heatmap: string | null;
  /** Write the full HTML backtest report of the best N sets (0 = none) into `reportDir`. */
  readonly top: number;
  readonly reportDir: string;
  /** Walk-forward windows (--train/--test), or null for one run over the whole series. */
  readonly walkForward: { readonly trainMs: number; readonly testMs: number } | null;
}

/** Largest --top (each is a full backtest and an HTML file). */
export const MAX_TOP = 50;

/** One argument problem; `path` is the option at fault, e.g. `--param #2`. */
export type SweepArgsError = CliError;

/** Largest grid a sweep accepts (a typo like `--param n=1..100000` must not queue a day of work). */
export const MAX_GRID = 10_000;
/** Largest synthetic series (each worker thread holds it: 20 bytes a tick). */
export const MAX_SYNTHETIC_TICKS = 20_000_000;

/** The sweep's options: one table for the parser and the --help text. */
export const SWEEP_CLI = {
  command: 'npm run sweep --',
  summary:
    'Backtests one strategy of a strategies file over a grid of parameter values (every combination, one\n' +
    'thread per CPU) and prints the combinations ranked by net PnL. Risk, paper and calendar settings\n' +
    'come from the app config (--config / env), exactly as the main job reads them.',
  options: {
    strategy: { type: 'string', arg: '<id>', help: 'the strategy to sweep: its id in the strategies file (required)' },
    ticks: { type: 'string', arg: '<file|synthetic:SEED:N>', help: 'tick source: a replay file (jsonl, csv ticks or bars) or N synthetic ticks (required)' },
    param: { type: 'string', multiple: true, arg: '<key=v1,v2,...>', help: 'one swept parameter and its values (dots for nested params)' },
    strategies: { type: 'string', arg: '<file>', help: 'strategies file (default src/defaults/strategies.yaml)' },
    threads: { type: 'string', arg: '<N>', help: 'worker threads (default: one per CPU)' },
    config: { type: 'string', arg: '<file>', help: 'app config file (JSON or YAML), as --config of npm start' },
    json: { type: 'boolean', help: 'print JSON instead of the text table' },
    'no-risk-caps': { type: 'boolean', help: 'lift the daily caps of live trading (trades per day, daily loss), as for npm run backtest' },
    sort: { type: 'string', arg: '<metric[:asc|:desc]>', help: 'rank by this figure of the backtest summary (default netPnl; best first: desc, asc for drawdowns and fees)' },
    heatmap: { type: 'string', arg: '<file.html>', help: 'two-parameter grids: write an HTML heatmap of the ranking metric' },
    top: { type: 'string', arg: '<N>', help: `write the full HTML backtest report of the best N sets (at most ${MAX_TOP})` },
    'report-dir': { type: 'string', arg: '<dir>', help: 'where --top writes its reports (default: the current directory)' },
    train: { type: 'string', arg: '<duration>', help: 'walk-forward: training window, e.g. 2h or 3d (s, m, h, d); needs --test' },
    test: { type: 'string', arg: '<duration>', help: 'walk-forward: test window that follows each training window; folds roll forward by it' },
  },
  notes:
    'example:\n  npm run sweep -- --strategy momentum_20 --param threshold=0.001,0.002 --ticks synthetic:seed:200000\n' +
    `metrics for --sort: ${SUMMARY_ROWS.map((r) => r.key).join(', ')}`,
} as const satisfies CliSpec;

const DurationArg = z.string().transform((s, ctx): number => {
  const ms = parseDurationMs(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 90s, 15m, 6h or 2d, was "${s}"` });
    return z.NEVER;
  }
  return ms;
});

const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

const ParamArg = z.string().transform((s, ctx): ParamAxis => {
  const eq = s.indexOf('=');
  const key = eq < 0 ? s : s.slice(0, eq);
  if (eq < 0 || !KEY.test(key)) {
    ctx.addIssue({ code: 'custom', message: `expected key=v1,v2,... with a parameter name (dots for nested params), was "${s}"` });
    return z.NEVER;
  }
  const parts = s.slice(eq + 1).split(',').map((v) => v.trim());
  if (parts.some((v) => v === '')) {
    ctx.addIssue({ code: 'custom', message: `"${key}": expected a comma-separated list of non-empty values, was "${s.slice(eq + 1)}"` });
    return z.NEVER;
  }
  const values = parts.map(parseParamValue);
  const seen = new Set(values.map((v) => `${typeof v}:${String(v)}`));
  if (seen.size !== values.length) ctx.addIssue({ code: 'custom', message: `"${key}": a value is listed twice` });
  return { key, values };
});

/** `--ticks`: a replay file path, or synthetic:SEED:N (shared with the backtest CLI). */
export const TicksArgSchema = z.string().min(1, 'expected a tick file or synthetic:SEED:N').transform((s, ctx): TicksArg => {
  if (!s.startsWith('synthetic:')) return { kind: 'file', path: s };
  const m = /^synthetic:([^:\s]+):(\d+)$/.exec(s);
  const n = m === null ? Number.NaN : Number(m[2]);
  if (m === null || !Number.isSafeInteger(n) || n < 1 || n > MAX_SYNTHETIC_TICKS) {
    ctx.addIssue({ code: 'custom', message: `expected synthetic:SEED:N with N an integer in [1, ${MAX_SYNTHETIC_TICKS}], was "${s}"` });
    return z.NEVER;
  }
  return { kind: 'synthetic', seed: m[1]!, n };
});

const ArgsSchema = z
  .strictObject({
    strategies: z.string().min(1).default('src/defaults/strategies.yaml'),
    strategy: z.string({ error: 'is required (the id of one strategy in the strategies file)' }).min(1),
    param: z.array(ParamArg).default([]),
    ticks: z.string({ error: 'is required: a tick file or synthetic:SEED:N' }).pipe(TicksArgSchema),
    json: z.boolean().default(false),
    threads: z
      .string()
      .regex(/^\d+$/, 'expected a positive integer')
      .transform(Number)
      .pipe(z.number().int().min(1, 'expected at least 1').max(256, 'expected at most 256'))
      .optional(),
    config: z.string().min(1).optional(),
    sort: z
      .string()
      .transform((s, ctx): SweepSort => {
        const [key = '', dir, ...rest] = s.split(':');
        if (!SUMMARY_ROWS.some((r) => r.key === key) || rest.length > 0 || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
          ctx.addIssue({ code: 'custom', message: `expected metric[:asc|:desc] with a metric among ${SUMMARY_ROWS.map((r) => r.key).join(', ')}; was "${s}"` });
          return z.NEVER;
        }
        return { key, dir: dir ?? (LOWER_IS_BETTER.has(key) ? 'asc' : 'desc') };
      })
      .optional(),
    heatmap: z.string().min(1).optional(),
    top: z
      .string()
      .regex(/^\d+$/, 'expected a positive integer')
      .transform(Number)
      .pipe(z.number().int().min(1, 'expected at least 1').max(MAX_TOP, `expected at most ${MAX_TOP}`))
      .optional(),
    'report-dir': z.string().min(1).optional(),
    'no-risk-caps': z.boolean().default(false),
    train: DurationArg.optional(),
    test: DurationArg.optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.train === undefined) !== (a.test === undefined)) ctx.addIssue({ code: 'custom', path: [a.train === undefined ? 'train' : 'test'], message: 'walk-forward needs both --train and --test' });
    if (a.train !== undefined && (a.heatmap !== undefined || a.top !== undefined)) ctx.addIssue({ code: 'custom', path: ['train'], message: 'walk-forward prints its folds; --heatmap and --top are for a single run' });
    if (a.heatmap !== undefined && a.param.length !== 2) ctx.addIssue({ code: 'custom', path: ['heatmap'], message: `needs exactly two --param axes, was ${a.param.length}` });
    const keys = a.param.map((p) => p.key);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['param'], message: `"${dup}" is swept twice; give all its values in one --param` });
    const size = gridSize(a.param);
    if (size > MAX_GRID) ctx.addIssue({ code: 'custom', path: ['param'], message: `the grid has ${size} combinations, more than ${MAX_GRID}` });
  });

/** `['param', 1]` → `--param #2`. */
function optionPath(path: readonly PropertyKey[]): string {
  const [head, index] = path;
  if (head === undefined) return '(arguments)';
  return typeof index === 'number' ? `--${String(head)} #${index + 1}` : `--${String(head)}`;
}

/**
 * Scans argv with the shared parser, then validates the values with `schema`; every problem of
 * both passes comes back at once as ERR_CONFIG_INVALID. `help` short-circuits everything else.
 */
export function validateCliArgs<S extends CliSpec, T extends z.ZodType>(spec: S, schema: T, argv: readonly string[]): Result<z.output<T> | 'help', CliError[]> {
  const scan = scanCli(spec, argv);
  if (scan.help) return ok('help');
  const problems: CliError[] = [...scan.problems];
  const parsed = schema.safeParse(scan.values);
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push({ code: 'ERR_CONFIG_INVALID', path: optionPath(i.path), message: i.message });
  }
  if (problems.length > 0 || !parsed.success) return err(problems);
  return ok(parsed.data);
}

/** Parses and validates argv (without node and script). `help` short-circuits everything else. */
export function parseSweepArgs(argv: readonly string[]): Result<SweepArgs | 'help', SweepArgsError[]> {
  const parsed = validateCliArgs(SWEEP_CLI, ArgsSchema, argv);
  if (!parsed.ok) return parsed;
  if (parsed.value === 'help') return ok('help');
  const a = parsed.value;
  return ok({
    strategiesFile: a.strategies,
    strategy: a.strategy,
    axes: a.param,
    ticks: a.ticks,
    json: a.json,
    threads: a.threads ?? null,
    config: a.config ?? null,
    riskCaps: !a['no-risk-caps'],
    sort: a.sort ?? { key: 'netPnl', dir: 'desc' },
    heatmap: a.heatmap ?? null,
    top: a.top ?? 0,
    reportDir: a['report-dir'] ?? '.',
    walkForward: a.train !== undefined && a.test !== undefined ? { trainMs: a.train, testMs: a.test } : null,
  });
}
