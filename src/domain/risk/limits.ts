// Risk limits (all configurable), rule names and the IST trading-day helper. PURE.
// Money limits are integer paise; the price deviation is a fraction, compared exactly in integer
// parts-per-million so a deviation of exactly the limit passes on every platform.

import type { Paise } from '../types.js';

/** Names of the risk rules, in evaluation order; every verdict has a check for each. */
export const RULE_NAMES = [
  'MaxPositionSize',
  'MaxDailyTrades',
  'PriceLimit',
  'MaxOrderNotional',
  'DailyLossLimit',
  'KillSwitch',
  'TradableInstrument',
] as const;

/** One risk rule's name. */
export type RuleName = (typeof RULE_NAMES)[number];

/** Configurable limits of the risk rules (one set per broker, or shared). */
export interface RiskLimits {
  /** Max |net position| per (strategy, token) after the order, in units. */
  readonly maxPosition: number;
  /** Max validated signals per (strategy, IST trading day). */
  readonly maxDailyTrades: number;
  /** Max |signal price − last tick| / last tick, as a fraction (0.10 = 10%). */
  readonly maxPriceDeviation: number;
  /** Max quantity × price of one order, paise. */
  readonly maxOrderNotional: Paise;
  /** Daily net realized loss (fees included) at which exposure-increasing orders stop, paise (> 0). */
  readonly dailyLossLimit: Paise;
}

/** Defaults: 1000 units, 50 trades/day, 10%, ₹5,000,000 notional, ₹100,000 daily loss. */
export const DEFAULT_RISK_LIMITS: RiskLimits = {
  maxPosition: 1000,
  maxDailyTrades: 50,
  maxPriceDeviation: 0.1,
  maxOrderNotional: 500_000_000,
  dailyLossLimit: 10_000_000,
};

/** IST is UTC+5:30 with no daylight saving, so the trading day is a fixed offset from UTC. */
const IST_OFFSET_MS = 19_800_000;
const DAY_MS = 86_400_000;

/** Trading day (days since 1970-01-01 in IST) of an epoch-ms timestamp. */
export function istDay(tsMs: number): number {
  return Math.floor((tsMs + IST_OFFSET_MS) / DAY_MS);
}

/** ISO date (YYYY-MM-DD) of an IST day number, for messages and keys. */
export function istDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
