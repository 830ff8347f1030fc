// Applying fills and ticks to the portfolio. PURE and deterministic; mutates the state in place
// for speed (called per fill and per tick). A fill is validated and fully computed before the
// first write, so a duplicate or a thrown invariant error leaves the state untouched.

import { appError, err, ok, type Result } from '../../errors.js';
import type { Fill, Paise } from '../types.js';
import { isDuplicateFill, recordFill } from './dedup.js';
import { addExact, mulExact } from './money.js';
import { applyTrade } from './position-math.js';
import {
  brokerBook,
  createPortfolio,
  emptyPosition,
  strategyBook,
  type PortfolioOptions,
  type PortfolioState,
} from './state.js';

/** Returned (as a value) when a fill was already applied; the state is unchanged. */
export interface FillDuplicateError {
  readonly code: 'ERR_FILL_DUPLICATE';
  readonly tradeId: string;
  readonly broker: Fill['broker'];
  readonly fillSeq: number;
}

/**
 * Throws ERR_FILL_INVALID (a broken invariant: fills come from our own engine or a validated
 * venue adapter) unless quantity > 0, price ≥ 0, fees ≥ 0 and fillSeq ≥ 0 are safe integers.
 */
export function assertValidFill(fill: Fill): void {
  const reason =
    !Number.isSafeInteger(fill.quantity) || fill.quantity <= 0 ? `quantity ${fill.quantity} is not a positive integer`
    : !Number.isSafeInteger(fill.price) || fill.price < 0 ? `price ${fill.price} is not integer paise ≥ 0`
    : !Number.isSafeInteger(fill.fees) || fill.fees < 0 ? `fees ${fill.fees} are not integer paise ≥ 0`
    : !Number.isSafeInteger(fill.fillSeq) || fill.fillSeq < 0 ? `fillSeq ${fill.fillSeq} is not an integer ≥ 0`
    : fill.side !== 'BUY' && fill.side !== 'SELL' ? `side ${String(fill.side)} is not BUY or SELL`
    : null;
  if (reason !== null) throw appError('ERR_FILL_INVALID', { tradeId: fill.tradeId, reason });
}

/**
 * Applies one fill (average-cost method, fees explicit). BUY: cash −= price·qty + fees; SELL:
 * cash += price·qty − fees. A fill whose tradeId/fillSeq was already applied is a no-op that
 * returns ERR_FILL_DUPLICATE. Mutates and returns the same `state` object.
 */
export function applyFill(state: PortfolioState, fill: Fill): Result<PortfolioState, FillDuplicateError> {
  assertValidFill(fill);
  const existing = state.brokers.get(fill.broker);
  if (existing !== undefined && isDuplicateFill(existing.dedup, fill)) {
    return err({ code: 'ERR_FILL_DUPLICATE', tradeId: fill.tradeId, broker: fill.broker, fillSeq: fill.fillSeq });
  }
  const ref = fill.tradeId;
  const prevBook = existing?.strategies.get(fill.strategyId);
  const prevPos = prevBook?.positions.get(fill.token) ?? emptyPosition();
  // compute everything first: a thrown overflow must not leave a half-applied fill behind
  const trade = applyTrade(prevPos, fill.side, fill.quantity, fill.price, ref);
  const notional = mulExact(fill.price, fill.quantity, ref);
  const cashDelta = addExact(fill.side === 'BUY' ? -notional : notional, -fill.fees, ref);
  const cash = addExact(prevBook?.cash ?? state.startingCash, cashDelta, ref);
  const realizedPnl = addExact(prevPos.realizedPnl, trade.realized, ref);
  const fees = addExact(prevPos.fees, fill.fees, ref);

  const book = brokerBook(state, fill.broker);
  const sb = strategyBook(state, fill.broker, fill.strategyId);
  sb.cash = cash;
  let pos = sb.positions.get(fill.token);
  if (pos === undefined) {
    pos = emptyPosition();
    sb.positions.set(fill.token, pos);
  }
  pos.qty = trade.qty;
  pos.costBasis = trade.costBasis;
  pos.realizedPnl = realizedPnl;
  pos.fees = fees;
  pos.fillCount += 1;
  pos.updatedTs = fill.ts;
  recordFill(book.dedup, fill);
  return ok(state);
}

/**
 * Records the last traded price of `token`, which marks every position in that token (all
 * brokers and strategies) at once. Returns false, changing nothing, for a price that is not a
 * positive integer: an LTP of 0 means "no trade yet" and must not mark positions to zero.
 */
export function markToMarket(state: PortfolioState, token: number, ltp: Paise): boolean {
  if (!Number.isSafeInteger(ltp) || ltp <= 0) return false;
  state.lastPrices.set(token, ltp);
  return true;
}

/**
 * The replay function: a fresh portfolio with `fills` applied in fillSeq order (stable for equal
 * fillSeq, e.g. two brokers' logs); duplicates are skipped. Used by tests and crash-recovery checks.
 */
export function foldFills(fills: readonly Fill[], opts: PortfolioOptions = {}): PortfolioState {
  const state = createPortfolio(opts);
  const ordered = fills.slice().sort((a, b) => a.fillSeq - b.fillSeq);
  for (const fill of ordered) applyFill(state, fill);
  return state;
}
