// India Standard Time calendar arithmetic on epoch milliseconds. PURE, no Intl, no Date.
// IST is a fixed UTC+05:30 with no daylight saving, so every IST day is exactly 86 400 000 ms and
// integer arithmetic on (epochMs + offset) is exact.

import { daysFromCivil, formatIsoDate, parseIsoDate } from './calendar.js';

/** IST offset from UTC in milliseconds (+05:30). */
export const IST_OFFSET_MS = 19_800_000;
/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

/** Day of week in IST: 0 = Sunday ... 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** IST calendar day number (days since 1970-01-01 in IST) containing `epochMs`. */
export function istDayNumber(epochMs: number): number {
  return Math.floor((epochMs + IST_OFFSET_MS) / DAY_MS);
}

/** Milliseconds elapsed since IST midnight, in [0, 86 400 000). */
export function istTimeOfDayMs(epochMs: number): number {
  const t = (epochMs + IST_OFFSET_MS) % DAY_MS;
  return t < 0 ? t + DAY_MS : t;
}

/** Epoch ms of IST midnight starting day number `day`. */
export function istDayStartMs(day: number): number {
  return day * DAY_MS - IST_OFFSET_MS;
}

/** IST weekday of a day number (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): Weekday {
  return (((day + 4) % 7) + 7) % 7 as Weekday;
}

/** IST weekday at `epochMs`. */
export function istWeekday(epochMs: number): Weekday {
  return weekdayOfDay(istDayNumber(epochMs));
}

/** The IST calendar date at `epochMs` as `YYYY-MM-DD` (the exchange's trading-day key). */
export function tradingDay(epochMs: number): string {
  return formatIsoDate(istDayNumber(epochMs));
}

/** Clock time (hours, minutes) as milliseconds after midnight. */
export function clockMs(hours: number, minutes: number): number {
  return (hours * 60 + minutes) * 60_000;
}

/**
 * Epoch ms of an IST wall-clock time: `date` is `YYYY-MM-DD`, `timeOfDayMs` ms after midnight.
 * Returns undefined for an invalid date.
 */
export function istEpochMs(date: string, timeOfDayMs: number): number | undefined {
  const day = parseIsoDate(date);
  return day === undefined ? undefined : istDayStartMs(day) + timeOfDayMs;
}

/** Epoch ms of IST midnight for a civil date (no validation; for tests and fixtures). */
export function istMidnightMs(y: number, m: number, d: number): number {
  return istDayStartMs(daysFromCivil(y, m, d));
}
