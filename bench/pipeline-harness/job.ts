// The contract between a pipeline bench suite (parent) and the child process that runs one bench
// system (bench/pipeline-harness/child.ts): what to run, and what comes back. Plain JSON.
import type { InjectResult } from '../actors/tick-injector.actor.js';
import type { ProbeResult } from '../actors/fill-probe.actor.js';
import type { Topology } from './tree.js';

export interface StepSpec {
  /** Ticks/s for 'paced'; ignored for 'max' (saturation: as fast as the ring accepts). */
  readonly rate: number;
  readonly count: number;
  readonly mode: 'paced' | 'max';
  /** Leading fraction of the step's ticks whose fills are not recorded (warm-up). */
  readonly warmupFrac: number;
}

export interface PipelineJob {
  readonly topology: Topology;
  /** Extra env over benchEnv (RUNTIME__TRANSPORT, STORE__DURABILITY, LOG_LEVEL ...). */
  readonly env: Readonly<Record<string, string>>;
  readonly steps: readonly StepSpec[];
  /** Stop after the first step whose schedule-based p99 exceeds this (a rising-rate ramp). */
  readonly stopAboveP99Ns?: number;
  /** Longest wait for the fills of a step after its last injection. */
  readonly drainTimeoutMs: number;
  /** Per-hop breakdown (split only): the probe also listens to signals.raw and signals.validated. */
  readonly stages?: boolean;
  /**
   * The gateway process runs beside the pipeline (as in `npm start`), with this many stream clients
   * (SDK StreamClient, one separate process) subscribed to every tick and the fill and PnL events.
   */
  readonly stream?: StreamSpec;
}

export interface StreamSpec {
  readonly clients: number;
  /** Tick delivery per client: coalesced per instrument, or every tick. */
  readonly mode: 'latest' | 'every';
}

/** What the stream clients saw during one step (and until 500 ms after it). */
export interface StreamResult {
  readonly clients: number;
  readonly connectMs: number;
  /** Ticks delivered (summed over clients), and those reported dropped by the gateway. */
  readonly ticks: number;
  readonly dropped: number;
  /** orders.filled events delivered (summed over clients). */
  readonly fills: number;
  /**
   * Fill event released by the checkpoint (its envelope ts, stamped when the commit completed) →
   * received by a client, ms (Date.now() on both sides: 1 ms resolution), histogram counts.
   */
  readonly releaseToClientCounts: readonly number[];
  /** CPU seconds of the client process over the steps. */
  readonly cpuS: number;
}

export interface ActorMem {
  readonly before: number;
  readonly after: number;
}

export interface StepResult {
  readonly spec: StepSpec;
  readonly inject: InjectResult;
  readonly probe: ProbeResult;
  /** From the last injection until every fill arrived (or the drain timeout). */
  readonly drainMs: number;
  /** True when every tick of the step became exactly one fill and nothing was rejected/failed. */
  readonly complete: boolean;
  /** heapUsed per actor before/after the step (bytes). */
  readonly heap: Readonly<Record<string, ActorMem>>;
  /** The engine's (or trading core's) snapshot after the step: commits, pending work. */
  readonly engine: unknown;
  /** Fused only: tick stamped at injection → fill decided in the core, ns (the core's samples of the step). */
  readonly decidedNs: readonly number[] | null;
  /** CPU seconds of the whole child process during the step (user + system). */
  readonly cpuS: number;
  readonly wallS: number;
}

export interface JobResult {
  readonly steps: readonly StepResult[];
  readonly startupMs: number;
  /** With job.stream: what the clients saw, one entry per step. */
  readonly streams?: readonly StreamResult[];
  readonly error?: string;
}

/** Marker lines the child writes on stdout so the parent can attribute --trace-gc lines to steps. */
export const MARK = '@@bench-step';
