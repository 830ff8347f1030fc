// Market-hours gate of the strategy runner (original-system.md §9.7): ticks reach strategies only
// while the market is OPEN or PRE_OPEN at the tick's time. The calendar rules stay in
// src/domain/market-hours; this adds a per-IST-day holiday cache so the per-tick check does not
// format a date string for every tick (the tick path is allocation-free).
import { isMarketOpen, istDayNumber, istDayStartMs, marketStatus, OPEN_MS, type MarketHoursOptions } from '../../domain/market-hours/index.js';

/** Calendar settings of the gate (config.feed.market24x7 / config.feed.holidays). */
export interface GateOptions {
  readonly market24x7: boolean;
  readonly holidays: readonly string[];
}

/** Returns whether the market is open at an epoch-ms instant. Stateful only through its cache. */
export type MarketGate = (epochMs: number) => boolean;

/** Builds the gate; equivalent to `isMarketOpen(ts, opts)` for every `ts`. */
export function createMarketGate(opts: GateOptions): MarketGate {
  if (opts.market24x7) return () => true;
  const full: MarketHoursOptions = { holidays: opts.holidays };
  // Without holidays, isMarketOpen never formats the date: the holiday test is done once per day
  const noHolidays: MarketHoursOptions = {};
  let cachedDay = Number.NaN;
  let holiday = false;
  return (epochMs) => {
    const day = istDayNumber(epochMs);
    if (day !== cachedDay) {
      cachedDay = day;
      holiday = opts.holidays.length > 0 && marketStatus(istDayStartMs(day) + OPEN_MS, full) === 'holiday';
    }
    return !holiday && isMarketOpen(epochMs, noHolidays);
  };
}
