// Event-time clock of the synthetic feed when it runs in compressed sessions: each `sessionMs` of
// (monotonic) wall time is one trading day's session, opening at 09:15 IST, and the next session
// opens on the next trading day. Ticks carry this time, so everything keyed by tick time (risk's
// daily counters, the engine's session end, low_frequency_demo's daily cap) rolls over once per
// session and a demo keeps trading. PURE: the caller passes wall-time deltas in.
// Invariants: event time never goes backwards; it always lies inside [09:15, 09:15 + sessionMs) of
// a trading day of the calendar; a pause longer than MAX_STEP_MS is not counted (like downtime).

import { appError } from '../../errors.js';
import { istDayNumber, istDayStartMs } from '../market-hours/ist.js';
import { isTradingDay, OPEN_MS, SESSION_MS, type MarketHoursOptions } from '../market-hours/status.js';

/** Version tag of {@link SyntheticClockState}. */
export const SYNTHETIC_CLOCK_VERSION = 1;

/** Longest wall step counted at once: after a stall the clock resumes instead of skipping sessions. */
export const MAX_STEP_MS = 1000;

/** Longest session: it must fit in the regular NSE session (09:15–15:30 IST). */
export const MAX_SESSION_MS = SESSION_MS;

/** Shortest session (shorter ones would roll the day over several times per second). */
export const MIN_SESSION_MS = 1000;

/** Serializable clock position: the session's IST day and the time elapsed in it. */
export interface SyntheticClockState {
  readonly v: typeof SYNTHETIC_CLOCK_VERSION;
  /** IST day number (days since 1970-01-01 in IST) of the current session. */
  readonly day: number;
  /** Event time elapsed since the session opened, ms, in [0, sessionMs). */
  readonly elapsedMs: number;
}

/** A running session clock. */
export interface SyntheticClock {
  /** Advances by `wallDeltaMs` (clamped to [0, MAX_STEP_MS]) and returns the event time (epoch ms). */
  advance(wallDeltaMs: number): number;
  /** Current event time, epoch ms (an integer). */
  now(): number;
  /** Sessions started since creation (0 while the first one runs). */
  sessionsStarted(): number;
  exportState(): SyntheticClockState;
}

/** Options of {@link createSyntheticClock}. */
export interface SyntheticClockOptions {
  /** Wall ms per trading day, in [MIN_SESSION_MS, MAX_SESSION_MS]. */
  readonly sessionMs: number;
  /** Which days are trading days (24x7: every day). */
  readonly calendar: MarketHoursOptions;
  /** A stored position to continue from; when absent the clock starts at {@link firstSessionDay}. */
  readonly state?: SyntheticClockState;
  /**
   * Event time skipped when continuing `state`: a crash loses what happened after the last saved
   * state, so resuming a checkpoint period later never stamps a tick time that was already used.
   */
  readonly resumeGapMs?: number;
  /** Wall time at creation, epoch ms: picks the first session's day when there is no state. */
  readonly wallNowMs: number;
}

/** The first trading day strictly after the IST day of `dayNumber`. */
export function nextTradingDay(dayNumber: number, calendar: MarketHoursOptions): number {
  // A finite holiday list can only hide finitely many weekdays
  const maxDays = 7 * ((calendar.holidays?.length ?? 0) + 2);
  for (let d = dayNumber + 1; d <= dayNumber + maxDays; d++) {
    if (isTradingDay(istDayStartMs(d), calendar)) return d;
  }
  return dayNumber + maxDays + 1;
}

/**
 * Day of a fresh clock's first session: the first trading day AFTER today's wall date, so synthetic
 * event time starts later than anything stamped by the wall clock before (risk counters, fills and
 * the engine's last session end only move forward).
 */
export function firstSessionDay(wallNowMs: number, calendar: MarketHoursOptions): number {
  return nextTradingDay(istDayNumber(wallNowMs), calendar);
}

/** Structural check of a stored clock state. */
export function isSyntheticClockState(x: unknown): x is SyntheticClockState {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  return (
    s['v'] === SYNTHETIC_CLOCK_VERSION &&
    Number.isSafeInteger(s['day']) &&
    (s['day'] as number) > 0 &&
    Number.isSafeInteger(s['elapsedMs']) &&
    (s['elapsedMs'] as number) >= 0
  );
}

/** Throws ERR_CONFIG_INVALID unless `sessionMs` is an integer in [MIN_SESSION_MS, MAX_SESSION_MS]. */
export function checkSessionMs(sessionMs: number): void {
  if (!Number.isSafeInteger(sessionMs) || sessionMs < MIN_SESSION_MS || sessionMs > MAX_SESSION_MS) {
    throw appError('ERR_CONFIG_INVALID', { summary: `synthetic session must be ${MIN_SESSION_MS}..${MAX_SESSION_MS} ms, was ${sessionMs}` });
  }
}

/** Creates a session clock. Throws ERR_CONFIG_INVALID on a bad session length. */
export function createSyntheticClock(opts: SyntheticClockOptions): SyntheticClock {
  checkSessionMs(opts.sessionMs);
  const { sessionMs, calendar } = opts;
  let day = opts.state?.day ?? firstSessionDay(opts.wallNowMs, calendar);
  // A state saved with a longer session may sit past this session's end: start the next one
  let elapsed = opts.state === undefined ? 0 : opts.state.elapsedMs + Math.max(0, Math.floor(opts.resumeGapMs ?? 0));
  let sessions = 0;
  const roll = (): void => {
    while (elapsed >= sessionMs) {
      elapsed -= sessionMs;
      day = nextTradingDay(day, calendar);
      sessions++;
    }
  };
  roll();
  sessions = 0;
  // Fractions of a millisecond are carried so a fast driver's many small steps add up exactly
  let carry = 0;
  const now = (): number => istDayStartMs(day) + OPEN_MS + elapsed;

  return {
    advance(wallDeltaMs: number): number {
      const step = Number.isFinite(wallDeltaMs) ? Math.min(MAX_STEP_MS, Math.max(0, wallDeltaMs)) : 0;
      carry += step;
      const whole = Math.floor(carry);
      carry -= whole;
      elapsed += whole;
      roll();
      return now();
    },
    now,
    sessionsStarted: () => sessions,
    exportState: () => ({ v: SYNTHETIC_CLOCK_VERSION, day, elapsedMs: elapsed }),
  };
}
