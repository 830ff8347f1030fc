// NSE session calendar (docs/original-system.md §9.7) as pure functions of epoch ms. PURE.
// Sessions in IST: pre-open [09:00, 09:15), regular [09:15, 15:30] (15:30:00.000 still open),
// optional lunch [12:30, 13:30). Precedence: 24x7 > weekend > holiday > pre_open > lunch > open > closed.

import { clockMs, istDayNumber, istDayStartMs, istTimeOfDayMs, tradingDay, weekdayOfDay } from './ist.js';
import { formatIsoDate } from './calendar.js';

/** Market session state at an instant. */
export type MarketStatus = 'weekend' | 'holiday' | 'pre_open' | 'open' | 'lunch_break' | 'closed';

/** Session knobs; all optional, defaults match the original (no holidays, lunch not enforced). */
export interface MarketHoursOptions {
  /** Treat the market as always open (development / synthetic feeds). */
  readonly market24x7?: boolean;
  /** Exchange holidays as IST dates `YYYY-MM-DD`; malformed entries simply never match. */
  readonly holidays?: readonly string[];
  /** Report 12:30–13:30 as `lunch_break` (closed). NSE has no lunch break; the original had the flag. */
  readonly enforceLunch?: boolean;
}

/** Pre-open session start, ms after IST midnight (09:00). */
export const PRE_OPEN_MS = clockMs(9, 0);
/** Regular session start, ms after IST midnight (09:15). */
export const OPEN_MS = clockMs(9, 15);
/** Lunch start when enforced (12:30). */
export const LUNCH_START_MS = clockMs(12, 30);
/** Lunch end when enforced (13:30). */
export const LUNCH_END_MS = clockMs(13, 30);
/** Regular session end, inclusive (15:30). */
export const CLOSE_MS = clockMs(15, 30);

const NO_OPTIONS: MarketHoursOptions = {};

/** True when IST day number `day` is neither a weekend nor a listed holiday. */
function isTradingDayNumber(day: number, opts: MarketHoursOptions): boolean {
  const wd = weekdayOfDay(day);
  if (wd === 0 || wd === 6) return false;
  return !(opts.holidays?.includes(formatIsoDate(day)) ?? false);
}

/** Session state at `nowMs` (epoch ms). */
export function marketStatus(nowMs: number, opts: MarketHoursOptions = NO_OPTIONS): MarketStatus {
  if (opts.market24x7 === true) return 'open';
  const wd = weekdayOfDay(istDayNumber(nowMs));
  if (wd === 0 || wd === 6) return 'weekend';
  if (opts.holidays?.includes(tradingDay(nowMs)) ?? false) return 'holiday';
  const t = istTimeOfDayMs(nowMs);
  if (t >= PRE_OPEN_MS && t < OPEN_MS) return 'pre_open';
  if (t >= OPEN_MS && t <= CLOSE_MS) {
    const lunch = opts.enforceLunch === true && t >= LUNCH_START_MS && t < LUNCH_END_MS;
    return lunch ? 'lunch_break' : 'open';
  }
  return 'closed';
}

/** Whether ticks should flow to strategies: OPEN or PRE_OPEN, as in the original. */
export function isMarketOpen(nowMs: number, opts: MarketHoursOptions = NO_OPTIONS): boolean {
  const s = marketStatus(nowMs, opts);
  return s === 'open' || s === 'pre_open';
}

/** Whether the IST date containing `nowMs` is a trading day (not weekend, not a holiday). */
export function isTradingDay(nowMs: number, opts: MarketHoursOptions = NO_OPTIONS): boolean {
  return opts.market24x7 === true || isTradingDayNumber(istDayNumber(nowMs), opts);
}

/**
 * Earliest instant at or after `nowMs` at which the regular session (re)starts: 09:15 IST of the
 * next trading day, or 13:30 when inside an enforced lunch break. With `market24x7` it is `nowMs`.
 * Always terminates: a finite holiday list can only skip finitely many days.
 */
export function nextMarketOpen(nowMs: number, opts: MarketHoursOptions = NO_OPTIONS): number {
  if (opts.market24x7 === true) return nowMs;
  const today = istDayNumber(nowMs);
  const t = istTimeOfDayMs(nowMs);
  const maxDays = 7 * ((opts.holidays?.length ?? 0) + 2);
  for (let k = 0; k <= maxDays; k++) {
    const day = today + k;
    if (!isTradingDayNumber(day, opts)) continue;
    if (k > 0 || t <= OPEN_MS) return istDayStartMs(day) + OPEN_MS;
    if (opts.enforceLunch === true && t >= LUNCH_START_MS && t < LUNCH_END_MS) return istDayStartMs(day) + LUNCH_END_MS;
  }
  // Unreachable: within 7 * (holidays + 2) days there is always a weekday that is not a holiday
  return istDayStartMs(today + maxDays + 1) + OPEN_MS;
}

/** Milliseconds until {@link isMarketOpen} next holds; 0 when it holds now. */
export function msUntilMarketOpen(nowMs: number, opts: MarketHoursOptions = NO_OPTIONS): number {
  if (isMarketOpen(nowMs, opts)) return 0;
  const next = nextMarketOpen(nowMs, opts);
  const preOpen = next - (OPEN_MS - PRE_OPEN_MS);
  // Pre-open counts as open, so a morning open is reached 15 minutes earlier (not after lunch)
  const reach = istTimeOfDayMs(next) === OPEN_MS && preOpen >= nowMs ? preOpen : next;
  return Math.max(0, reach - nowMs);
}

/** Epoch ms of 15:30 IST on the IST date containing `nowMs` (the DAY-order expiry instant). */
export function sessionEnd(nowMs: number): number {
  return istDayStartMs(istDayNumber(nowMs)) + CLOSE_MS;
}

/** Epoch ms of 09:15 IST on the IST date containing `nowMs`. */
export function sessionStart(nowMs: number): number {
  return istDayStartMs(istDayNumber(nowMs)) + OPEN_MS;
}

/** Length of the regular session in ms (6 h 15 min). */
export const SESSION_MS = CLOSE_MS - OPEN_MS;
