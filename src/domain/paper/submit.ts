// Signal submission to the paper venue. PURE. Idempotent: the signal key
// `${strategyId}:${token}:${side}:${signalTs}` is remembered before anything else happens, and a
// known key returns ERR_ORDER_DUPLICATE without creating an order. Every other outcome (guardrail
// failure included) is an order record whose events say what happened. An instrument the
// registry refuses (input.notTradable) is rejected like a guardrail failure: no order of it works.

import { err, ok, type Result } from '../../errors.js';
import { createOrder } from '../order/order.js';
import { clientOrderIdFor, signalKey } from '../order/ids.js';
import type { Paise, TradingSignal } from '../types.js';
import { describeTradability, type TradabilityProblem } from '../instruments/tradability.js';
import { paperError, type PaperError } from './events.js';
import { advanceOrder, rejectOrder, type ExecCtx } from './execute.js';
import { checkGuardrails, planOrder } from './guardrails.js';
import { routeOnArrival } from './route.js';
import type { WorkingOrder } from './state.js';

/** A risk-validated signal as the paper venue receives it. */
export interface PaperSubmitInput {
  readonly signal: TradingSignal;
  /** Quantity after risk checks; the order quantity. */
  readonly validatedQty: number;
  /** Price the risk manager validated (paise); 0 = none. */
  readonly validatedPrice: Paise;
  /** Instrument tick size (paise); defaults to the configured tick. */
  readonly tickSize?: Paise;
  /** Set when the instrument registry refuses the instrument (an index, or unknown). */
  readonly notTradable?: TradabilityProblem;
}

/**
 * Market reference price: the last tick seen for the instrument, else the validated price, else
 * the signal's own price (the original used validated/signal price only; the last tick is fresher).
 */
export function marketReference(ctx: ExecCtx, input: PaperSubmitInput): Paise {
  const last = ctx.book.lastPrice.get(input.signal.token);
  if (last !== undefined) return last;
  return input.validatedPrice > 0 ? input.validatedPrice : input.signal.price;
}

/** Submits one validated signal at `nowMs`; events go to `ctx.events`. */
export function submitSignal(ctx: ExecCtx, input: PaperSubmitInput, nowMs: number): Result<void, PaperError> {
  const { book, params } = ctx;
  const s = input.signal;
  const key = signalKey(s);
  const orderId = clientOrderIdFor('paper', key);
  if (book.isKnownKey(key, s.ts) || book.orders.has(orderId)) {
    return err(paperError('ERR_ORDER_DUPLICATE', { orderId, signalKey: key }));
  }
  book.rememberKey(key, s.ts, params.maxKnownKeys);
  const tick = input.tickSize !== undefined && Number.isSafeInteger(input.tickSize) && input.tickSize > 0
    ? input.tickSize
    : params.defaultTickSize;
  const ref = marketReference(ctx, input);
  const plan = planOrder(s.order, s.side, ref, tick);
  const order = createOrder(
    {
      orderId,
      // The paper venue adopts the client id as its order id, so both replay identically
      clientOrderId: orderId,
      broker: 'paper',
      strategyId: s.strategyId,
      token: s.token,
      side: s.side,
      type: plan.type,
      tif: plan.tif,
      qty: input.validatedQty,
      limitPrice: plan.limitPrice,
      stopPrice: plan.stopPrice,
      signalKey: key,
      parentOrderId: null,
      // Traceability only (never part of the signal key): the tick behind the signal
      ...(s.tickSeq !== undefined ? { tickSeq: s.tickSeq } : {}),
    },
    nowMs,
  );
  const w: WorkingOrder = {
    order,
    tickSize: tick,
    takeProfitBps: s.order.takeProfitBps ?? 0,
    stopLossBps: s.order.stopLossBps ?? 0,
  };
  book.orders.set(orderId, w);
  advanceOrder(ctx, w, 'submit', nowMs);
  const failure =
    (input.notTradable !== undefined
      ? paperError('ERR_PAPER_NOT_TRADABLE', { token: s.token, reason: describeTradability(input.notTradable), problem: input.notTradable })
      : null) ??
    checkGuardrails(params, s.token, input.validatedQty, ref) ??
    plan.error;
  if (failure !== null) rejectOrder(ctx, w, nowMs, failure);
  else routeOnArrival(ctx, w, ref, nowMs);
  return ok(undefined);
}
