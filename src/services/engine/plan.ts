// Turns the adapter events of a batch of work items into what one LMDB transaction persists (the
// latest record of every touched order, every new fill) and what is published after the commit,
// in event order. No I/O: origins of orders from earlier batches come through `OriginLookup`.
import { assertNever } from '../../errors.js';
import type { OrderRecord } from '../../domain/order/order.js';
import type { Broker, Fill } from '../../domain/types.js';
import type { Envelope } from '../../protocol/envelope.js';
import {
  orderEventKey,
  summarizeOrder,
  type EventOrigin,
  type OrderFailedPayload,
  type OrderFilledPayload,
  type OrderPlacedPayload,
  type StoredOrder,
} from '../../protocol/engine.js';
import type { ConsumerPosition } from '../../store/lmdb.js';
import type { AdapterEvent } from './adapter.js';

/** One unit of work: the events of one adapter call, what caused it, and the input it consumed. */
export interface WorkItem {
  /** The validated-signal envelope behind the events; null for ticks, session end, cancels. */
  readonly parent: Envelope | null;
  readonly events: readonly AdapterEvent[];
  /** Consumer position to store with the effects (signals only). */
  readonly position?: ConsumerPosition;
  /** Input record to release after publishing (signals only). */
  readonly releaseSeq?: number;
}

/** A message to publish after the commit. */
export type Outgoing =
  | { readonly topic: 'orders.submitted'; readonly type: 'order_placed'; readonly key: string; readonly data: OrderPlacedPayload; readonly item: number; readonly origin: EventOrigin | null }
  | { readonly topic: 'orders.filled'; readonly type: 'order_filled'; readonly key: string; readonly data: OrderFilledPayload; readonly item: number; readonly origin: EventOrigin | null }
  | { readonly topic: 'orders.failed'; readonly type: 'order_failed'; readonly key: string; readonly data: OrderFailedPayload; readonly item: number; readonly origin: EventOrigin | null };

/** Everything one batch commits and then publishes. */
export interface CommitPlan {
  readonly orders: ReadonlyMap<string, StoredOrder>;
  readonly fills: readonly Fill[];
  readonly messages: readonly Outgoing[];
}

/** Finds the origin of an order created in an earlier (committed) batch; null when unknown. */
export type OriginLookup = (orderId: string) => EventOrigin | null;

/** The origin an envelope gives to the orders it causes. */
export function originOf(env: Envelope): EventOrigin {
  return { eventId: env.id, correlationId: env.correlationId, traceId: env.traceId };
}

/** Remembers order origins across batches; `cache` is updated as items are planned. */
export class OriginBook {
  constructor(
    private readonly load: OriginLookup,
    readonly cache: Map<string, EventOrigin> = new Map(),
  ) {}

  /** Origin of an order: its own, else (bracket exits) that of its parent order. */
  resolve(order: OrderRecord): EventOrigin | null {
    const own = this.cache.get(order.orderId) ?? this.load(order.orderId);
    if (own !== null) return own;
    if (order.parentOrderId === null) return null;
    return this.cache.get(order.parentOrderId) ?? this.load(order.parentOrderId);
  }

  /** Forgets finished orders once committed (they are read back from LMDB if ever needed). */
  evict(orders: Iterable<StoredOrder>, finished: (o: StoredOrder) => boolean): void {
    for (const o of orders) if (finished(o)) this.cache.delete(o.orderId);
  }
}

// The order record right after a fill: the order event that follows the fill in the list
function orderAfterFill(events: readonly AdapterEvent[], i: number, orderId: string): OrderRecord | undefined {
  for (let j = i + 1; j < events.length; j++) {
    const e = events[j]!;
    if ((e.type === 'order-filled' || e.type === 'order-partially-filled') && e.order.orderId === orderId) return e.order;
  }
  return undefined;
}

/** Builds the commit plan of `items` (in order) for `broker`. */
export function planBatch(broker: Broker, items: readonly WorkItem[], origins: OriginBook): CommitPlan {
  const orders = new Map<string, StoredOrder>();
  const fills: Fill[] = [];
  const messages: Outgoing[] = [];
  items.forEach((item, n) => {
    const parentOrigin = item.parent === null ? null : originOf(item.parent);
    const originFor = (o: OrderRecord): EventOrigin | null => {
      if (parentOrigin !== null && !origins.cache.has(o.orderId)) origins.cache.set(o.orderId, parentOrigin);
      return origins.resolve(o);
    };
    const failed = (kind: OrderFailedPayload['kind'], o: OrderRecord, code: OrderFailedPayload['code'], message: string): void => {
      const data: OrderFailedPayload = { kind, code, message, order: summarizeOrder(o), executionMode: broker, ts: o.updatedTs };
      messages.push({ topic: 'orders.failed', type: 'order_failed', key: orderEventKey(o), data, item: n, origin: originFor(o) });
    };
    item.events.forEach((e, i) => {
      switch (e.type) {
        case 'order-submitted':
        case 'order-accepted': {
          const data: OrderPlacedPayload = { order: summarizeOrder(e.order), executionMode: broker, ts: e.order.updatedTs };
          messages.push({ topic: 'orders.submitted', type: 'order_placed', key: orderEventKey(e.order), data, item: n, origin: originFor(e.order) });
          break;
        }
        case 'order-rejected':
          failed('rejected', e.order, e.error.code, e.error.message);
          break;
        case 'order-expired':
          failed('expired', e.order, e.error.code, e.error.message);
          break;
        case 'order-canceled':
          // A user cancel is not a failure; an IOC remainder dropped for a reason is
          if (e.error !== null) failed('canceled', e.order, e.error.code, e.error.message);
          break;
        case 'order-triggered':
        case 'order-modified':
        case 'order-partially-filled':
        case 'order-filled':
        case 'bracket-armed':
        case 'bracket-removed':
          break;
        case 'fill': {
          fills.push(e.fill);
          const after = orderAfterFill(item.events, i, e.fill.orderId) ?? orders.get(e.fill.orderId);
          if (after === undefined) break;
          const data: OrderFilledPayload = { fill: e.fill, order: summarizeOrder(after), executionMode: broker };
          messages.push({ topic: 'orders.filled', type: 'order_filled', key: orderEventKey(after), data, item: n, origin: originFor(after) });
          break;
        }
        default:
          assertNever(e);
      }
      if (e.type !== 'fill' && e.type !== 'bracket-armed' && e.type !== 'bracket-removed') {
        orders.set(e.order.orderId, { ...e.order, origin: originFor(e.order) });
      }
    });
  });
  return { orders, fills, messages };
}
