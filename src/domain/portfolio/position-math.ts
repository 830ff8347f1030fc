// Average-cost position arithmetic shared by the portfolio and the risk book. PURE.
// Invariants: qty and costBasis carry the same sign (both 0 when flat); a full close removes the
// whole cost basis exactly; a partial close removes round-half-away(costBasis*closed/|qty|), so
// realized PnL absorbs the rounding and cash = start + realized − costBasis − fees stays exact.

import type { Paise, Side } from '../types.js';
import { addExact, mulDivRound, mulExact } from './money.js';

/** The two numbers that define an average-cost position. */
export interface Lot {
  /** Signed quantity: > 0 long, < 0 short. */
  readonly qty: number;
  /** Signed total cost in paise, same sign as `qty` (0 when flat). */
  readonly costBasis: Paise;
}

/** A lot after one trade, plus the gross realized PnL that trade booked. */
export interface TradeOutcome extends Lot {
  /** Gross realized PnL of the closed part (fees excluded), paise. */
  readonly realized: Paise;
}

/**
 * Applies one trade of `quantity` (> 0) at `price` to a lot, average-cost method.
 * Increasing exposure adds `±price*quantity` to the cost basis; reducing it removes the rounded
 * pro-rata cost and books `sign(qty)*price*closed − removed`; crossing zero closes the whole lot
 * then opens the remainder at `price`. Conservation (tested): the signed cash notional of the
 * trade equals `realized − ΔcostBasis`, so no paisa is created or lost by rounding.
 * `ref` names the trade in overflow errors.
 */
export function applyTrade(lot: Lot, side: Side, quantity: number, price: Paise, ref: string): TradeOutcome {
  const dir = side === 'BUY' ? 1 : -1;
  const { qty, costBasis } = lot;
  if (qty === 0 || (qty > 0) === (dir > 0)) {
    const notional = mulExact(price, quantity, ref);
    return {
      qty: addExact(qty, dir * quantity, ref),
      costBasis: addExact(costBasis, dir * notional, ref),
      realized: 0,
    };
  }
  const held = Math.abs(qty);
  const posSign = qty > 0 ? 1 : -1;
  const closed = Math.min(quantity, held);
  // a full close removes exactly the cost basis, so a flat position always has costBasis 0
  const removed = closed === held ? costBasis : mulDivRound(costBasis, closed, held);
  const closedValue = posSign * mulExact(price, closed, ref);
  const realized = addExact(closedValue, -removed, ref);
  const opened = quantity - closed;
  if (opened === 0) {
    return { qty: qty - posSign * closed, costBasis: addExact(costBasis, -removed, ref), realized };
  }
  // crossing through zero: the old lot is gone, the remainder opens a fresh lot on the other side
  return { qty: dir * opened, costBasis: mulExact(price, dir * opened, ref), realized };
}

/**
 * True when an order of `quantity` on `side` only reduces the existing exposure `qty`
 * (opposite side and not crossing through zero). Used by the daily-loss and position rules.
 */
export function isReducing(qty: number, side: Side, quantity: number): boolean {
  if (qty === 0) return false;
  const opposite = qty > 0 ? side === 'SELL' : side === 'BUY';
  return opposite && quantity <= Math.abs(qty);
}

/** Average price of a lot in (possibly fractional) paise, for display only; 0 when flat. */
export function averagePrice(lot: Lot): number {
  return lot.qty === 0 ? 0 : lot.costBasis / lot.qty;
}

/** Average cost rounded half away from zero to whole paise: the mark used before any tick. */
export function roundedAveragePrice(lot: Lot): Paise {
  return lot.qty === 0 ? 0 : mulDivRound(lot.costBasis, lot.qty > 0 ? 1 : -1, Math.abs(lot.qty));
}
