// Paper broker configuration. PURE. `PaperConfig` mirrors the original PAPER_TRADING__* settings in
// their original units (percent, rupees) so the config file reads the same; `resolvePaperConfig`
// converts once to integers (ppm, paise) and the broker never sees a float money value again.

import type { Paise } from '../types.js';

/** Paper broker settings (docs/original-system.md §10, camelCased), plus a few of our own. */
export interface PaperConfig {
  /** Adverse price move per fill, percent (0.05 = 5 bp). */
  readonly slippagePercent: number;
  /** Commission per fill, percent of notional (0.1 = 10 bp). */
  readonly commissionPercent: number;
  /** Starting cash per strategy, rupees. */
  readonly startingCash: number;
  /** Probability in [0, 1] that an execution is split into several fills. */
  readonly partialFillProb: number;
  /** Maximum number of fills an execution may be split into. */
  readonly maxPartials: number;
  /** Minimum order quantity (at least 1 is always enforced). */
  readonly minQuantity: number;
  /** Maximum order quantity; null = unlimited. */
  readonly maxQuantity: number | null;
  /** Minimum reference price, rupees. */
  readonly minPrice: number;
  /** Maximum reference price, rupees; null (or ≤ 0) = unlimited. */
  readonly maxPrice: number | null;
  /** Instrument tokens allowed to trade; empty = all. */
  readonly allowedInstruments: readonly number[];
  /** Cap on a position's notional (held qty × fill price) after a BUY, rupees; null = none. */
  readonly maxPositionNotional: number | null;
  /** Mixed into every order's RNG seed; '' = the signal key alone. */
  readonly seed: string;
  /** Tick size used when the caller does not pass one, paise (NSE equity: 5). */
  readonly defaultTickSize: Paise;
  /** Signal keys older than this (relative to `endOfDay` time) are forgotten, ms. */
  readonly dedupRetentionMs: number;
  /** Hard cap on remembered signal keys; the oldest are forgotten first. */
  readonly maxKnownKeys: number;
}

/** Defaults: the original's values, 5-paise ticks, 7 days / 100k keys of idempotency memory. */
export const defaultPaperConfig: PaperConfig = {
  slippagePercent: 0.05,
  commissionPercent: 0.1,
  startingCash: 1_000_000,
  partialFillProb: 0,
  maxPartials: 3,
  minQuantity: 1,
  maxQuantity: null,
  minPrice: 0,
  maxPrice: null,
  allowedInstruments: [],
  maxPositionNotional: null,
  seed: '',
  defaultTickSize: 5,
  dedupRetentionMs: 7 * 24 * 3600 * 1000,
  // Bounded because the whole book is saved with every commit: older keys are covered by the
  // dedup horizon (signals at or before the newest forgotten key are refused)
  maxKnownKeys: 2048,
};

/** The integer form the broker works with. */
export interface PaperParams {
  readonly slippagePpm: number;
  readonly commissionPpm: number;
  readonly startingCash: Paise;
  readonly partialFillProb: number;
  readonly maxPartials: number;
  readonly minQuantity: number;
  readonly maxQuantity: number | null;
  readonly minPrice: Paise;
  readonly maxPrice: Paise | null;
  readonly allowedInstruments: ReadonlySet<number>;
  readonly maxPositionNotional: Paise | null;
  readonly seed: string;
  readonly defaultTickSize: Paise;
  readonly dedupRetentionMs: number;
  readonly maxKnownKeys: number;
}

/** Percent to parts per million, rounded to the nearest integer (0.05 % → 500 ppm). */
export function percentToPpm(percent: number): number {
  return Math.round(percent * 10_000);
}

/** Rupees to paise, rounded to the nearest paisa. */
export function rupeesToPaise(rupees: number): Paise {
  return Math.round(rupees * 100);
}

/** Merges `config` over the defaults and converts to integer units. */
export function resolvePaperConfig(config: Partial<PaperConfig> = {}): PaperParams {
  const c: PaperConfig = { ...defaultPaperConfig, ...config };
  return {
    slippagePpm: percentToPpm(c.slippagePercent),
    commissionPpm: percentToPpm(c.commissionPercent),
    startingCash: rupeesToPaise(c.startingCash),
    partialFillProb: c.partialFillProb,
    maxPartials: c.maxPartials,
    minQuantity: Math.max(1, c.minQuantity),
    maxQuantity: c.maxQuantity,
    minPrice: rupeesToPaise(c.minPrice),
    maxPrice: c.maxPrice !== null && c.maxPrice > 0 ? rupeesToPaise(c.maxPrice) : null,
    allowedInstruments: new Set(c.allowedInstruments),
    maxPositionNotional: c.maxPositionNotional === null ? null : rupeesToPaise(c.maxPositionNotional),
    seed: c.seed,
    defaultTickSize: Math.max(1, c.defaultTickSize),
    dedupRetentionMs: c.dedupRetentionMs,
    maxKnownKeys: Math.max(1, c.maxKnownKeys),
  };
}
