// Command-line arguments of `npm run backtest` (actors/backtest.ts): read by the shared parser
// (src/cli.ts), then validated with zod at the trust boundary; every problem is reported at once
// as ERR_CONFIG_INVALID values (the CLI prints them and exits 2). PURE: argv in, Result out.
import { z } from 'zod';
import type { CliError, CliSpec } from '../cli.js';
import { DAY_MS, istEpochMs } from '../domain/market-hours/index.js';
import { ok, type Result } from '../errors.js';
import type { BreakdownKind } from './report/index.js';
import { TicksArgSchema, validateCliArgs, type TicksArg } from './sweep-args.js';

/** Validated backtest arguments. */
export interface BacktestArgs {
  readonly strategiesFile: string;
  /** Strategy ids to run, in the order given; null = every enabled strategy of the file. */
  readonly strategies: readonly string[] | null;
  readonly ticks: TicksArg;
  /** Inclusive window on tick time, epoch ms; null = open. */
  readonly from: number | null;
  readonly to: number | null;
  /** Starting cash per strategy, rupees; null = the app config's paper.startingCash. */
  readonly cash: number | null;
  readonly riskCaps: boolean;
  readonly breakdowns: readonly BreakdownKind[];
  readonly report: string | null;
  readonly json: boolean;
  readonly config: string | null;
}

export const BACKTEST_CLI = {
  command: 'npm run backtest --',
  summary:
    'Backtests strategies of a strategies file over a tick file or a synthetic series, through the\n' +
    "pipeline's own trading step (strategies → risk → paper venue), and prints the summary per\n" +
    'strategy and in total. Risk, paper and calendar settings come from the app config (--config / env).',
  options: {
    strategy: { type: 'string', arg: '<id[,id…]>', help: 'strategies to run, by id (default: every enabled one in the file)' },
    ticks: { type: 'string', arg: '<file|synthetic:SEED:N>', help: 'tick source: a replay file (jsonl, csv ticks or bars) or N synthetic ticks (required)' },
    from: { type: 'string', arg: '<date>', help: 'first tick time: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], IST' },
    to: { type: 'string', arg: '<date>', help: 'last tick time, inclusive (a bare date means its whole IST day)' },
    cash: { type: 'string', arg: '<rupees>', help: 'starting cash per strategy (default: the config\'s paper.startingCash)' },
    'no-risk-caps': { type: 'boolean', help: 'lift the daily caps of live trading (trades per day, daily loss); position, notional and price checks stay' },
    breakdown: { type: 'string', multiple: true, arg: '<day|instrument>', help: 'also print closed trips by day or by instrument' },
    report: { type: 'string', arg: '<file.html>', help: 'write the self-contained HTML report (charts, trades, summary)' },
    json: { type: 'boolean', help: 'print the report as JSON on stdout instead of the tables (progress stays on stderr)' },
    strategies: { type: 'string', arg: '<file>', help: 'strategies file (default src/defaults/strategies.yaml)' },
    config: { type: 'string', arg: '<file>', help: 'app config file (JSON or YAML), as --config of npm start' },
  },
  notes:
    'example:\n  npm run backtest -- --strategy momentum_20 --ticks synthetic:1:200000 --report r.html\n' +
    'A progress bar is drawn on stderr when it is a terminal, else a line every 10 %.',
} as const satisfies CliSpec;

const DATE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** `--from` / `--to` → epoch ms; a bare date is the start of its IST day, or its end with `endOfDay`. */
function timeArg(endOfDay: boolean) {
  return z.string().transform((s, ctx): number => {
    const m = DATE.exec(s);
    const h = Number(m?.[2] ?? 0);
    const min = Number(m?.[3] ?? 0);
    const sec = Number(m?.[4] ?? 0);
    const at = m === null || h > 23 || min > 59 || sec > 59 ? undefined : istEpochMs(m[1]!, ((h * 60 + min) * 60 + sec) * 1000);
    if (at === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (IST), was "${s}"` });
      return z.NEVER;
    }
    return endOfDay && m![2] === undefined ? at + DAY_MS - 1 : at;
  });
}

const ArgsSchema = z
  .strictObject({
    strategies: z.string().min(1).default('src/defaults/strategies.yaml'),
    strategy: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .refine((ids) => ids.every((x) => x !== ''), 'expected a comma-separated list of strategy ids')
      .refine((ids) => new Set(ids).size === ids.length, 'a strategy is listed twice')
      .optional(),
    ticks: z.string({ error: 'is required: a tick file or synthetic:SEED:N' }).pipe(TicksArgSchema),
    from: timeArg(false).optional(),
    to: timeArg(true).optional(),
    cash: z
      .string()
      .regex(/^\d+(\.\d{1,2})?$/, 'expected rupees, e.g. 1000000 or 2500.50')
      .transform(Number)
      .pipe(z.number().positive('expected more than 0').max(1e13, 'expected at most 10^13 rupees'))
      .optional(),
    'no-risk-caps': z.boolean().default(false),
    breakdown: z.array(z.enum(['day', 'instrument'], { error: 'expected day or instrument' })).default([]),
    report: z.string().min(1).optional(),
    json: z.boolean().default(false),
    config: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.from !== undefined && a.to !== undefined && a.to < a.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before --from' });
  });

/** Parses and validates argv (without node and script). `help` short-circuits everything else. */
export function parseBacktestArgs(argv: readonly string[]): Result<BacktestArgs | 'help', CliError[]> {
  const parsed = validateCliArgs(BACKTEST_CLI, ArgsSchema, argv);
  if (!parsed.ok) return parsed;
  if (parsed.value === 'help') return ok('help');
  const a = parsed.value;
  return ok({
    strategiesFile: a.strategies,
    strategies: a.strategy ?? null,
    ticks: a.ticks,
    from: a.from ?? null,
    to: a.to ?? null,
    cash: a.cash ?? null,
    riskCaps: !a['no-risk-caps'],
    breakdowns: [...new Set(a.breakdown)],
    report: a.report ?? null,
    json: a.json,
    config: a.config ?? null,
  });
}
