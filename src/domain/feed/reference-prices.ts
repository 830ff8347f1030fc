// Plausible starting prices for the synthetic feed, in paise (divisor 100). PURE data.
// Levels are rounded 2024–25 NSE prices: realistic magnitudes matter (tick size vs price, order
// sizes), exact values do not. Every entry is a multiple of the default 5-paise tick.

import type { Paise } from '../types.js';
import { hash32 } from '../rng.js';

/** Reference (previous close) prices of the default instruments, paise. */
export const REFERENCE_PRICES: ReadonlyMap<number, Paise> = new Map<number, Paise>([
  [256265, 2_450_000], // NIFTY 50 ≈ ₹24,500 (index)
  [260105, 5_200_000], // NIFTY BANK ≈ ₹52,000 (index)
  [738561, 140_000], // RELIANCE
  [408065, 157_315], // INFY (₹1,573.15, the example of docs/original-system.md §12.1)
  [81153, 345_000], // TCS
  [1270529, 140_000], // ICICIBANK
  [492033, 210_000], // KOTAKBANK
  [2815745, 1_250_000], // MARUTI
  [4267265, 850_000], // BAJAJ-AUTO
  [177665, 150_000], // CIPLA
  [3861249, 140_000], // ADANIPORTS
  [225537, 125_000], // DRREDDY
  [1346049, 80_000], // INDUSINDBK
  [2939649, 360_000], // LT
  [140033, 560_000], // BRITANNIA
  [3050241, 2_000], // YESBANK ≈ ₹20: a low-priced stock where one tick is 25 bps
  [1195009, 310_000], // M&M
  [857857, 170_000], // SUNPHARMA
  [424961, 42_000], // ITC
  [2714625, 240_000], // HINDUNILVR
]);

/** Range of fallback prices for unknown tokens: ₹100 to ₹5,000. */
const FALLBACK_MIN: Paise = 10_000;
const FALLBACK_SPAN: Paise = 490_000;

/**
 * Starting price for `token`, in minor units, on the `tickSize` grid. Order of preference: the
 * table above, then `lastPrice` (e.g. the instruments dump's snapshot), then a deterministic
 * pseudo-price in [₹100, ₹5,000) derived from hash32 of the token, so unknown tokens get a stable,
 * plausible level without configuration. The result is always >= one tick.
 */
export function referencePrice(token: number, lastPrice?: Paise, tickSize: Paise = 5): Paise {
  const tick = Math.max(1, Math.floor(tickSize));
  const raw =
    REFERENCE_PRICES.get(token) ??
    (lastPrice !== undefined && lastPrice > 0 ? lastPrice : FALLBACK_MIN + (hash32(`ref:${token}`) % FALLBACK_SPAN));
  return Math.max(tick, Math.round(raw / tick) * tick);
}
