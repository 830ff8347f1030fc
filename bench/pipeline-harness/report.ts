// Shared plumbing of the pipeline suites: run a job (fresh child process) with progress logging and
// failure capture, aggregate repeated runs (median run by a key, spread), and an optional profiled
// run whose per-thread hottest functions go into the report (what limits a missed target).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianRun, ns, spread, type Spread } from '../harness/format.js';
import type { PipelineJob } from './job.js';
import { runPipeline, type JobSummary, type StepSummary } from './measure.js';
import { summariseDir, type ThreadProfile } from './profile.js';

/** Runs `job`; a failed child (crash, timeout) is logged and returned as an error summary. */
export async function attempt(job: PipelineJob, log: (s: string) => void, label: string): Promise<JobSummary> {
  log(label);
  try {
    const r = await runPipeline(job);
    if (r.error !== undefined) log(`${label}: FAILED ${r.error.split('\n')[0]}`);
    return r;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    log(`${label}: FAILED ${error.split('\n')[0]}`);
    return { steps: [], startupMs: Number.NaN, error };
  }
}

/** Repeated runs of one configuration: the median run (by `key`) plus spreads. */
export interface Agg {
  readonly runs: readonly StepSummary[];
  readonly median: StepSummary | undefined;
  readonly p50: Spread;
  readonly p99: Spread;
  readonly throughput: Spread;
  readonly errors: readonly string[];
}

export function aggregate(runs: readonly StepSummary[], errors: readonly string[], key: (s: StepSummary) => number): Agg {
  return {
    runs,
    median: runs.length > 0 ? medianRun(runs, key) : undefined,
    p50: spread(runs.map((r) => r.lat.p50Ns)),
    p99: spread(runs.map((r) => r.lat.p99Ns)),
    throughput: spread(runs.map((r) => r.throughput)),
    errors,
  };
}

export const spreadCell = (s: Spread, f: (v: number) => string): string => (s.runs.length > 1 ? `${f(s.min)} – ${f(s.max)}` : '—');
export const nsSpread = (s: Spread): string => spreadCell(s, ns);

/** Runs `job` once under `--cpu-prof` and summarises every thread's profile. */
export async function profiled(job: PipelineJob, log: (s: string) => void, label: string, top = 6): Promise<ThreadProfile[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-prof-'));
  try {
    log(`${label} (profiled with --cpu-prof)`);
    const r = await runPipeline(job, { cpuProfDir: dir });
    if (r.error !== undefined) log(`${label}: profiled run failed: ${r.error.split('\n')[0]}`);
    return summariseDir(dir, top);
  } catch (e) {
    log(`${label}: profiled run failed: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Markdown list of the hottest functions per actor thread (wall-sampled; idle excluded). */
export function profileMarkdown(ps: readonly ThreadProfile[]): string {
  if (ps.length === 0) return '_no profile_';
  const order = (t: string): number => ['main', 'tick-injector', 'fill-probe'].indexOf(t);
  return [...ps]
    .sort((a, b) => order(a.thread) - order(b.thread) || b.totalMs - b.idleMs - (a.totalMs - a.idleMs))
    .map((p) => {
      const busy = p.totalMs - p.idleMs;
      const head = `- **${p.thread}**: busy ${(busy / 1000).toFixed(2)} s of ${(p.totalMs / 1000).toFixed(2)} s sampled (GC ${(p.gcMs / 1000).toFixed(2)} s)`;
      const fns = p.top.map((t) => `  - ${t.pct.toFixed(0)} % \`${t.fn}\``);
      return [head, ...fns].join('\n');
    })
    .join('\n');
}
