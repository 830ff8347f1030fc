// Read side of the engine's LMDB records: paginated orders (newest first) and the fill log (in
// fillSeq order, resumable with afterSeq, or newest first). The gateway process calls these on its
// own thread against committed state (lmdb-js read transactions), so no read ever runs on a trading
// thread; the engine's control-plane `orders`/`fills` calls use them too. Every read is a key range
// of the page's size: the order index (order-index.ts) turns "page n, newest first" into a range
// below its head, and fills are keyed by fillSeq. Arguments come from clients, so they are clamped.
import type { RootDatabase, Transaction } from 'lmdb';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order/status.js';
import type { Broker, Fill } from '../../domain/types.js';
import type { FillsPage, FillsQuery, OrdersPage, OrdersQuery, StoredOrder } from '../../protocol/engine.js';
import { K, type Key } from '../../store/keyspace.js';
import type { OrderIndexEntry, OrderIndexHead } from './order-index.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/**
 * A status filter has no index of its own (an order's status changes after it is indexed), so it
 * reads the small index entries ([orderId, status]) of at most this many of the newest orders of
 * the broker (or of the strategy when one is given), and decodes only the orders it returns.
 * Bounded cost per request, never O(history): p50 8.6 ms for a page over a 1 M-order store on two
 * busy cores (bench/reads-measure.ts).
 */
export const STATUS_SCAN_LIMIT = 10_000;

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const int = (v: unknown, fallback: number, min: number, max: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback;

/** True when `s` names an order status. */
export function isOrderStatus(s: unknown): s is OrderStatus {
  return ORDER_STATUSES.some((x) => x === s);
}

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

/** How much of the history a status-filtered page examined (total counts only those). */
export interface StatusScan {
  /** STATUS_SCAN_LIMIT. */
  readonly limit: number;
  /** Newest orders examined. */
  readonly scanned: number;
  /** True when every order of the broker (or strategy) was examined: `total` is then exact. */
  readonly complete: boolean;
}

/** A page of orders; `scan` is present when a status filter was applied. */
export interface OrdersReadPage extends OrdersPage {
  readonly scan?: StatusScan;
}

/** Runs `read` in one read transaction: every read of a page sees the same committed snapshot. */
function inReadTxn<T>(db: RootDatabase, read: (txn: Transaction) => T): T {
  const txn = db.useReadTransaction();
  try {
    return read(txn);
  } finally {
    txn.done();
  }
}

/**
 * Orders of `broker` matching the filters, newest first (the order in which the engine first
 * stored them). Without a status filter the page is the index range below the head: O(page) reads
 * whatever the store size, and `total` is exact. With one, see STATUS_SCAN_LIMIT.
 */
export function queryOrders(db: RootDatabase, broker: Broker, q: OrdersQuery): OrdersReadPage {
  const limit = q.limit ?? DEFAULT_LIMIT;
  const offset = q.offset ?? 0;
  return inReadTxn(db, (transaction) => {
    const head = db.get(K.orderIndexHead(broker), { transaction }) as OrderIndexHead | undefined;
    const strategyId = q.strategyId;
    const count = head === undefined ? 0 : strategyId === undefined ? head.seq : (head.byStrategy[strategyId] ?? 0);
    // Index entries numbered hi down to lo (both inclusive), newest first. In a reverse range,
    // `start` is the high end (inclusive) and `end` the low end (exclusive).
    const entries = (hi: number, lo: number): Iterable<OrderIndexEntry> => {
      const range = strategyId === undefined ? K.orderBySeqRange(broker, hi, lo - 1) : K.orderByStrategyRange(broker, strategyId, hi, lo - 1);
      return db.getRange({ ...range, reverse: true, transaction }).map(({ value }) => value as OrderIndexEntry);
    };
    const orders: StoredOrder[] = [];
    const load = (orderId: string): void => {
      const o = db.get(K.order(broker, orderId), { transaction }) as StoredOrder | undefined;
      if (o !== undefined) orders.push(o);
    };

    if (q.status === undefined) {
      const hi = count - offset;
      if (hi >= 1) for (const [orderId] of entries(hi, Math.max(1, hi - limit + 1))) load(orderId);
      return { total: count, offset, orders };
    }

    let matches = 0;
    let scanned = 0;
    if (count > 0) {
      for (const [orderId, status] of entries(count, Math.max(1, count - STATUS_SCAN_LIMIT + 1))) {
        scanned += 1;
        if (status !== q.status) continue;
        if (matches >= offset && orders.length < limit) load(orderId);
        matches += 1;
      }
    }
    return { total: matches, offset, orders, scan: { limit: STATUS_SCAN_LIMIT, scanned, complete: scanned >= count } };
  });
}

/** Up to `limit` fills with fillSeq > afterSeq, in log order. */
export function queryFills(db: RootDatabase, broker: Broker, q: FillsQuery): FillsPage {
  const limit = q.limit ?? DEFAULT_LIMIT;
  return inReadTxn(db, (transaction) => {
    const fills: Fill[] = [];
    for (const { value } of db.getRange({ ...K.fillRange(broker, q.afterSeq ?? 0), limit: limit + 1, transaction })) fills.push(value as Fill);
    const more = fills.length > limit;
    const page = more ? fills.slice(0, limit) : fills;
    return { fills: page, nextAfterSeq: more ? page[page.length - 1]!.fillSeq : null };
  });
}

/** Arguments of a newest-first read of the fill log. */
export interface NewestFillsQuery {
  readonly limit?: number;
  /** Only fills with fillSeq < beforeSeq (the cursor of the previous page); default: the newest. */
  readonly beforeSeq?: number;
  /** Sequence numbers to skip below the start (page-based paging: (page − 1) · size). */
  readonly skip?: number;
}

/** One newest-first page of the fill log; pass `nextBeforeSeq` as `beforeSeq` (null = oldest reached). */
export interface NewestFillsPage {
  readonly fills: readonly Fill[];
  readonly nextBeforeSeq: number | null;
}

/** Up to `limit` fills, newest first: a reverse key range, O(page). */
export function queryFillsNewest(db: RootDatabase, broker: Broker, q: NewestFillsQuery): NewestFillsPage {
  const limit = q.limit ?? DEFAULT_LIMIT;
  return inReadTxn(db, (transaction) => {
    const top = q.beforeSeq ?? lastSeqIn(db, broker, transaction) + 1;
    const start = top - 1 - (q.skip ?? 0);
    if (start < 1) return { fills: [], nextBeforeSeq: null };
    const fills: Fill[] = [];
    for (const { value } of db.getRange({ ...K.fillSeqRange(broker, start, 0), reverse: true, limit: limit + 1, transaction })) fills.push(value as Fill);
    const more = fills.length > limit;
    const page = more ? fills.slice(0, limit) : fills;
    return { fills: page, nextBeforeSeq: more ? page[page.length - 1]!.fillSeq : null };
  });
}

function lastSeqIn(db: RootDatabase, broker: Broker, transaction?: Transaction): number {
  const { end } = K.fillRange(broker, 0);
  const low: Key = K.fill(broker, 0);
  for (const { value } of db.getRange({ start: end, end: low, reverse: true, limit: 1, ...(transaction !== undefined ? { transaction } : {}) })) return (value as Fill).fillSeq;
  return 0;
}

/** fillSeq of the last fill in the log, 0 when empty. */
export function lastFillSeq(db: RootDatabase, broker: Broker): number {
  return lastSeqIn(db, broker);
}
