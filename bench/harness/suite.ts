// The contract between the bench runner (bench/run.ts) and each suite. A suite measures, returns
// JSON-able metrics, goal verdicts and a Markdown section; the runner prints, merges the JSON into
// bench/results/*.json by suite name and splices the Markdown into BENCHMARKS.md. Adding a suite
// = implementing BenchSuite and listing it in run.ts.
import { loadavg } from 'node:os';
import type { MachineInfo } from './machine.js';

export interface BenchContext {
  /** Small sizes, one run each; must finish well under a minute; says nothing about speed. */
  readonly quick: boolean;
  /** Repetitions of each measurement in full mode (median and spread are reported). */
  readonly runs: number;
  readonly machine: MachineInfo;
  /** Progress line on stderr. */
  readonly log: (line: string) => void;
}

export type Verdict = 'stretch' | 'pass' | 'fail' | 'n/a';

/** One goal of docs/benchmark-goals.md checked against this run. */
export interface GoalCheck {
  readonly id: string;
  readonly what: string;
  readonly measured: string;
  readonly floor: string;
  readonly stretch: string;
  readonly verdict: Verdict;
  /** The measured figure as a number (machine-readable twin of `measured`), with its unit. */
  readonly value?: number;
  readonly unit?: string;
}

export interface SuiteResult {
  readonly suite: string;
  readonly title: string;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: MachineInfo;
  readonly loadAvgAtEnd: readonly number[];
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly goals: readonly GoalCheck[];
  /** Plain-text table(s) for the terminal. */
  readonly text: string;
  /** Markdown body for this suite's section of BENCHMARKS.md (no heading markers needed). */
  readonly markdown: string;
}

export interface BenchSuite {
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
}

/** Verdict helper: `lowerIsBetter` for latencies and ratios like hop ÷ baseline. */
export function verdict(value: number, floor: number, stretch: number, lowerIsBetter: boolean): Verdict {
  if (!Number.isFinite(value)) return 'n/a';
  if (lowerIsBetter) return value <= stretch ? 'stretch' : value <= floor ? 'pass' : 'fail';
  return value >= stretch ? 'stretch' : value >= floor ? 'pass' : 'fail';
}

/** The bookkeeping fields every suite result starts with (`t0` = performance.now() at start). */
export function resultHeader(suite: Pick<BenchSuite, 'name' | 'title'>, ctx: BenchContext, startedAt: string, t0: number) {
  return {
    suite: suite.name,
    title: suite.title,
    quick: ctx.quick,
    startedAt,
    durationMs: performance.now() - t0,
    machine: ctx.machine,
    loadAvgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
