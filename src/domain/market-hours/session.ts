// The trading calendar as the pipeline applies it, in one place: the market gate of the strategies
// (ticks reach them only while the market is OPEN or PRE_OPEN, docs/original-system.md §9.7) and the
// venue's session ends (DAY orders expire at 15:30 IST on a trading day; at IST midnight when the
// market is 24x7). Every topology and the backtest use these on the tick's own time. PURE.
import { istDayNumber, istDayStartMs } from './ist.js';
import { isMarketOpen, isTradingDay, marketStatus, OPEN_MS, sessionEnd, type MarketHoursOptions } from './status.js';

/** Calendar knobs (config.feed.market24x7 and config.feed.holidays). */
export interface SessionCalendar {
  /** Every instant is open and the session ends at IST midnight (synthetic feeds). */
  readonly market24x7: boolean;
  /** Exchange holidays, IST `YYYY-MM-DD` (none when absent). */
  readonly holidays?: readonly string[];
}

/** Whether a tick at an epoch-ms instant reaches the strategies. Stateful only through its cache. */
export type MarketGate = (epochMs: number) => boolean;

/**
 * The gate of `cal`; equivalent to `isMarketOpen(ts, { holidays })` for every `ts`. The holiday
 * test runs once per IST day, so the per-tick check formats no date string (allocation-free).
 */
export function createMarketGate(cal: SessionCalendar): MarketGate {
  if (cal.market24x7) return () => true;
  const holidays = cal.holidays ?? [];
  const full: MarketHoursOptions = { holidays };
  const noHolidays: MarketHoursOptions = {};
  let cachedDay = Number.NaN;
  let holiday = false;
  return (epochMs) => {
    const day = istDayNumber(epochMs);
    if (day !== cachedDay) {
      cachedDay = day;
      holiday = holidays.length > 0 && marketStatus(istDayStartMs(day) + OPEN_MS, full) === 'holiday';
    }
    return !holiday && isMarketOpen(epochMs, noHolidays);
  };
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
    if (end <= nowMs && isTradingDay(start, { holidays: cal.holidays ?? [] })) return { day: d, ts: end };
  }
  return null;
}

/** The session end due now, given the last one handled (null = none yet), or null. */
export function dueEndOfDay(nowMs: number, lastEodDay: number | null, cal: SessionCalendar): EndOfDayDue | null {
  const due = latestEndOfDay(nowMs, cal);
  if (due === null || (lastEodDay !== null && due.day <= lastEodDay)) return null;
  return due;
}

/** Event time between two session-end checks of a session clock. */
export const EOD_CHECK_MS = 1000;

/**
 * The venue's session clock on tick time. `due(ts)` is asked before each tick: at most once per
 * EOD_CHECK_MS of event time it returns the latest session end not yet run (a missed end runs once,
 * at its own instant: one run expires everything). The first check also closes the session before
 * the first tick, on a book that is still empty. `lastDay` is state: a restored clock continues.
 */
export class SessionClock {
  private nextCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cal: SessionCalendar,
    public lastDay: number | null = null,
  ) {}

  due(ts: number): EndOfDayDue | null {
    if (ts < this.nextCheck) return null;
    this.nextCheck = ts + EOD_CHECK_MS;
    const end = dueEndOfDay(ts, this.lastDay, this.cal);
    if (end !== null) this.lastDay = end.day;
    return end;
  }
}
