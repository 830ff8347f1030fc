// Message payloads and stored records of the trading engine (`trading-engine-<broker>`).
// Payloads stay compact (no order history) so an envelope fits one event-ring slot; the full order
// record, with its history, lives in LMDB under K.order. The fill log K.fill holds the exact Fill.
import type { ErrorCode } from '../errors.js';
import type { OrderRecord } from '../domain/order/order.js';
import type { OrderStatus } from '../domain/order/status.js';
import type { Broker, Fill } from '../domain/types.js';

/**
 * The order facts every order event carries: the stored record's fields minus its history and
 * bookkeeping (those stay in the stored record), so an event stays small.
 */
export type OrderSummary = Pick<
  OrderRecord,
  'orderId' | 'strategyId' | 'token' | 'side' | 'type' | 'tif' | 'qty' | 'filledQty' | 'limitPrice' | 'stopPrice' | 'status' | 'parentOrderId' | 'tickSeq'
>;

/** `order_placed` on `{broker}.orders.submitted`: the order was submitted or accepted (resting). */
export interface OrderPlacedPayload {
  readonly order: OrderSummary;
  readonly executionMode: Broker;
  readonly ts: number;
}

/** `order_filled` on `{broker}.orders.filled`: one fill (exactly as in the fill log) and its order after it. */
export interface OrderFilledPayload {
  readonly fill: Fill;
  readonly order: OrderSummary;
  readonly executionMode: Broker;
}

/** Why an order ended without (fully) filling. */
export type OrderFailureKind = 'rejected' | 'expired' | 'canceled';

/** `order_failed` on `{broker}.orders.failed`: rejected, expired, or canceled with an error. */
export interface OrderFailedPayload {
  readonly kind: OrderFailureKind;
  readonly code: ErrorCode;
  readonly message: string;
  readonly order: OrderSummary;
  readonly executionMode: Broker;
  readonly ts: number;
}

/** Where an order came from: the validated-signal envelope that caused it (for correlation). */
export interface EventOrigin {
  readonly eventId: string;
  readonly correlationId: string;
  readonly traceId: string;
}

/** The value stored at K.order(broker, orderId): the full order record plus its origin. */
export type StoredOrder = OrderRecord & { readonly origin: EventOrigin | null };

/** The value stored at K.engineState(broker). */
export interface EngineStateRecord {
  readonly v: 1;
  readonly broker: Broker;
  /** The adapter's own JSON state (PaperState for paper). */
  readonly adapter: unknown;
  /** IST day number of the last session end handled; null before the first. */
  readonly lastEodDay: number | null;
  /**
   * Exact replay: the highest tick seq whose orders and tick effects are in this commit (the
   * risk manager reads it to know every fill of ticks ≤ it is in the fill log).
   */
  readonly confirmedWm?: number;
}

/** Arguments of `call('orders')`. Newest first; limit defaults to 100 (max 1000). */
export interface OrdersQuery {
  readonly strategyId?: string;
  readonly status?: OrderStatus;
  readonly limit?: number;
  readonly offset?: number;
}

/** Arguments of `call('fills')`: fills with fillSeq > afterSeq (default 0), in log order. */
export interface FillsQuery {
  readonly limit?: number;
  readonly afterSeq?: number;
}

/** One page of orders. */
export interface OrdersPage {
  readonly total: number;
  readonly offset: number;
  readonly orders: readonly StoredOrder[];
}

/** One page of the fill log; pass `nextAfterSeq` as `afterSeq` for the next page (null = end). */
export interface FillsPage {
  readonly fills: readonly Fill[];
  readonly nextAfterSeq: number | null;
}

/** Result of `call('cancel', { orderId })`, answered after the cancel is committed. */
export type CancelResult =
  | { readonly ok: true; readonly order: OrderSummary }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** Partition key of every order event: `{strategy}:{token}:{orderId}`. */
export function orderEventKey(o: { readonly strategyId: string; readonly token: number; readonly orderId: string }): string {
  return `${o.strategyId}:${o.token}:${o.orderId}`;
}

/** The compact summary of an order record. */
export function summarizeOrder(o: OrderRecord): OrderSummary {
  return {
    orderId: o.orderId,
    strategyId: o.strategyId,
    token: o.token,
    side: o.side,
    type: o.type,
    tif: o.tif,
    qty: o.qty,
    filledQty: o.filledQty,
    limitPrice: o.limitPrice,
    stopPrice: o.stopPrice,
    status: o.status,
    parentOrderId: o.parentOrderId,
    // Only when known: events of orders without a tick origin keep their exact previous shape
    ...(o.tickSeq !== undefined ? { tickSeq: o.tickSeq } : {}),
  };
}
