// Parent side of the pipeline benches: forks bench/pipeline-harness/child.js with `--trace-gc` (and
// optionally `--cpu-prof`), hands it a PipelineJob, and attributes the GC lines of EVERY thread
// (V8 prints them per isolate) to the job's steps using the child's marker lines. Worker log lines
// on the same stdout are counted (the logging tax) and otherwise discarded.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MARK, type JobResult, type PipelineJob } from './job.js';

export interface GcTotals {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Mark-compact (major) collections among them. */
  major: number;
  /** Isolates (threads) that collected at least once. */
  isolates: number;
}

export interface JobOutcome {
  readonly result: JobResult;
  /** GC per step (index as in result.steps). */
  readonly gc: readonly GcTotals[];
  /** Non-GC, non-marker stdout lines (worker logs) per step. */
  readonly logLines: readonly number[];
  readonly stderr: string;
}

export interface RunOptions {
  /** Directory for --cpu-prof output (one .cpuprofile per thread); none when undefined. */
  readonly cpuProfDir?: string;
  readonly timeoutMs?: number;
}

const GC_LINE = /^\[\d+:(0x[0-9a-f]+)\]\s+[\d.]+ ms: (.+?) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/;

const childUrl = new URL('./child.js', import.meta.url);

export function runJob(job: PipelineJob, opts: RunOptions = {}): Promise<JobOutcome> {
  const execArgv = ['--trace-gc', ...(opts.cpuProfDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [])];
  const child = fork(fileURLToPath(childUrl), [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const gc: GcTotals[] = [];
  const isolates: Set<string>[] = [];
  const logLines: number[] = [];
  let step = -1;
  let buf = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith(MARK)) {
        const [, what, idx] = line.split(' ');
        if (what === 'begin') {
          step = Number(idx);
          gc[step] = { count: 0, totalMs: 0, maxMs: 0, major: 0, isolates: 0 };
          isolates[step] = new Set();
          logLines[step] = 0;
        } else step = -1;
        continue;
      }
      if (step < 0) continue;
      const m = GC_LINE.exec(line);
      if (m !== null) {
        const g = gc[step]!;
        const ms = Number(m[3]);
        g.count++;
        g.totalMs += ms;
        if (ms > g.maxMs) g.maxMs = ms;
        if (m[2]!.startsWith('Mark')) g.major++;
        isolates[step]!.add(m[1]!);
        g.isolates = isolates[step]!.size;
      } else if (line.trim() !== '') logLines[step]! += 1;
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  return new Promise<JobOutcome>((resolve, reject) => {
    let result: JobResult | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('message', (m: JobResult) => {
      result = m;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result === undefined) reject(new Error(`bench child exited (code ${code}, signal ${signal}) without a result; stderr:\n${stderr}`));
      else resolve({ result, gc, logLines, stderr });
    });
    child.send(job);
  });
}
