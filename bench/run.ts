// Entry of `npm run bench` (node dist/bench/run.js). Runs the registered suites, prints their
// tables, merges their JSON into bench/results/latest.json by suite name and rewrites each suite's
// section of BENCHMARKS.md. `--quick`: tiny sizes, one run, < 1 minute, results go to
// bench/results/latest-quick.json and BENCHMARKS.md is left alone (a smoke run proves nothing
// about speed). Options: --only=a,b  --runs=N (default 3)  --out=path  --no-write
// --wait-quiet=S (wait up to S seconds for other load on the box to stop before each suite).
// To add a suite: implement BenchSuite (bench/harness/suite.ts) and append it to SUITES.
import { fileURLToPath } from 'node:url';
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

const SUITES: readonly BenchSuite[] = [ringSuite, tickToFillSuite, topologySuite, taxSuite, replaySuite, microSuite, poolSuite, wsFanoutSuite];

interface Args {
  quick: boolean;
  only: string[] | null;
  runs: number;
  out: string | null;
  write: boolean;
  waitQuietS: number;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { quick: false, only: null, runs: 3, out: null, write: true, waitQuietS: 0 };
  for (const arg of argv) {
    const [k, v] = arg.split('=', 2) as [string, string | undefined];
    if (k === '--quick') a.quick = true;
    else if (k === '--only' && v !== undefined) a.only = v.split(',');
    else if (k === '--runs' && v !== undefined) a.runs = Math.max(1, Number.parseInt(v, 10) || 3);
    else if (k === '--out' && v !== undefined) a.out = v;
    else if (k === '--no-write') a.write = false;
    else if (k === '--wait-quiet' && v !== undefined) a.waitQuietS = Math.max(0, Number(v) || 0);
    else throw new Error(`unknown argument ${arg} (use --quick, --only=a,b, --runs=N, --out=path, --no-write, --wait-quiet=S)`);
  }
  return a;
}

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url)); // dist/bench/ → repo root

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const suites = SUITES.filter((s) => args.only === null || args.only.includes(s.name));
  if (suites.length === 0) throw new Error(`no suite matches --only=${args.only?.join(',')}; known: ${SUITES.map((s) => s.name).join(', ')}`);
  const log = (line: string): void => {
    process.stderr.write(`[bench] ${line}\n`);
  };
  const results: SuiteResult[] = [];
  for (const suite of suites) {
    const busy = args.waitQuietS > 0 ? await waitForQuiet(args.waitQuietS, 0.1, log) : await cpuBusyFraction(1_000);
    const machine = { ...machineInfo(), otherLoadBeforeStart: busy };
    log(`suite ${suite.name}: ${suite.title}${args.quick ? ' (quick)' : ''}; box ${busy === null ? '?' : (busy * 100).toFixed(0)} % busy before start`);
    const r = await suite.run({ quick: args.quick, runs: args.runs, machine, log });
    results.push(r);
    process.stdout.write(`\n=== ${r.title} (${(r.durationMs / 1000).toFixed(1)} s) ===\n${r.text}\n`);
  }
  if (!args.write) return;
  const out = args.out ?? root(args.quick ? 'bench/results/latest-quick.json' : 'bench/results/latest.json');
  mergeResults(out, results);
  log(`results merged into ${out}`);
  if (!args.quick) {
    const md = root('BENCHMARKS.md');
    for (const r of results) writeMarkdownSection(md, r.suite, r.markdown);
    log(`BENCHMARKS.md sections updated: ${results.map((r) => r.suite).join(', ')}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`[bench] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
