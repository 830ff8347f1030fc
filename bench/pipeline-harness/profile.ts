// Summarises the .cpuprofile files `--cpu-prof` writes (one per thread): which actor the thread
// ran (guessed from the actor module in its call frames), busy vs idle time, and the functions
// with the most self time. Used to say what limits a pipeline when a target is missed:
//   node dist/bench/pipeline-harness/profile.js --dir <dir> [--top 12]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliArgs, EXIT_USAGE, type CliSpec } from '../../src/cli.js';

interface Node {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly Node[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ThreadProfile {
  readonly file: string;
  readonly thread: string;
  readonly totalMs: number;
  readonly idleMs: number;
  readonly gcMs: number;
  readonly top: readonly { readonly fn: string; readonly selfMs: number; readonly pct: number }[];
}

const IDLE = new Set(['(idle)', '(program)']);

export function summarise(file: string, top = 12): ThreadProfile {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const byFn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  let thread = 'main';
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const cf = n.callFrame;
    total += ms;
    if (IDLE.has(cf.functionName)) idle += ms;
    if (cf.functionName === '(garbage collector)') gc += ms;
    const short = cf.url.replace(/^.*\/(dist|node_modules)\//, '$1/');
    const key = `${cf.functionName || '(anonymous)'} ${short}:${cf.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  for (const n of p.nodes) {
    const m = /(?:actors|bench\/actors)\/([\w-]+)\.actor\.js$/.exec(n.callFrame.url);
    if (m !== null) {
      thread = m[1]!;
      break;
    }
  }
  const busy = total - idle;
  const ranked = [...byFn]
    .filter(([k]) => !IDLE.has(k.split(' ')[0]!))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, ms]) => ({ fn, selfMs: ms, pct: busy > 0 ? (100 * ms) / busy : 0 }));
  return { file, thread, totalMs: total, idleMs: idle, gcMs: gc, top: ranked };
}

export function summariseDir(dir: string, top = 12): ThreadProfile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summarise(join(dir, f), top));
}

export function formatProfiles(ps: readonly ThreadProfile[]): string {
  return ps
    .map((p) =>
      [
        `--- ${p.thread}: busy ${(p.totalMs - p.idleMs).toFixed(0)} ms of ${p.totalMs.toFixed(0)} ms (GC ${p.gcMs.toFixed(0)} ms)`,
        ...p.top.map((t) => `  ${t.selfMs.toFixed(1).padStart(8)} ms ${t.pct.toFixed(1).padStart(5)} %  ${t.fn}`),
      ].join('\n'),
    )
    .join('\n');
}

const PROFILE_CLI = {
  command: 'node dist/bench/pipeline-harness/profile.js',
  summary: 'Summarises the .cpuprofile files of one run (node --cpu-prof --cpu-prof-dir <dir>): busy time per thread and its top functions.',
  options: {
    dir: { type: 'string', arg: '<dir>', help: 'directory holding the .cpuprofile files (required)' },
    top: { type: 'string', arg: '<N>', help: 'functions listed per thread (default 12)' },
  },
} as const satisfies CliSpec;

// Run only as a program: the pipeline report imports summariseDir from this module
if (process.argv[1]?.endsWith('profile.js') === true) {
  const args = cliArgs(PROFILE_CLI);
  if (args !== undefined) {
    const top = Number(args.top ?? 12);
    if (args.dir === undefined || !Number.isSafeInteger(top) || top < 1) {
      process.stderr.write(`ERR_CONFIG_INVALID: expected --dir <dir> and --top an integer >= 1\nusage: ${PROFILE_CLI.command} [options]   (--help for the options)\n`);
      process.exitCode = EXIT_USAGE;
    } else process.stdout.write(`${formatProfiles(summariseDir(args.dir, top))}\n`);
  }
}
