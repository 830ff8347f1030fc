// Per-instrument and per-day breakdowns of round trips. PURE. A trip belongs to the IST day on
// which it closed (its exit fill), as freqtrade's `--breakdown day` counts closed trades.
import { tradingDay } from '../market-hours/ist.js';
import { addExact } from '../portfolio/money.js';
import type { Paise } from '../types.js';
import type { RoundTrip } from './round-trips.js';

export interface BreakdownRow {
  /** The instrument token (as a string) or the IST date YYYY-MM-DD. */
  readonly key: string;
  readonly roundTrips: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  readonly grossPnl: Paise;
  readonly fees: Paise;
  readonly netPnl: Paise;
}

function breakdown(trips: readonly RoundTrip[], keyOf: (t: RoundTrip) => string, order: (a: string, b: string) => number): BreakdownRow[] {
  const rows = new Map<string, { roundTrips: number; wins: number; losses: number; grossPnl: Paise; fees: Paise; netPnl: Paise }>();
  for (const t of trips) {
    const k = keyOf(t);
    const r = rows.get(k) ?? { roundTrips: 0, wins: 0, losses: 0, grossPnl: 0, fees: 0, netPnl: 0 };
    r.roundTrips++;
    if (t.netPnl > 0) r.wins++;
    else if (t.netPnl < 0) r.losses++;
    r.grossPnl = addExact(r.grossPnl, t.grossPnl, 'breakdown');
    r.fees = addExact(r.fees, t.fees, 'breakdown');
    r.netPnl = addExact(r.netPnl, t.netPnl, 'breakdown');
    rows.set(k, r);
  }
  return [...rows]
    .sort((a, b) => order(a[0], b[0]))
    .map(([key, r]) => ({ key, ...r, winRate: r.roundTrips === 0 ? null : r.wins / r.roundTrips }));
}

/** One row per instrument token, ascending. */
export function byInstrument(trips: readonly RoundTrip[]): BreakdownRow[] {
  return breakdown(trips, (t) => String(t.token), (a, b) => Number(a) - Number(b));
}

/** One row per IST day a trip closed on, ascending. */
export function byDay(trips: readonly RoundTrip[]): BreakdownRow[] {
  return breakdown(trips, (t) => tradingDay(t.exitTs), (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
