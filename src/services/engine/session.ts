// When the engine runs its session end (DAY orders expire). NSE calendar: once per trading day at
// 15:30 IST; 24x7 markets: once per IST day at midnight. A missed session end (engine down at the
// time) runs once at the next check, at the latest due instant: one run expires everything.
import { istDayNumber, istDayStartMs, isTradingDay, sessionEnd } from '../../domain/market-hours/index.js';

/** Calendar knobs (config.feed.market24x7 and config.feed.holidays). */
export interface SessionCalendar {
  readonly market24x7: boolean;
  readonly holidays: readonly string[];
}

/** A session end to run: the IST day it closes and the instant (epoch ms) it happened. */
export interface EndOfDayDue {
  readonly day: number;
  readonly ts: number;
}

// A finite holiday list cannot hide every trading day of a 3-week window
const LOOKBACK_DAYS = 21;

/** The latest session end at or before `nowMs`, or null when none in the look-back window. */
export function latestEndOfDay(nowMs: number, cal: SessionCalendar): EndOfDayDue | null {
  const today = istDayNumber(nowMs);
  if (cal.market24x7) return { day: today - 1, ts: istDayStartMs(today) };
  for (let d = today; d > today - LOOKBACK_DAYS; d--) {
    const start = istDayStartMs(d);
    const end = sessionEnd(start);
    if (end <= nowMs && isTradingDay(start, { holidays: cal.holidays })) return { day: d, ts: end };
  }
  return null;
}

/** The session end due now, given the last one handled (null = none yet), or null. */
export function dueEndOfDay(nowMs: number, lastEodDay: number | null, cal: SessionCalendar): EndOfDayDue | null {
  const due = latestEndOfDay(nowMs, cal);
  if (due === null || (lastEodDay !== null && due.day <= lastEodDay)) return null;
  return due;
}

/** The feed settings that decide which clock session ends follow (tests may pass none). */
export interface SessionClockInput {
  readonly source?: string;
  readonly syntheticSessionMs?: number;
}

/**
 * Whether session ends follow the ticks' own timestamps: replays (the file's days decide) and the
 * synthetic feed in compressed sessions (its session clock runs a trading day in a few minutes).
 * Otherwise — a synthetic feed on the wall clock — they follow the wall clock.
 */
export function sessionsFollowTickTime(feed: SessionClockInput | undefined): boolean {
  const source = feed?.source ?? 'synthetic';
  return source === 'replay' || (source === 'synthetic' && (feed?.syntheticSessionMs ?? 0) > 0);
}
