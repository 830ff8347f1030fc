// Random but well-formed order-book snapshots and trade sizes for the synthetic feed. PURE.
// Invariants: bids strictly descending, asks strictly ascending, every price > 0 and on the tick
// grid, best bid <= ltp <= best ask, best bid < best ask, 1 <= orders <= quantity / lot.

import { gaussian, randInt, type Rng } from '../rng.js';
import type { DepthLevel, Paise } from '../types.js';

/** Levels per side, as in Kite FULL mode. */
export const DEPTH_LEVELS = 5;

/** Both sides of a synthetic book plus the total resting quantities. */
export interface SyntheticBook {
  readonly buy: readonly DepthLevel[];
  readonly sell: readonly DepthLevel[];
  /** Total resting buy quantity: the visible 5 levels plus hidden deeper orders. */
  readonly buyQty: number;
  readonly sellQty: number;
}

/** Log-normal lot count with median e^mu, at least 1 and capped so sums stay small integers. */
function lots(rng: Rng, mu: number, sigma: number): number {
  return Math.min(100_000, Math.max(1, Math.round(Math.exp(mu + sigma * gaussian(rng)))));
}

/** Size of one trade in shares: log-normal lots (median ≈ 20 lots, long right tail). */
export function tradeQuantity(rng: Rng, lotSize: number): number {
  return lots(rng, 3, 1) * lotSize;
}

function level(rng: Rng, price: Paise, lotSize: number): DepthLevel {
  const n = lots(rng, 4, 0.8);
  return { price, quantity: n * lotSize, orders: randInt(rng, 1, Math.min(n, 40)) };
}

/**
 * A book around `ltp`: the spread is 1 tick (70%) or 2 ticks, placed so the ltp lies inside it;
 * deeper levels step one tick away. Bid levels that would reach a price <= 0 are omitted (the best
 * bid always exists, given ltp >= one tick).
 */
export function syntheticBook(rng: Rng, ltp: Paise, tick: Paise, lotSize: number): SyntheticBook {
  const spreadTicks = rng.next() < 0.7 ? 1 : 2;
  // The best bid never drops below one tick, so even a 1-tick stock shows a bid
  const bestBid = ltp - randInt(rng, 0, Math.min(spreadTicks, Math.floor((ltp - tick) / tick))) * tick;
  const bestAsk = bestBid + spreadTicks * tick;
  const buy: DepthLevel[] = [];
  const sell: DepthLevel[] = [];
  let buyQty = 0;
  let sellQty = 0;
  for (let i = 0; i < DEPTH_LEVELS; i++) {
    const bidPrice = bestBid - i * tick;
    if (bidPrice > 0) {
      const b = level(rng, bidPrice, lotSize);
      buy.push(b);
      buyQty += b.quantity;
    }
    const s = level(rng, bestAsk + i * tick, lotSize);
    sell.push(s);
    sellQty += s.quantity;
  }
  // Kite's totals cover the whole book, not only the 5 visible levels
  buyQty += lots(rng, 6, 1) * lotSize;
  sellQty += lots(rng, 6, 1) * lotSize;
  return { buy, sell, buyQty, sellQty };
}
