// The simulated clock's calendar: the strategy runner's market-hours gate and the trading engine's
// session end, both on tick time exactly as the pipeline runs them in a replay (the engine checks
// for a due session end on its ticks, at most once per second of event time). PURE. Same rules as
// src/services/strategy/gate.ts and src/services/engine/session.ts, on src/domain/market-hours.
import { CLOSE_MS, isMarketOpen, isTradingDay, istDayNumber, istDayStartMs } from '../domain/market-hours/index.js';
import type { BacktestCalendar } from './types.js';

/** Whether ticks at an instant reach the strategies (OPEN or PRE_OPEN, or always when 24x7). */
export type SessionGate = (epochMs: number) => boolean;

/** The gate of `cal`; the holiday test runs once per IST day (no string per tick). */
export function createSessionGate(cal: BacktestCalendar): SessionGate {
  if (cal.market24x7) return () => true;
  const holidays = cal.holidays ?? [];
  let cachedDay = Number.NaN;
  let tradingDay = true;
  return (epochMs) => {
    const day = istDayNumber(epochMs);
    if (day !== cachedDay) {
      cachedDay = day;
      tradingDay = isTradingDay(epochMs, { holidays });
    }
    return tradingDay && isMarketOpen(epochMs);
  };
}

/** A session end: the IST day it closes and its instant (epoch ms). */
export interface SessionEnd {
  readonly day: number;
  readonly ts: number;
}

/** Event time between two session-end checks, as the engine's EOD_CHECK_MS. */
export const EOD_CHECK_MS = 1000;

// A finite holiday list cannot hide every trading day of a 3-week window
const LOOKBACK_DAYS = 21;

/** The latest session end at or before `nowMs` (15:30 IST of a trading day; IST midnight when 24x7). */
export function latestSessionEnd(nowMs: number, cal: BacktestCalendar): SessionEnd | null {
  const today = istDayNumber(nowMs);
  if (cal.market24x7) return { day: today - 1, ts: istDayStartMs(today) };
  const holidays = cal.holidays ?? [];
  for (let d = today; d > today - LOOKBACK_DAYS; d--) {
    const start = istDayStartMs(d);
    const end = start + CLOSE_MS;
    if (end <= nowMs && isTradingDay(start, { holidays })) return { day: d, ts: end };
  }
  return null;
}

/**
 * The venue's session clock. `due(ts)` is asked before each tick: at most once per EOD_CHECK_MS of
 * event time it returns the latest session end not yet run (the first check also closes the
 * session before the first tick, on a book that is still empty, exactly as the engine does).
 */
export class SessionClock {
  private nextCheck = Number.NEGATIVE_INFINITY;
  private lastDay: number | null = null;

  constructor(private readonly cal: BacktestCalendar) {}

  due(ts: number): SessionEnd | null {
    if (ts < this.nextCheck) return null;
    this.nextCheck = ts + EOD_CHECK_MS;
    const end = latestSessionEnd(ts, this.cal);
    if (end === null || (this.lastDay !== null && end.day <= this.lastDay)) return null;
    this.lastDay = end.day;
    return end;
  }
}
