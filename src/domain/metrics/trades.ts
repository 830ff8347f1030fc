// Figures over a list of round trips: win rate, average win and loss, profit factor, expectancy,
// best and worst trade. PURE. A win is a trip whose NET PnL (after its fees) is > 0, a loss one
// whose net PnL is < 0; a trip at exactly 0 is neither. Ratios over an empty set are null,
// never 0 or NaN, so "no trades" cannot read as "0 % wins".
import { addExact } from '../portfolio/money.js';
import type { Paise } from '../types.js';
import type { RoundTrip } from './round-trips.js';

export interface TradeStats {
  readonly roundTrips: number;
  readonly wins: number;
  readonly losses: number;
  /** wins / roundTrips; null without trips. */
  readonly winRate: number | null;
  /** Σ net PnL of the wins (≥ 0) and of the losses (≤ 0), paise. */
  readonly grossWin: Paise;
  readonly grossLoss: Paise;
  /** Σ net PnL of every trip, paise. */
  readonly netPnl: Paise;
  readonly fees: Paise;
  /** Mean net PnL of a win / of a loss, paise (fractional); null without any. */
  readonly avgWin: number | null;
  readonly avgLoss: number | null;
  /** grossWin / |grossLoss|; null when there is no loss (unbounded) or no trip. */
  readonly profitFactor: number | null;
  /** Mean net PnL per trip, paise (fractional); null without trips. */
  readonly expectancy: number | null;
  readonly best: RoundTrip | null;
  readonly worst: RoundTrip | null;
  /** Mean holding time, ms; null without trips. */
  readonly avgDurationMs: number | null;
}

export function tradeStats(trips: readonly RoundTrip[]): TradeStats {
  let wins = 0;
  let losses = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let fees = 0;
  let duration = 0;
  let best: RoundTrip | null = null;
  let worst: RoundTrip | null = null;
  for (const t of trips) {
    if (t.netPnl > 0) {
      wins++;
      grossWin = addExact(grossWin, t.netPnl, 'tradeStats');
    } else if (t.netPnl < 0) {
      losses++;
      grossLoss = addExact(grossLoss, t.netPnl, 'tradeStats');
    }
    fees = addExact(fees, t.fees, 'tradeStats');
    duration += t.durationMs;
    // Ties keep the earlier trip, so the choice is deterministic
    if (best === null || t.netPnl > best.netPnl) best = t;
    if (worst === null || t.netPnl < worst.netPnl) worst = t;
  }
  const n = trips.length;
  const netPnl = grossWin + grossLoss;
  return {
    roundTrips: n,
    wins,
    losses,
    winRate: n === 0 ? null : wins / n,
    grossWin,
    grossLoss,
    netPnl,
    fees,
    avgWin: wins === 0 ? null : grossWin / wins,
    avgLoss: losses === 0 ? null : grossLoss / losses,
    profitFactor: losses === 0 || n === 0 ? null : grossWin / -grossLoss,
    expectancy: n === 0 ? null : netPnl / n,
    best,
    worst,
    avgDurationMs: n === 0 ? null : duration / n,
  };
}
