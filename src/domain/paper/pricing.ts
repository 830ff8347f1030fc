// Paper price and money arithmetic. PURE, integers only (paise, ppm, bp); products go through
// BigInt so nothing rounds silently past 2^53. Rounding rules, each applied in exactly one place:
// fees round half up to the paisa; slipped prices round ADVERSELY to the tick (BUY up, SELL down);
// limit prices round in the trader's favour-never-worse direction (BUY down, SELL up).

import type { Paise, Side } from '../types.js';

const PPM = 1_000_000n;
const BP = 10_000n;

// floor(a·b / d) or ceil(a·b / d) for non-negative a, b and positive d
function mulDiv(a: number, b: number, d: bigint, mode: 'floor' | 'ceil'): number {
  const n = BigInt(a) * BigInt(b);
  const q = n / d;
  return Number(mode === 'ceil' && q * d !== n ? q + 1n : q);
}

/** Commission for one fill: round-half-up(price·qty·ppm / 1e6) paise. */
export function feeFor(price: Paise, qty: number, commissionPpm: number): Paise {
  const x = BigInt(price) * BigInt(qty) * BigInt(commissionPpm);
  return Number((2n * x + PPM) / (2n * PPM));
}

/** Cash a BUY of `qty` at `price` consumes: price·qty + fees. */
export function buyCost(price: Paise, qty: number, commissionPpm: number): Paise {
  return price * qty + feeFor(price, qty, commissionPpm);
}

/** Largest qty with buyCost(price, qty) ≤ cash (fees included). */
export function maxAffordableQty(cash: Paise, price: Paise, commissionPpm: number): number {
  if (cash <= 0 || price <= 0) return 0;
  // The estimate ignores fee rounding (at most half a paisa), so a step or two of correction suffices
  let q = Number((BigInt(cash) * PPM) / (BigInt(price) * (PPM + BigInt(commissionPpm))));
  while (q > 0 && buyCost(price, q, commissionPpm) > cash) q--;
  while (buyCost(price, q + 1, commissionPpm) <= cash) q++;
  return q;
}

/** Rounds a non-negative price to a multiple of `tick`, up or down. */
export function roundToTick(price: Paise, tick: Paise, dir: 'up' | 'down'): Paise {
  return mulDiv(price, 1, BigInt(tick), dir === 'up' ? 'ceil' : 'floor') * tick;
}

/**
 * Market price moved against the trader by `slippagePpm`, rounded adversely to the tick:
 * BUY ceil(p·(1+s)), SELL floor(p·(1−s)). Never below one tick, so a fill is never free.
 */
export function slippedPrice(market: Paise, side: Side, slippagePpm: number, tick: Paise): Paise {
  const factor = side === 'BUY' ? 1_000_000 + slippagePpm : Math.max(0, 1_000_000 - slippagePpm);
  const price = mulDiv(market, factor, PPM * BigInt(tick), side === 'BUY' ? 'ceil' : 'floor') * tick;
  return Math.max(tick, price);
}

/** Fill price: the slipped market price, but never worse than the limit (when there is one). */
export function fillPriceFor(market: Paise, side: Side, limit: Paise | null, slippagePpm: number, tick: Paise): Paise {
  const slipped = slippedPrice(market, side, slippagePpm, tick);
  if (limit === null) return slipped;
  return side === 'BUY' ? Math.min(slipped, limit) : Math.max(slipped, limit);
}

/** A limit is marketable when BUY market ≤ limit, SELL market ≥ limit. */
export function crosses(side: Side, market: Paise, limit: Paise): boolean {
  return side === 'BUY' ? market <= limit : market >= limit;
}

/** A stop triggers when BUY market ≥ stop, SELL market ≤ stop. */
export function stopTriggered(side: Side, market: Paise, stop: Paise): boolean {
  return side === 'BUY' ? market >= stop : market <= stop;
}

/** Take-profit / stop-loss levels of a long position entered at `entry`. */
export interface BracketLevels {
  readonly takeProfit: Paise | null;
  readonly stopLoss: Paise | null;
}

/**
 * Levels `entry·(1 + tp/1e4)` and `entry·(1 − sl/1e4)`, rounded to the tick away from the entry
 * (TP up, SL down) so a level is never tighter than asked. A non-positive bps (or an SL at or
 * below zero) means "no such leg".
 */
export function bracketLevels(entry: Paise, takeProfitBps: number, stopLossBps: number, tick: Paise): BracketLevels {
  // Instructions may carry fractional bp (a percent converted upstream); whole bp are precise enough
  const tpBps = Math.round(takeProfitBps);
  const slBps = Math.round(stopLossBps);
  const takeProfit =
    tpBps > 0 ? mulDiv(entry, 10_000 + tpBps, BP * BigInt(tick), 'ceil') * tick : null;
  const slRaw = slBps > 0 && slBps < 10_000 ? mulDiv(entry, 10_000 - slBps, BP * BigInt(tick), 'floor') * tick : 0;
  return { takeProfit, stopLoss: slRaw > 0 ? slRaw : null };
}
