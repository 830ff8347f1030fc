// Read side of the engine's LMDB records for the control plane: paginated orders (newest first)
// and the fill log (in fillSeq order, resumable with afterSeq). Arguments come from the gateway,
// so they are clamped rather than trusted.
import type { RootDatabase } from 'lmdb';
import { ORDER_STATUSES } from '../../domain/order/status.js';
import type { Broker, Fill } from '../../domain/types.js';
import type { FillsPage, FillsQuery, OrdersPage, OrdersQuery, StoredOrder } from '../../protocol/engine.js';
import { K } from '../../store/keyspace.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const int = (v: unknown, fallback: number, min: number, max: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback;

/** Clamps an untrusted `call('orders', arg)` argument. */
export function ordersQueryFrom(arg: unknown): OrdersQuery {
  const a = rec(arg);
  const status = ORDER_STATUSES.find((s) => s === a['status']);
  return {
    ...(typeof a['strategyId'] === 'string' ? { strategyId: a['strategyId'] } : {}),
    ...(status !== undefined ? { status } : {}),
    limit: int(a['limit'], DEFAULT_LIMIT, 1, MAX_LIMIT),
    offset: int(a['offset'], 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Clamps an untrusted `call('fills', arg)` argument. */
export function fillsQueryFrom(arg: unknown): FillsQuery {
  const a = rec(arg);
  return { limit: int(a['limit'], DEFAULT_LIMIT, 1, MAX_LIMIT), afterSeq: int(a['afterSeq'], 0, 0, Number.MAX_SAFE_INTEGER) };
}

/** Orders of `broker` matching the filters, newest (createdTs, then id) first. */
export function queryOrders(db: RootDatabase, broker: Broker, q: OrdersQuery): OrdersPage {
  const all: StoredOrder[] = [];
  for (const { value } of db.getRange(K.orderRange(broker))) {
    const o = value as StoredOrder;
    if (q.strategyId !== undefined && o.strategyId !== q.strategyId) continue;
    if (q.status !== undefined && o.status !== q.status) continue;
    all.push(o);
  }
  all.sort((a, b) => b.createdTs - a.createdTs || (a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0));
  const offset = q.offset ?? 0;
  return { total: all.length, offset, orders: all.slice(offset, offset + (q.limit ?? DEFAULT_LIMIT)) };
}

/** Up to `limit` fills with fillSeq > afterSeq, in log order. */
export function queryFills(db: RootDatabase, broker: Broker, q: FillsQuery): FillsPage {
  const limit = q.limit ?? DEFAULT_LIMIT;
  const fills: Fill[] = [];
  for (const { value } of db.getRange({ ...K.fillRange(broker, q.afterSeq ?? 0), limit: limit + 1 })) fills.push(value as Fill);
  const more = fills.length > limit;
  const page = more ? fills.slice(0, limit) : fills;
  return { fills: page, nextAfterSeq: more ? page[page.length - 1]!.fillSeq : null };
}

/** fillSeq of the last fill in the log, 0 when empty. */
export function lastFillSeq(db: RootDatabase, broker: Broker): number {
  const { end } = K.fillRange(broker, 0);
  for (const { value } of db.getRange({ start: end, end: K.fill(broker, 0), reverse: true, limit: 1 })) return (value as Fill).fillSeq;
  return 0;
}
