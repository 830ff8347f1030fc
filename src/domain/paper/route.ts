// Order routing: what happens to an order when it arrives and on each later tick. PURE.
// Arrival (§6.7–6.9, quirks fixed): market executes; a limit that crosses executes, otherwise a
// DAY limit RESTS (no 0-qty fill) while IOC/FOK fail; a stop whose trigger is met becomes market
// (stop) or limit (stop_limit), otherwise a DAY stop rests and IOC/FOK fail. Later ticks: a
// resting stop triggers, then acts as above; a resting limit executes once the tick crosses it.

import { appError } from '../../errors.js';
import type { Paise } from '../types.js';
import { paperError } from './events.js';
import { advanceOrder, executeOrder, rejectOrder, type ExecCtx } from './execute.js';
import { crosses, stopTriggered } from './pricing.js';
import type { WorkingOrder } from './state.js';

// Required prices were validated on arrival (planOrder), so a null here is a broken invariant
function priceOf(p: Paise | null, code: 'ERR_PAPER_MISSING_STOP' | 'ERR_PAPER_MISSING_LIMIT'): Paise {
  if (p === null) throw appError(code);
  return p;
}

/** Routes a submitted order that passed its guardrails, at market reference `ref`. */
export function routeOnArrival(ctx: ExecCtx, w: WorkingOrder, ref: Paise, ts: number): void {
  const o = w.order;
  if (o.type === 'stop' || o.type === 'stop_limit') {
    if (!stopTriggered(o.side, ref, priceOf(o.stopPrice, 'ERR_PAPER_MISSING_STOP'))) {
      if (o.tif === 'DAY') return advanceOrder(ctx, w, 'accept', ts);
      return rejectOrder(ctx, w, ts, paperError('ERR_PAPER_STOP_NOT_TRIGGERED', { tif: o.tif }));
    }
    advanceOrder(ctx, w, 'trigger', ts);
  }
  if (o.type === 'market' || o.type === 'stop') return executeOrder(ctx, w, ref, ts);
  if (crosses(o.side, ref, priceOf(o.limitPrice, 'ERR_PAPER_MISSING_LIMIT'))) return executeOrder(ctx, w, ref, ts);
  switch (o.tif) {
    case 'DAY':
      // A triggered stop-limit already rests in Triggered; a plain limit is accepted to rest
      if (w.order.status === 'Submitted') advanceOrder(ctx, w, 'accept', ts);
      return;
    case 'IOC':
      return rejectOrder(ctx, w, ts, paperError('ERR_PAPER_IOC_NO_FILL', { reason: 'limit not marketable' }));
    case 'FOK':
      return rejectOrder(ctx, w, ts, paperError('ERR_PAPER_FOK_UNFILLABLE', { reason: 'limit not marketable' }));
  }
}

/** Works a resting order against a new last price. */
export function workResting(ctx: ExecCtx, w: WorkingOrder, ltp: Paise, ts: number): void {
  const o = w.order;
  if (o.status === 'Accepted' && (o.type === 'stop' || o.type === 'stop_limit')) {
    if (!stopTriggered(o.side, ltp, priceOf(o.stopPrice, 'ERR_PAPER_MISSING_STOP'))) return;
    advanceOrder(ctx, w, 'trigger', ts);
  }
  if (o.type === 'market' || o.type === 'stop') return executeOrder(ctx, w, ltp, ts);
  if (crosses(o.side, ltp, priceOf(o.limitPrice, 'ERR_PAPER_MISSING_LIMIT'))) executeOrder(ctx, w, ltp, ts);
}
