// The injected clock: the ONLY module that may read Date.now() or performance.now() (docs/conventions.md §1.5).
// Everything else takes a Clock, so time is a seam tests can drive with FakeClock.
// Invariant: monoMs() never goes backwards; nowMs() may jump (NTP, manual change) and must not be
// used to measure durations.

/** A source of time. Inject it; never read the system clocks directly. */
export interface Clock {
  /** Wall-clock time, epoch milliseconds. For timestamps on records; may jump. */
  nowMs(): number;
  /**
   * Monotonic milliseconds (fractional) from an arbitrary origin. For durations and deadlines only.
   * With realClock the origin is per thread (performance.timeOrigin of that thread), so values
   * from different worker threads are not comparable; send wall time across threads instead.
   */
  monoMs(): number;
}

/** The process clock: Date.now() and performance.now(). */
export const realClock: Clock = {
  nowMs: () => Date.now(),
  monoMs: () => performance.now(),
};

/**
 * Monotonic nanoseconds comparable ACROSS threads of one process: every thread's performance
 * clock is offset by its own timeOrigin, so timeOrigin + now() is a process-wide timeline. Used
 * for latency stamps that one thread writes into a tick record and another reads.
 */
export function sharedMonoNs(): number {
  return (performance.timeOrigin + performance.now()) * 1e6;
}

/** Default wall time of a FakeClock: 2024-01-01T00:00:00Z, a fixed, recognisable instant. */
export const FAKE_CLOCK_EPOCH_MS = 1_704_067_200_000;

/**
 * A manually driven clock for tests. advance() moves both clocks together, as real time does;
 * set() moves only the wall clock, as an NTP step or a manual change would.
 */
export class FakeClock implements Clock {
  private wall: number;
  private mono: number;

  /** @param wallMs initial wall time (epoch ms); @param monoMs initial monotonic reading. */
  constructor(wallMs: number = FAKE_CLOCK_EPOCH_MS, monoMs = 0) {
    if (!Number.isFinite(wallMs) || !Number.isFinite(monoMs)) {
      throw new RangeError(`FakeClock: expected finite start times, was wall=${wallMs} mono=${monoMs}`);
    }
    this.wall = wallMs;
    this.mono = monoMs;
  }

  /** Wall time, epoch ms. */
  nowMs(): number {
    return this.wall;
  }

  /** Monotonic time, ms. */
  monoMs(): number {
    return this.mono;
  }

  /** Lets `ms` milliseconds pass on both clocks. Time cannot run backwards, so ms must be ≥ 0. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`FakeClock.advance: expected ms >= 0, was ${ms}`);
    this.wall += ms;
    this.mono += ms;
  }

  /** Sets the wall clock only (it may go backwards); the monotonic clock is unaffected. */
  set(wallMs: number): void {
    if (!Number.isFinite(wallMs)) throw new RangeError(`FakeClock.set: expected a finite epoch ms, was ${wallMs}`);
    this.wall = wallMs;
  }
}
