// Turns the raw result of one pipeline bench step (child JobResult + parent-side GC attribution)
// into the figures the suites report: tick-to-fill percentiles (timer-corrected) from the injection
// stamp and from the open-loop schedule, throughput, injector lateness, GC pauses and heap growth
// per million ticks, CPU per tick; and a few shared report helpers.
import { Histogram, type LatencySummary } from '../harness/histogram.js';
import { ns, rate } from '../harness/format.js';
import type { PipelineJob, StepResult, StepSpec, StreamResult } from './job.js';
import { runJob, type GcTotals, type RunOptions } from './runner.js';

export interface StepSummary {
  readonly rate: number;
  readonly mode: StepSpec['mode'];
  readonly ticks: number;
  readonly fills: number;
  readonly complete: boolean;
  readonly failed: number;
  readonly rejected: number;
  /** now − actual injection stamp (service latency), one timer read subtracted. */
  readonly lat: LatencySummary;
  /** now − scheduled injection time (coordinated-omission corrected), one timer read subtracted. */
  readonly co: LatencySummary;
  /** Fills per second from the first injection to the last fill. */
  readonly throughput: number;
  /** Ticks per second the injector actually achieved. */
  readonly injectedRate: number;
  readonly late100us: number;
  readonly late1ms: number;
  readonly maxLateNs: number;
  readonly blocked: number;
  readonly drainMs: number;
  readonly gcPer1M: { readonly count: number; readonly totalMs: number; readonly major: number; readonly maxMs: number; readonly threads: number };
  /** Σ heapUsed growth of every bench thread during the step, per million ticks. */
  readonly heapPer1MBytes: number;
  /** Process CPU seconds per million ticks (all threads). */
  readonly cpuSPer1M: number;
  /** Worker log lines written during the step. */
  readonly logLines: number;
  readonly engine: unknown;
  /** p50/p99 (not timer-corrected) per slice of the step's ticks: one second for paced steps, a tenth for max pace. */
  readonly slices: readonly ({ readonly p50Ns: number; readonly p99Ns: number } | null)[];
  /** Tick stamped at injection → fill decided in the trading core (warm-up included). */
  readonly decided: LatencySummary | null;
  /** With job.stages: arrival at the probe of the raw signal / the verdict − injection stamp. */
  readonly stages: { readonly raw: LatencySummary; readonly validated: LatencySummary } | null;
}

/** A histogram of raw nanosecond samples. */
function histogramOf(samples: readonly number[]): Histogram {
  const h = new Histogram();
  for (const v of samples) h.record(Math.round(v));
  return h;
}

export function summarizeStep(s: StepResult, gc: GcTotals | undefined, logLines: number | undefined): StepSummary {
  const inj = new Histogram(Float64Array.from(s.probe.injected));
  const co = new Histogram(Float64Array.from(s.probe.scheduled));
  const ticks = s.inject.published;
  const per1M = 1e6 / Math.max(1, ticks);
  const heap = Object.values(s.heap).reduce((sum, m) => sum + (m.after - m.before), 0);
  const spanNs = s.probe.lastFillNs - s.inject.firstNs;
  const g = gc ?? { count: 0, totalMs: 0, maxMs: 0, major: 0, isolates: 0 };
  return {
    rate: s.spec.rate,
    mode: s.spec.mode,
    ticks,
    fills: s.probe.fills,
    complete: s.complete,
    failed: s.probe.failed,
    rejected: s.probe.rejected,
    lat: inj.summary(s.probe.timerNs),
    co: co.summary(s.probe.timerNs),
    throughput: spanNs > 0 ? (s.probe.fills * 1e9) / spanNs : Number.NaN,
    injectedRate: s.inject.lastNs > s.inject.firstNs ? ((ticks - 1) * 1e9) / (s.inject.lastNs - s.inject.firstNs) : Number.NaN,
    late100us: s.inject.late100us,
    late1ms: s.inject.late1ms,
    maxLateNs: s.inject.maxLateNs,
    blocked: s.inject.blocked,
    drainMs: s.drainMs,
    gcPer1M: { count: g.count * per1M, totalMs: g.totalMs * per1M, major: g.major * per1M, maxMs: g.maxMs, threads: g.isolates },
    heapPer1MBytes: heap * per1M,
    cpuSPer1M: s.cpuS * per1M,
    logLines: logLines ?? 0,
    engine: s.engine,
    decided: s.decidedNs === null || s.decidedNs.length === 0 ? null : histogramOf(s.decidedNs).summary(0),
    stages:
      s.probe.stages === null
        ? null
        : {
            raw: new Histogram(Float64Array.from(s.probe.stages.raw)).summary(s.probe.timerNs),
            validated: new Histogram(Float64Array.from(s.probe.stages.validated)).summary(s.probe.timerNs),
          },
    slices: s.probe.slices.map((x) => (x === null ? null : { p50Ns: x.p50Ns, p99Ns: x.p99Ns })),
  };
}

export interface JobSummary {
  readonly steps: readonly StepSummary[];
  readonly startupMs: number;
  readonly streams?: readonly StreamResult[];
  readonly error?: string;
  readonly stderrTail?: string;
}

/** Runs one job in a fresh child process and summarises its steps. */
export async function runPipeline(job: PipelineJob, opts: RunOptions = {}): Promise<JobSummary> {
  const o = await runJob(job, opts);
  const steps = o.result.steps.map((s, i) => summarizeStep(s, o.gc[i], o.logLines[i]));
  return {
    steps,
    startupMs: o.result.startupMs,
    ...(o.result.streams !== undefined ? { streams: o.result.streams } : {}),
    ...(o.result.error !== undefined ? { error: o.result.error, stderrTail: o.stderr.slice(-2000) } : {}),
  };
}

/** A step passes the sustainability bar: every tick became a fill, the injector kept pace, p99 (schedule-based) ≤ bound. */
export function sustainable(s: StepSummary, p99BoundNs: number): boolean {
  return s.complete && s.co.p99Ns <= p99BoundNs && s.injectedRate >= 0.95 * s.rate;
}

export const latCells = (l: LatencySummary): string[] => [ns(l.p50Ns), ns(l.p99Ns), ns(l.p999Ns), ns(l.maxNs)];

export function gcCell(s: StepSummary): string {
  const g = s.gcPer1M;
  const k = s.ticks / 1e6;
  return `${(g.count * k).toFixed(0)} GCs, ${(g.totalMs * k).toFixed(0)} ms, max ${g.maxMs.toFixed(1)} ms (per 1M ticks: ${g.count.toFixed(0)}, ${(g.totalMs / 1000).toFixed(1)} s)`;
}

export function heapCell(s: StepSummary): string {
  const k = s.ticks / 1e6;
  return `${((s.heapPer1MBytes * k) / 2 ** 20).toFixed(1)} MiB (per 1M ticks: ${(s.heapPer1MBytes / 2 ** 30).toFixed(2)} GiB)`;
}

/** "p50 per slice" as a compact series, e.g. `1.2 ms → 3.4 ms → 9.8 ms`. */
export function sliceSeries(s: StepSummary, pick: 'p50Ns' | 'p99Ns' = 'p50Ns'): string {
  return s.slices.map((x) => (x === null ? '·' : ns(x[pick]))).join(' → ');
}

export function stepLabel(s: StepSummary): string {
  return s.mode === 'max' ? `max pace (${s.ticks} ticks)` : `${rate(s.rate)} × ${s.ticks}`;
}
