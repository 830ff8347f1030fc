// PURE restart-intensity bookkeeping, as OTP's supervisor: a sliding window of restart times; more
// than `maxRestarts` inside `periodMs` means the supervisor gives up. Also the backoff schedule.

export interface Intensity {
  readonly maxRestarts: number;
  readonly periodMs: number;
}

export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Restart times (ms, ascending) still inside the window. */
export type RestartWindow = readonly number[];

export interface WindowVerdict {
  readonly window: RestartWindow;
  /** True when this restart would exceed the intensity: the supervisor must shut down. */
  readonly exceeded: boolean;
}

/** Records a restart at `nowMs`; entries older than `periodMs` slide out (OTP semantics). */
export function recordRestart(window: RestartWindow, nowMs: number, intensity: Intensity): WindowVerdict {
  const from = nowMs - intensity.periodMs;
  const kept = window.filter((t) => t > from);
  kept.push(nowMs);
  return { window: kept, exceeded: kept.length > intensity.maxRestarts };
}

/**
 * Delay before the `attempt`-th restart inside the current window (1-based): exponential from
 * `baseMs`, capped at `maxMs`, scaled by jitter in [0.5, 1] so restarted siblings do not stampede.
 * `jitter01` is a uniform number in [0, 1) supplied by the caller (seam for deterministic tests).
 */
export function backoffDelay(attempt: number, backoff: Backoff, jitter01: number): number {
  const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + jitter01 / 2));
}
