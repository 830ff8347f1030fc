// Circuit breaker for calls to outside systems (Kite REST, auth): closed → open → half-open → closed.
// It only reads the injected Clock (monotonic time), so it owns no timers and tests drive it with FakeClock.
// Invariants: while open, fn is never called; in half-open at most `halfOpenMaxCalls` trials run per
// half-open period; an outcome of a call admitted under an earlier state never changes the current state.

import { appError } from '../errors.js';
import type { Clock } from './clock.js';

/** The three breaker states. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Why a transition happened (for logs and metrics). */
export type CircuitTransitionReason =
  | 'failure-threshold' // closed → open: too many consecutive failures
  | 'recovery-elapsed' // open → half-open: recoveryMs passed
  | 'trial-failed' // half-open → open
  | 'trial-succeeded' // half-open → closed
  | 'reset'; // any → closed by an operator

/** Payload of a state-change notification. */
export interface CircuitStateChange {
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: CircuitTransitionReason;
  /** Wall-clock time of the transition, epoch ms. */
  readonly atMs: number;
}

/** Listener for state changes. It must not throw; it runs after the new state is in place. */
export type CircuitStateListener = (change: CircuitStateChange) => void;

/** Construction options; every numeric option has a default suited to a REST API. */
export interface CircuitBreakerOptions {
  /** Name of the protected system, used in ERR_CIRCUIT_OPEN and notifications. */
  readonly name: string;
  readonly clock: Clock;
  /** Consecutive failures (while closed) that open the circuit. Default 5, as in the original. */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before admitting trial calls. Default 60 000 ms. */
  readonly recoveryMs?: number;
  /** Trial calls admitted per half-open period. Default 1. */
  readonly halfOpenMaxCalls?: number;
  /**
   * Decides whether an error counts against the system. Default: every error does. Return false
   * for errors that prove the system is up (e.g. an order rejected for a business reason): such
   * errors are passed to the caller and count as a success for the breaker.
   */
  readonly isFailure?: (error: unknown) => boolean;
  /** Optional listener, equivalent to calling onStateChange() right after construction. */
  readonly onStateChange?: CircuitStateListener;
}

/** Cumulative counters since construction (reset() does not clear them). */
export interface CircuitCounters {
  /** Calls that ran fn (rejected calls excluded). */
  readonly calls: number;
  readonly successes: number;
  /** Errors that counted as failures. */
  readonly failures: number;
  /** Errors that isFailure() classified as not the system's fault. */
  readonly ignoredErrors: number;
  /** Calls refused with ERR_CIRCUIT_OPEN without calling fn. */
  readonly rejected: number;
  /** Times the circuit went to open. */
  readonly opens: number;
  /** Current run of consecutive failures while closed. */
  readonly consecutiveFailures: number;
  /** Trial calls in flight in the current half-open period. */
  readonly trialsInFlight: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`CircuitBreaker: expected ${name} to be an integer >= 1, was ${v}`);
  return v;
}

/**
 * Failure policy: N consecutive failures (not a rate over a window). A rate needs a minimum
 * sample size to be meaningful and the outside systems here are called a few times a minute,
 * so a consecutive count reacts as quickly and is easier to reason about.
 */
export class CircuitBreaker {
  readonly name: string;
  private readonly clock: Clock;
  private readonly failureThreshold: number;
  private readonly recoveryMs: number;
  private readonly halfOpenMaxCalls: number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly listeners: CircuitStateListener[] = [];

  private current: CircuitState = 'closed';
  /** Bumped on every transition; an outcome from an older epoch is counted but has no effect on state. */
  private epoch = 0;
  private openedAtMono = 0;
  private trialsStarted = 0;
  private readonly stats: Mutable<CircuitCounters> = {
    calls: 0,
    successes: 0,
    failures: 0,
    ignoredErrors: 0,
    rejected: 0,
    opens: 0,
    consecutiveFailures: 0,
    trialsInFlight: 0,
  };

  constructor(opts: CircuitBreakerOptions) {
    this.name = opts.name;
    this.clock = opts.clock;
    this.failureThreshold = positiveInt('failureThreshold', opts.failureThreshold, 5);
    this.halfOpenMaxCalls = positiveInt('halfOpenMaxCalls', opts.halfOpenMaxCalls, 1);
    const recoveryMs = opts.recoveryMs ?? 60_000;
    if (!Number.isFinite(recoveryMs) || recoveryMs < 0) {
      throw new RangeError(`CircuitBreaker: expected recoveryMs >= 0, was ${recoveryMs}`);
    }
    this.recoveryMs = recoveryMs;
    this.isFailure = opts.isFailure ?? (() => true);
    if (opts.onStateChange) this.listeners.push(opts.onStateChange);
  }

  /** Current state; reading it performs the lazy open → half-open transition when recoveryMs has passed. */
  get state(): CircuitState {
    this.refresh();
    return this.current;
  }

  /** Snapshot of the counters. */
  counters(): CircuitCounters {
    return { ...this.stats };
  }

  /** Milliseconds until the next trial is admitted: 0 unless open. */
  retryInMs(): number {
    this.refresh();
    if (this.current !== 'open') return 0;
    return Math.max(0, Math.ceil(this.openedAtMono + this.recoveryMs - this.clock.monoMs()));
  }

  /** Subscribes to state changes; returns an unsubscribe function. */
  onStateChange(listener: CircuitStateListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Forces the circuit closed (operator action); in-flight outcomes from before are then ignored. */
  reset(): void {
    this.stats.consecutiveFailures = 0;
    if (this.current !== 'closed') this.transition('closed', 'reset');
  }

  /**
   * Runs fn through the breaker. Rejects with ERR_CIRCUIT_OPEN (detail {name, retryInMs}) without
   * calling fn while open, or while half-open with every trial slot taken (retryInMs 0 then).
   * Otherwise resolves or rejects exactly as fn does.
   */
  async call<T>(fn: () => Promise<T> | T): Promise<T> {
    this.refresh();
    const trial = this.current === 'half-open';
    if (this.current === 'open' || (trial && this.trialsStarted >= this.halfOpenMaxCalls)) {
      this.stats.rejected++;
      throw appError('ERR_CIRCUIT_OPEN', { name: this.name, retryInMs: this.retryInMs(), state: this.current });
    }
    const epoch = this.epoch;
    if (trial) {
      this.trialsStarted++;
      this.stats.trialsInFlight++;
    }
    this.stats.calls++;
    let value: T;
    try {
      value = await fn();
    } catch (error: unknown) {
      this.settle(epoch, trial, this.isFailure(error) ? 'failure' : 'ignored');
      throw error;
    }
    this.settle(epoch, trial, 'success');
    return value;
  }

  private settle(epoch: number, trial: boolean, outcome: 'success' | 'failure' | 'ignored'): void {
    if (outcome === 'success') this.stats.successes++;
    else if (outcome === 'failure') this.stats.failures++;
    else this.stats.ignoredErrors++;
    // An excused error proves the system answered, so for the state machine it is a success
    const success = outcome !== 'failure';
    if (epoch !== this.epoch) return; // admitted under an earlier state: stale evidence
    if (trial) this.stats.trialsInFlight--;
    switch (this.current) {
      case 'closed':
        if (success) {
          this.stats.consecutiveFailures = 0;
        } else if (++this.stats.consecutiveFailures >= this.failureThreshold) {
          this.transition('open', 'failure-threshold');
        }
        return;
      case 'half-open':
        this.transition(success ? 'closed' : 'open', success ? 'trial-succeeded' : 'trial-failed');
        return;
      case 'open':
        return; // unreachable: entering open bumps the epoch, so no call of this epoch is pending
    }
  }

  private refresh(): void {
    if (this.current === 'open' && this.clock.monoMs() - this.openedAtMono >= this.recoveryMs) {
      this.transition('half-open', 'recovery-elapsed');
    }
  }

  private transition(to: CircuitState, reason: CircuitTransitionReason): void {
    const from = this.current;
    this.current = to;
    this.epoch++;
    this.trialsStarted = 0;
    this.stats.trialsInFlight = 0;
    if (to === 'open') {
      this.openedAtMono = this.clock.monoMs();
      this.stats.opens++;
    }
    if (to === 'closed') this.stats.consecutiveFailures = 0;
    const change: CircuitStateChange = { name: this.name, from, to, reason, atMs: this.clock.nowMs() };
    for (const listener of [...this.listeners]) listener(change);
  }
}
