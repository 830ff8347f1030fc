// Tick handling for the paper venue: brackets first, then resting orders, on the tick's instrument
// only. PURE. Bracket exits (§6.17, quirk fixed) are real SELL orders `${entryOrderId}-tp|-sl` of
// the whole held quantity: they update cash and position and pay fees. SL is checked first, so it
// wins when both legs are hit. TP acts as a limit (fills at tp, or better when the tick gapped
// through); SL acts as a stop (fills at the tick price with slippage).

import { createOrder } from '../order/order.js';
import type { Paise } from '../types.js';
import type { Bracket } from './events.js';
import { advanceOrder, recordFill, type ExecCtx } from './execute.js';
import { fillPriceFor, slippedPrice } from './pricing.js';
import { workResting } from './route.js';
import { isResting, type WorkingOrder } from './state.js';

/** Handles one tick (`ltp` in paise) for `token`; events go to `ctx.events`. */
export function processTick(ctx: ExecCtx, token: number, ltp: Paise, ts: number): void {
  const { book } = ctx;
  book.lastPrice.set(token, ltp);
  const brackets = book.brackets.get(token);
  if (brackets !== undefined) for (const b of [...brackets.values()]) workBracket(ctx, b, ltp, ts);
  const ids = book.resting.get(token);
  if (ids === undefined) return;
  for (const id of [...ids]) {
    const w = book.orders.get(id);
    if (w !== undefined && isResting(w.order)) workResting(ctx, w, ltp, ts);
  }
}

function workBracket(ctx: ExecCtx, b: Bracket, ltp: Paise, ts: number): void {
  const held = ctx.book.heldOf(b.strategyId, b.token);
  if (held === 0) {
    ctx.book.removeBracket(b.strategyId, b.token);
    ctx.events.push({ type: 'bracket-removed', bracket: b, reason: 'flat' });
  } else if (b.stopLoss !== null && ltp <= b.stopLoss) {
    exitBracket(ctx, b, 'stop-loss', held, slippedPrice(ltp, 'SELL', ctx.params.slippagePpm, b.tickSize), ts);
  } else if (b.takeProfit !== null && ltp >= b.takeProfit) {
    const price = fillPriceFor(ltp, 'SELL', b.takeProfit, ctx.params.slippagePpm, b.tickSize);
    exitBracket(ctx, b, 'take-profit', held, price, ts);
  }
}

function exitBracket(
  ctx: ExecCtx,
  b: Bracket,
  leg: 'take-profit' | 'stop-loss',
  qty: number,
  price: Paise,
  ts: number,
): void {
  // OCO: the bracket goes first, so the exit's flattening fill does not report it a second time
  ctx.book.removeBracket(b.strategyId, b.token);
  ctx.events.push({ type: 'bracket-removed', bracket: b, reason: leg });
  const suffix = leg === 'take-profit' ? 'tp' : 'sl';
  const orderId = `${b.entryOrderId}-${suffix}`;
  const order = createOrder(
    {
      orderId,
      clientOrderId: orderId,
      broker: 'paper',
      strategyId: b.strategyId,
      token: b.token,
      side: 'SELL',
      type: leg === 'take-profit' ? 'limit' : 'stop',
      // Created and filled in the same call, so it never rests: IOC describes it exactly
      tif: 'IOC',
      qty,
      limitPrice: leg === 'take-profit' ? b.takeProfit : null,
      stopPrice: leg === 'stop-loss' ? b.stopLoss : null,
      signalKey: `${b.signalKey}:${suffix}`,
      parentOrderId: b.entryOrderId,
    },
    ts,
  );
  const w: WorkingOrder = { order, tickSize: b.tickSize, takeProfitBps: 0, stopLossBps: 0 };
  ctx.book.orders.set(orderId, w);
  advanceOrder(ctx, w, 'submit', ts);
  recordFill(ctx, w, qty, price, ts);
}
