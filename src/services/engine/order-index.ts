// Write side of the order read model. Every order record goes through `putOrders`, inside the
// committer's write transaction, so the record and its index entries commit together: a reader
// never sees an indexed order that is not stored, nor a stored order missing from the index.
//
// The index gives each order, when it is FIRST stored, the next dense number of its broker (seq)
// and of its strategy (n): `K.orderSeqOf` → [seq, n], and `K.orderBySeq` / `K.orderByStrategy` →
// [orderId, status], rewritten with every update of the order so a status filter reads these small
// entries instead of whole records. The head (`K.orderIndexHead`) holds the last numbers given.
// Numbers follow commit order, which is creation order, so the newest page is the key range just
// below the head: the gateway reads any page in O(page) and knows every total from the head
// without a scan (src/services/engine/queries.ts). Cost per order write: one small read and two
// small puts (two more for a new order): about 4-8 µs more per order in the commit callback.
//
// Retention that deletes orders must delete their three index entries in the same transaction.
// Numbers are never reused; pages are ranges of numbers, so a page spanning deleted numbers holds
// fewer orders, and the head's counts (the totals) still include the deleted ones.
import type { RootDatabase } from 'lmdb';
import type { OrderStatus } from '../../domain/order/status.js';
import type { Broker } from '../../domain/types.js';
import type { StoredOrder } from '../../protocol/engine.js';
import { K } from '../../store/keyspace.js';

/** The value at K.orderIndexHead(broker): the last order number given, overall and per strategy. */
export interface OrderIndexHead {
  readonly v: 1;
  seq: number;
  byStrategy: Record<string, number>;
}

/** The value of an index entry (K.orderBySeq, K.orderByStrategy). */
export type OrderIndexEntry = readonly [orderId: string, status: OrderStatus];

/** The value at K.orderSeqOf(broker, orderId): the order's numbers. */
type OrderNumbers = readonly [seq: number, n: number];

/**
 * Stores `orders` (the latest record of each touched order) and indexes them. Call it inside a
 * write transaction (`db.transaction(() => …)`): it reads the transaction's own state to tell new
 * orders from updates.
 */
export function putOrders(db: RootDatabase, broker: Broker, orders: Iterable<StoredOrder>): void {
  let head: OrderIndexHead | undefined;
  for (const o of orders) {
    let nums = db.get(K.orderSeqOf(broker, o.orderId)) as OrderNumbers | undefined;
    if (nums === undefined) {
      head ??= indexHead(db, broker);
      // Indexing a legacy store (indexHead) numbers the orders stored before: this may be one
      nums = (db.get(K.orderSeqOf(broker, o.orderId)) as OrderNumbers | undefined) ?? assign(db, broker, head, o.orderId, o.strategyId);
    }
    void db.put(K.order(broker, o.orderId), o);
    writeEntries(db, broker, nums, o.orderId, o.strategyId, o.status);
  }
  if (head !== undefined) void db.put(K.orderIndexHead(broker), head);
}

/**
 * Indexes a store written before the index existed, at once rather than with the broker's first new
 * order (so its history is readable before the engine commits anything). Runs in its own write
 * transaction, which LMDB serializes with the engine's commits (also across processes): whichever
 * comes first indexes, the other finds the head. Returns true when it had something to index.
 */
export async function ensureOrderIndex(db: RootDatabase, broker: Broker): Promise<boolean> {
  if (db.doesExist(K.orderIndexHead(broker))) return false;
  let legacy = false;
  for (const _ of db.getKeys({ ...K.orderRange(broker), limit: 1 })) legacy = true;
  if (!legacy) return false;
  return db.transaction(() => {
    if (db.doesExist(K.orderIndexHead(broker))) return false;
    void db.put(K.orderIndexHead(broker), indexHead(db, broker));
    return true;
  });
}

function assign(db: RootDatabase, broker: Broker, head: OrderIndexHead, orderId: string, strategyId: string): OrderNumbers {
  head.seq += 1;
  const n = (head.byStrategy[strategyId] ?? 0) + 1;
  head.byStrategy[strategyId] = n;
  const nums: OrderNumbers = [head.seq, n];
  void db.put(K.orderSeqOf(broker, orderId), nums);
  return nums;
}

function writeEntries(db: RootDatabase, broker: Broker, [seq, n]: OrderNumbers, orderId: string, strategyId: string, status: OrderStatus): void {
  const entry: OrderIndexEntry = [orderId, status];
  void db.put(K.orderBySeq(broker, seq), entry);
  void db.put(K.orderByStrategy(broker, strategyId, n), entry);
}

/**
 * The broker's index head, read inside the write transaction. A store written before the index
 * existed has orders but no head: they are indexed here once, oldest first by (createdTs, orderId).
 * That one-time pass reads every stored order of the broker (the only O(history) step, once per
 * store; ensureOrderIndex runs it at gateway start, off the trading threads).
 */
function indexHead(db: RootDatabase, broker: Broker): OrderIndexHead {
  const stored = db.get(K.orderIndexHead(broker)) as OrderIndexHead | undefined;
  if (stored !== undefined) return { v: 1, seq: stored.seq, byStrategy: { ...stored.byStrategy } };
  const head: OrderIndexHead = { v: 1, seq: 0, byStrategy: {} };
  const legacy: { createdTs: number; orderId: string; strategyId: string; status: OrderStatus }[] = [];
  for (const { value } of db.getRange(K.orderRange(broker))) {
    const o = value as StoredOrder;
    legacy.push({ createdTs: o.createdTs, orderId: o.orderId, strategyId: o.strategyId, status: o.status });
  }
  legacy.sort((a, b) => a.createdTs - b.createdTs || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  for (const o of legacy) writeEntries(db, broker, assign(db, broker, head, o.orderId, o.strategyId), o.orderId, o.strategyId, o.status);
  return head;
}
