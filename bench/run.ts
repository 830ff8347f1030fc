// Entry of `npm run bench` (node dist/bench/run.js). Runs the registered suites, prints their
// tables, merges their JSON into bench/results/latest.json by suite name and rewrites each suite's
// section of BENCHMARKS.md. `--quick`: tiny sizes, one run, < 1 minute, results go to the ignored
// bench/results/tmp/latest-quick.json and BENCHMARKS.md is left alone (a smoke run proves nothing
// about speed). Options: BENCH_CLI below (`npm run bench -- --help`).
// To add a suite: implement BenchSuite (bench/harness/suite.ts) and append it to SUITES.
import { fileURLToPath } from 'node:url';
import { EXIT_USAGE, formatCliErrors, scanCli, usage, type CliError, type CliSpec } from '../src/cli.js';
import { didYouMean } from '../src/did-you-mean.js';
import { err, ok, type Result } from '../src/errors.js';
import { cpuBusyFraction, machineInfo, waitForQuiet } from './harness/machine.js';
import { mergeResults, writeMarkdownSection } from './harness/results.js';
import type { BenchSuite, SuiteResult } from './harness/suite.js';
import { ringSuite } from './ring.js';
import { tickToFillSuite } from './tick-to-fill.js';
import { topologySuite } from './topology.js';
import { taxSuite } from './tax.js';
import { replaySuite } from './replay.js';
import { microSuite } from './micro.js';
import { poolSuite } from './pool.js';
import { wsFanoutSuite } from './ws-fanout.js';
import { soakSuite } from './soak.js';
import { recoverySuite } from './recovery.js';
import { kiteParserSuite } from './kite-parser.js';
import { backtestSuite } from './backtest.js';
import { streamTaxSuite } from './stream-tax.js';
import { kiteOrdersSuite } from './kite-orders.js';
import { clusterSuite } from './cluster.js';

const SUITES: readonly BenchSuite[] = [ringSuite, tickToFillSuite, topologySuite, taxSuite, replaySuite, microSuite, poolSuite, wsFanoutSuite, soakSuite, recoverySuite, kiteParserSuite, backtestSuite, kiteOrdersSuite, streamTaxSuite, clusterSuite];

const BENCH_CLI = {
  command: 'npm run bench --',
  summary:
    'Runs the benchmark suites and prints their tables. A full run merges its JSON into\n' +
    'bench/results/latest.json and rewrites each suite\'s section of BENCHMARKS.md.',
  options: {
    quick: { type: 'boolean', help: 'smoke run: tiny sizes, one run, < 1 minute; results go to the untracked bench/results/tmp/' },
    only: { type: 'string', arg: '<a,b,...>', help: `run only these suites: ${SUITES.map((s) => s.name).join(', ')}` },
    runs: { type: 'string', arg: '<N>', help: 'runs per measurement (default 3)' },
    out: { type: 'string', arg: '<file>', help: 'results JSON file (default bench/results/latest.json, or tmp/latest-quick.json with --quick)' },
    'no-write': { type: 'boolean', help: 'print only: write no results file and leave BENCHMARKS.md alone' },
    'wait-quiet': { type: 'string', arg: '<S>', help: 'wait up to S seconds for other load on the box to stop before each suite' },
  },
} as const satisfies CliSpec;

interface Args {
  readonly quick: boolean;
  readonly only: readonly string[] | null;
  readonly runs: number;
  readonly out: string | null;
  readonly write: boolean;
  readonly waitQuietS: number;
}

/** Validated arguments; every problem is reported together (ERR_CONFIG_INVALID, as config errors). */
function parseBenchArgs(argv: readonly string[]): Result<Args | 'help', CliError[]> {
  const scan = scanCli(BENCH_CLI, argv);
  if (scan.help) return ok('help');
  const v = scan.values;
  const problems: CliError[] = [...scan.problems];
  const bad = (path: string, message: string): void => {
    problems.push({ code: 'ERR_CONFIG_INVALID', path, message });
  };
  const names = SUITES.map((s) => s.name);
  const only = v.only === undefined ? null : v.only.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (only?.length === 0) bad('--only', 'expected a comma-separated list of suite names');
  for (const name of only ?? []) if (!names.includes(name)) bad('--only', `no suite "${name}"${didYouMean(name, names)}; known: ${names.join(', ')}`);
  const runs = v.runs === undefined ? 3 : Number(v.runs);
  if (!Number.isSafeInteger(runs) || runs < 1) bad('--runs', `expected an integer >= 1, was "${v.runs}"`);
  const waitQuietS = v['wait-quiet'] === undefined ? 0 : Number(v['wait-quiet']);
  if (!Number.isFinite(waitQuietS) || waitQuietS < 0) bad('--wait-quiet', `expected seconds >= 0, was "${v['wait-quiet']}"`);
  if (problems.length > 0) return err(problems);
  return ok({ quick: v.quick === true, only, runs, out: v.out ?? null, write: v['no-write'] !== true, waitQuietS });
}

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url)); // dist/bench/ → repo root

async function main(): Promise<void> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${formatCliErrors(parsed.error)}\nusage: ${BENCH_CLI.command} [options]   (--help for the options)\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  if (parsed.value === 'help') {
    process.stdout.write(`${usage(BENCH_CLI)}\n`);
    return;
  }
  const args = parsed.value;
  const suites = SUITES.filter((s) => args.only === null || args.only.includes(s.name));
  const log = (line: string): void => {
    process.stderr.write(`[bench] ${line}\n`);
  };
  // Results are written after each suite: a later suite that fails cannot take earlier ones with it.
  // A smoke run proves nothing about speed: it never touches the tracked results (ignored tmp/ dir)
  const out = args.out ?? root(args.quick ? 'bench/results/tmp/latest-quick.json' : 'bench/results/latest.json');
  for (const suite of suites) {
    const busy = args.waitQuietS > 0 ? await waitForQuiet(args.waitQuietS, 0.1, log) : await cpuBusyFraction(1_000);
    const machine = { ...machineInfo(), otherLoadBeforeStart: busy };
    log(`suite ${suite.name}: ${suite.title}${args.quick ? ' (quick)' : ''}; box ${busy === null ? '?' : (busy * 100).toFixed(0)} % busy before start`);
    const r = await suite.run({ quick: args.quick, runs: args.runs, machine, log });
    process.stdout.write(`\n=== ${r.title} (${(r.durationMs / 1000).toFixed(1)} s) ===\n${r.text}\n`);
    if (!args.write) continue;
    mergeResults(out, [r]);
    log(`results of ${r.suite} merged into ${out}`);
    if (!args.quick) {
      writeMarkdownSection(root('BENCHMARKS.md'), r.suite, r.markdown);
      log(`BENCHMARKS.md section ${r.suite} updated`);
    }
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    process.stderr.write(`[bench] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
