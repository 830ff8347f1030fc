// Order transitions and executions on the paper book. PURE (mutates only the book it is given).
// Invariants: every status change goes through the order transition table and emits exactly one
// order event; every fill updates order, ledger and fill sequence together; an execution's fills
// all share one price, and their quantities sum to at most the order's remaining quantity.

import { appError } from '../../errors.js';
import { applyOrderEvent, applyOrderFill, leavesQty, type OrderRecord } from '../order/order.js';
import { tradeIdFor } from '../order/ids.js';
import { isTerminal } from '../order/status.js';
import { seededRng } from '../rng.js';
import type { Fill, Paise } from '../types.js';
import type { PaperParams } from './config.js';
import { reasonOf, type PaperError, type PaperEvent } from './events.js';
import { splitQuantity } from './partials.js';
import { bracketLevels, buyCost, feeFor, fillPriceFor } from './pricing.js';
import { sizeExecution } from './sizing.js';
import { isResting, type PaperBook, type WorkingOrder } from './state.js';

/** What one broker call works on: the book, the settings, and the events it appends to. */
export interface ExecCtx {
  readonly book: PaperBook;
  readonly params: PaperParams;
  readonly events: PaperEvent[];
}

type Step = 'submit' | 'accept' | 'trigger' | 'cancel' | 'expire' | 'reject';

// Applies a non-fill transition and keeps the resting index in step. An illegal transition here
// is a bug in the broker (callers only ask for listed edges), hence thrown
function step(ctx: ExecCtx, w: WorkingOrder, ev: Step, ts: number, error: PaperError | null): OrderRecord {
  const r = applyOrderEvent(w.order, ev, ts, error === null ? undefined : reasonOf(error));
  if (!r.ok) throw appError('ERR_ORDER_BAD_TRANSITION', { ...r.error });
  w.order = r.value;
  syncResting(ctx.book, w);
  return r.value;
}

function syncResting(book: PaperBook, w: WorkingOrder): void {
  if (isResting(w.order)) book.addResting(w);
  else book.removeResting(w);
}

/** Moves an order through submit / accept / trigger and emits the matching event. */
export function advanceOrder(ctx: ExecCtx, w: WorkingOrder, ev: 'submit' | 'accept' | 'trigger', ts: number): void {
  const order = step(ctx, w, ev, ts, null);
  const type = ev === 'submit' ? 'order-submitted' : ev === 'accept' ? 'order-accepted' : 'order-triggered';
  ctx.events.push({ type, order });
}

/** Rejects an order with a catalogued reason. */
export function rejectOrder(ctx: ExecCtx, w: WorkingOrder, ts: number, error: PaperError): void {
  ctx.events.push({ type: 'order-rejected', order: step(ctx, w, 'reject', ts, error), error });
}

/** Expires a resting order (session end). */
export function expireOrder(ctx: ExecCtx, w: WorkingOrder, ts: number, error: PaperError): void {
  ctx.events.push({ type: 'order-expired', order: step(ctx, w, 'expire', ts, error), error });
}

/** Cancels an order (user request: error null; IOC remainder: the clamp reason). */
export function cancelOrder(ctx: ExecCtx, w: WorkingOrder, ts: number, error: PaperError | null): void {
  ctx.events.push({ type: 'order-canceled', order: step(ctx, w, 'cancel', ts, error), error });
}

/**
 * Records one fill of `qty` at `price`: fees computed once here and stored in the Fill, tradeId
 * `${orderId}-${n}`, fillSeq from the book's monotonic counter, ledger updated from this fill.
 * A SELL that flattens the position disarms its bracket ('flat').
 */
export function recordFill(ctx: ExecCtx, w: WorkingOrder, qty: number, price: Paise, ts: number): Fill {
  const { book } = ctx;
  const o = w.order;
  const fees = feeFor(price, qty, ctx.params.commissionPpm);
  const r = applyOrderFill(o, qty, price, fees, ts);
  if (!r.ok) throw appError('ERR_ORDER_BAD_TRANSITION', { ...r.error });
  const fill: Fill = {
    tradeId: tradeIdFor(o.orderId, o.fillCount + 1),
    orderId: o.orderId,
    broker: o.broker,
    strategyId: o.strategyId,
    token: o.token,
    side: o.side,
    quantity: qty,
    price,
    fees,
    ts,
    fillSeq: book.nextFillSeq,
  };
  book.applyToLedger(fill);
  book.nextFillSeq += 1;
  w.order = r.value;
  syncResting(book, w);
  ctx.events.push({ type: 'fill', fill });
  ctx.events.push({ type: r.value.status === 'Filled' ? 'order-filled' : 'order-partially-filled', order: r.value });
  if (fill.side === 'SELL' && book.heldOf(fill.strategyId, fill.token) === 0) {
    const bracket = book.bracketOf(fill.strategyId, fill.token);
    if (bracket !== undefined) {
      book.removeBracket(fill.strategyId, fill.token);
      ctx.events.push({ type: 'bracket-removed', bracket, reason: 'flat' });
    }
  }
  return fill;
}

/** The seed of an order's RNG: its signal key, prefixed by the configured seed when set. */
export function rngSeedFor(params: PaperParams, signalKey: string): string {
  return params.seed === '' ? signalKey : `${params.seed}|${signalKey}`;
}

/**
 * Executes an order against market price `market` (it is marketable: caller checked crossing or
 * trigger). Sizes it, splits it into seeded partial fills, records them, cancels an IOC remainder,
 * and arms a bracket if this BUY opened a position.
 */
export function executeOrder(ctx: ExecCtx, w: WorkingOrder, market: Paise, ts: number): void {
  const { book, params } = ctx;
  const o = w.order;
  const limit = o.type === 'limit' || o.type === 'stop_limit' ? o.limitPrice : null;
  const price = fillPriceFor(market, o.side, limit, params.slippagePpm, w.tickSize);
  const cash = book.cashOf(o.strategyId);
  const preHeld = book.heldOf(o.strategyId, o.token);
  const sized = sizeExecution(params, { side: o.side, qty: leavesQty(o), tif: o.tif, price, cash, held: preHeld });
  if (!sized.ok) return rejectOrder(ctx, w, ts, sized.error);
  const rng = seededRng(rngSeedFor(params, o.signalKey));
  let parts = splitQuantity(sized.value.qty, rng, params.partialFillProb, params.maxPartials);
  // Per-part fee rounding can cost a paisa or two more than one fill would; when that tips the
  // total over the cash, fill in one part instead (one fill of this qty is known to be affordable)
  if (o.side === 'BUY' && parts.length > 1) {
    const total = parts.reduce((s, q) => s + buyCost(price, q, params.commissionPpm), 0);
    if (total > cash) parts = [sized.value.qty];
  }
  for (const q of parts) recordFill(ctx, w, q, price, ts);
  if (sized.value.clampedBy !== null && !isTerminal(w.order.status)) cancelOrder(ctx, w, ts, sized.value.clampedBy);
  if (o.side === 'BUY' && preHeld === 0) armBracket(ctx, w, price, ts);
}

// Arms a bracket when a BUY opened the position and the signal asked for one (§6.17)
function armBracket(ctx: ExecCtx, w: WorkingOrder, entryPrice: Paise, ts: number): void {
  const o = w.order;
  if (o.filledQty === 0 || (w.takeProfitBps <= 0 && w.stopLossBps <= 0)) return;
  if (ctx.book.bracketOf(o.strategyId, o.token) !== undefined) return;
  const levels = bracketLevels(entryPrice, w.takeProfitBps, w.stopLossBps, w.tickSize);
  if (levels.takeProfit === null && levels.stopLoss === null) return;
  const bracket = {
    strategyId: o.strategyId,
    token: o.token,
    entryOrderId: o.orderId,
    signalKey: o.signalKey,
    entryPrice,
    takeProfit: levels.takeProfit,
    stopLoss: levels.stopLoss,
    tickSize: w.tickSize,
    armedTs: ts,
  };
  ctx.book.setBracket(bracket);
  ctx.events.push({ type: 'bracket-armed', bracket });
}
