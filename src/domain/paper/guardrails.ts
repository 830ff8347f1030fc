// Paper guardrails and order planning. PURE. Checks run in the original's order (§6.6–6.7):
// market price known, min/max price, allowed instruments, min/max quantity; then the order's own
// prices (stop required for stop types, limit usable). The first failure wins.

import type { OrderInstructions, OrderType, Paise, Side, TimeInForce } from '../types.js';
import type { PaperParams } from './config.js';
import { paperError, type PaperError } from './events.js';
import { roundToTick } from './pricing.js';

const isPositiveInt = (x: number): boolean => Number.isSafeInteger(x) && x > 0;

/** Venue guardrails on the market reference price and the order quantity; null = passed. */
export function checkGuardrails(p: PaperParams, token: number, qty: number, refPrice: Paise): PaperError | null {
  if (!Number.isSafeInteger(qty)) return paperError('ERR_SIGNAL_INVALID', { reason: `quantity ${qty} is not an integer` });
  if (!isPositiveInt(refPrice)) return paperError('ERR_PAPER_NO_MARKET', { token });
  if (refPrice < p.minPrice) return paperError('ERR_PAPER_PRICE_BELOW_MIN', { price: refPrice, min: p.minPrice });
  if (p.maxPrice !== null && refPrice > p.maxPrice) {
    return paperError('ERR_PAPER_PRICE_ABOVE_MAX', { price: refPrice, max: p.maxPrice });
  }
  if (p.allowedInstruments.size > 0 && !p.allowedInstruments.has(token)) {
    return paperError('ERR_PAPER_INSTRUMENT_NOT_ALLOWED', { token });
  }
  if (qty < p.minQuantity) return paperError('ERR_PAPER_QTY_BELOW_MIN', { quantity: qty, min: p.minQuantity });
  if (p.maxQuantity !== null && qty > p.maxQuantity) {
    return paperError('ERR_PAPER_QTY_ABOVE_MAX', { quantity: qty, max: p.maxQuantity });
  }
  return null;
}

/** Resolved order shape; `error` set when the instructions are unusable (order gets rejected). */
export interface OrderPlan {
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly limitPrice: Paise | null;
  readonly stopPrice: Paise | null;
  readonly error: PaperError | null;
}

/**
 * Defaults: market, DAY. A `limit` without a limit price uses the market reference (as the
 * original). A `stop_limit` needs its own limit. Limits are rounded to the tick in the direction
 * that never worsens them for the trader (BUY down, SELL up); stops are used as given.
 */
export function planOrder(instr: OrderInstructions, side: Side, refPrice: Paise, tick: Paise): OrderPlan {
  const type = instr.orderType ?? 'market';
  const tif = instr.tif ?? 'DAY';
  const needsStop = type === 'stop' || type === 'stop_limit';
  const rawStop = needsStop ? (instr.stopPrice ?? null) : null;
  const stopPrice = rawStop !== null && isPositiveInt(rawStop) ? rawStop : null;
  let rawLimit: number | null = null;
  if (type === 'limit') rawLimit = instr.limitPrice ?? refPrice;
  else if (type === 'stop_limit') rawLimit = instr.limitPrice ?? null;
  const limitPrice =
    rawLimit !== null && isPositiveInt(rawLimit) ? roundToTick(rawLimit, tick, side === 'BUY' ? 'down' : 'up') : null;
  let error: PaperError | null = null;
  if (needsStop && stopPrice === null) error = paperError('ERR_PAPER_MISSING_STOP');
  else if ((type === 'limit' || type === 'stop_limit') && (limitPrice === null || limitPrice <= 0)) {
    error = paperError('ERR_PAPER_MISSING_LIMIT');
  }
  return { type, tif, limitPrice: limitPrice !== null && limitPrice > 0 ? limitPrice : null, stopPrice, error };
}
