// Reconnect delays of the client SDK: capped exponential backoff with jitter, so a restarted
// gateway is not hit by every client in the same millisecond. Pure (the random source is passed in).

export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  readonly initialMs: number;
  /** Cap of the exponential part, ms. */
  readonly maxMs: number;
  /** Growth per failed attempt. */
  readonly factor: number;
  /** Fraction of the delay that is randomised: delay × (1 − jitter × random()). 0 = none, 1 = full. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.5 };

/**
 * Delay before retry number `attempt` (0 = first retry). Invariants: within
 * [base × (1 − jitter), base] where base = min(maxMs, initialMs × factor^attempt); never negative.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const base = Math.min(o.maxMs, o.initialMs * Math.pow(o.factor, Math.max(0, attempt)));
  const r = Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(base * (1 - o.jitter * r)));
}
