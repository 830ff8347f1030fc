// The simulated clock's calendar: the strategy runner's market-hours gate and the trading engine's
// session end, both as functions of tick time (the actor pipeline uses its wall clock for the
// latter; a backtest has only tick time). PURE. Same rules as src/services/strategy/gate.ts and
// src/services/engine/session.ts, built on src/domain/market-hours.
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

// A finite holiday list cannot hide every trading day of a 3-week window
const LOOKAHEAD_DAYS = 21;

/**
 * The first session end strictly after `epochMs`: 15:30 IST of a trading day, or IST midnight
 * when 24x7. A tick stamped exactly 15:30:00.000 still belongs to the session (it is open then).
 * Returns +Infinity when no trading day follows within the look-ahead window.
 */
export function nextSessionEnd(epochMs: number, cal: BacktestCalendar): number {
  const today = istDayNumber(epochMs);
  if (cal.market24x7) return istDayStartMs(today + 1);
  const holidays = cal.holidays ?? [];
  for (let d = today; d <= today + LOOKAHEAD_DAYS; d++) {
    const start = istDayStartMs(d);
    const end = start + CLOSE_MS;
    if (end > epochMs && isTradingDay(start, { holidays })) return end;
  }
  return Number.POSITIVE_INFINITY;
}
