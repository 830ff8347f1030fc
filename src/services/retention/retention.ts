// One retention round of a broker: finished orders and fills older than the horizon are appended to
// the archive (archive.ts) and then deleted from LMDB, in batches of at most `batch` keys' records
// per transaction. Runs on the archiver's thread (actors/archiver.actor.ts), never a trading one.
//
// Horizon. Records carry tick time (synthetic session time, replay time or the wall clock), so age
// is counted back from the broker's NEWEST order or fill, not from the wall clock: a replay of last
// year's file keeps its recent days, and with synthetic sessions a day is one session.
//
// Invariants kept:
// - positions = fold(fills). A fill is deleted only at or below the fill watermark of EVERY consumer
//   that folds the log: the portfolio state's dedup watermark for the broker and the risk state's
//   (split risk manager and fused trading core write the same key). Both states are the position
//   snapshot: they restart from their watermark and read only later fills. Without a stored state
//   (nothing folded yet) no fill is deleted. fold(archive + remaining log) = fold(whole log).
// - Orders: only terminal ones (isTerminal) whose last update is older than the horizon, that the
//   engine no longer holds (the paper adapter's orders of the current session and bracket entries,
//   whose exits look their origin up), with their order-index entries (K.orderSeqOf, by-seq,
//   by-strategy) deleted in the SAME transaction (see order-index.ts on retention). Each order is
//   read again inside the delete transaction and left alone if it changed since it was archived.
// - Archive before delete, exactly once: the pending append (file, size before) is committed and
//   flushed first, then the archive is appended and fsynced, then one transaction deletes the batch
//   and clears the pending mark. A round that finds a pending mark (a crash in between) truncates
//   the file back to the recorded size first: the records are still in LMDB and are archived again.
import type { RootDatabase } from 'lmdb';
import { isTerminal } from '../../domain/order/status.js';
import type { Broker, Fill } from '../../domain/types.js';
import type { EngineStateRecord, StoredOrder } from '../../protocol/engine.js';
import { appError } from '../../errors.js';
import type { Durability } from '../../store/lmdb.js';
import { K, type Key } from '../../store/keyspace.js';
import { ensureOrderIndex, type OrderIndexEntry } from '../engine/order-index.js';
import { appendArchive, archiveDay, archiveFile, archiveSize, truncateArchive, type ArchiveKind } from './archive.js';

export const DAY_MS = 86_400_000;
/**
 * Keys per delete transaction. LMDB write transactions are serialized across threads, so a long
 * one would delay the trading commits behind it: a fill is one key, an order four (the record and
 * its three index entries), so a batch holds `batch` fills or `batch / 4` orders.
 */
export const DEFAULT_BATCH = 5000;
/** Keys deleted per order. */
const ORDER_KEYS = 4;

export interface RetentionOptions {
  /** Horizon in ms of record time; ≤ 0 disables retention. */
  readonly retentionMs: number;
  /** `<dataDir>/archive`. */
  readonly archiveDir: string;
  readonly durability: Durability;
  /** Keys per delete transaction (default DEFAULT_BATCH). */
  readonly batch?: number;
  /** Checked between batches: true ends the round early (the actor is stopping). */
  readonly shouldStop?: () => boolean;
  /** Test hook: called after the archive append of a batch, before its delete transaction. */
  readonly afterAppend?: (kind: ArchiveKind, file: string, records: number) => void;
}

/** What a round did for one broker. */
export interface RetentionReport {
  readonly broker: Broker;
  /** Newest record time of the broker; the horizon counts back from it (null: empty store). */
  readonly newestTs: number | null;
  /** Records with a time below this are old enough (null: nothing is). */
  readonly cutoffTs: number | null;
  /** Highest fillSeq that may go: min(portfolio watermark, risk watermark). */
  readonly fillLimitSeq: number;
  fills: number;
  orders: number;
  /** Orders archived but left in LMDB because they changed in between (store copy is newer). */
  ordersChanged: number;
  batches: number;
  /** An interrupted append was undone at the start of the round. */
  recovered: boolean;
  readonly files: Set<string>;
}

/** The value at K.retention(broker). */
export interface RetentionRecord {
  readonly v: 1;
  readonly pending: { readonly file: string; readonly size: number } | null;
}

/** The fill watermark of every consumer that folds the broker's log: the lowest, -1 when any has none. */
export function fillWatermark(db: RootDatabase, broker: Broker): number {
  const p = db.get(K.portfolioState(broker)) as { brokers?: readonly { broker: string; dedup?: { watermark?: number } }[] } | undefined;
  const r = db.get(K.riskState(broker)) as { dedup?: { watermark?: number } } | undefined;
  const pw = p?.brokers?.find((b) => b.broker === broker)?.dedup?.watermark;
  const rw = r?.dedup?.watermark;
  if (typeof pw !== 'number' || typeof rw !== 'number') return -1;
  return Math.min(pw, rw);
}

/** Orders the engine still holds in its state (paper: orders of the session, bracket entries). */
export function pinnedOrders(db: RootDatabase, broker: Broker): Set<string> {
  const out = new Set<string>();
  const adapter = (db.get(K.engineState(broker)) as EngineStateRecord | undefined)?.adapter as
    | { orders?: readonly { order?: { orderId?: unknown } }[]; brackets?: readonly { entryOrderId?: unknown }[] }
    | undefined;
  for (const e of adapter?.orders ?? []) if (typeof e.order?.orderId === 'string') out.add(e.order.orderId);
  for (const b of adapter?.brackets ?? []) if (typeof b.entryOrderId === 'string') out.add(b.entryOrderId);
  return out;
}

function newestTs(db: RootDatabase, broker: Broker): number | null {
  let newest: number | null = null;
  const { end } = K.fillRange(broker, 0);
  for (const { value } of db.getRange({ start: end, end: K.fill(broker, 0), reverse: true, limit: 1 })) newest = (value as Fill).ts;
  for (const { value } of db.getRange({ start: K.orderBySeq(broker, Number.MAX_SAFE_INTEGER), end: K.orderBySeq(broker, 0), reverse: true, limit: 1 })) {
    const o = db.get(K.order(broker, (value as OrderIndexEntry)[0])) as StoredOrder | undefined;
    if (o !== undefined) newest = Math.max(newest ?? o.updatedTs, o.updatedTs);
  }
  return newest;
}

async function commit(db: RootDatabase, durability: Durability, write: () => void): Promise<void> {
  await db.transaction(write);
  if (durability === 'strict') await db.flushed;
}

/**
 * Archives `records` to `file` and deletes them with `remove` (called inside the delete
 * transaction), following the pending protocol of the file header.
 */
async function archiveThenDelete(
  db: RootDatabase,
  broker: Broker,
  opts: RetentionOptions,
  kind: ArchiveKind,
  file: string,
  records: readonly unknown[],
  remove: () => void,
): Promise<void> {
  const size = archiveSize(file);
  await db.put(K.retention(broker), { v: 1, pending: { file, size } } satisfies RetentionRecord);
  // The pending mark must outlive a power loss that the append survives
  await db.flushed;
  try {
    appendArchive(file, records);
  } catch (e) {
    throw appError('ERR_ARCHIVE_WRITE', { what: `${records.length} ${kind} of ${broker}`, path: file, reason: (e as Error).message }, e);
  }
  opts.afterAppend?.(kind, file, records.length);
  await commit(db, opts.durability, () => {
    remove();
    void db.put(K.retention(broker), { v: 1, pending: null } satisfies RetentionRecord);
  });
}

/** Undoes an append whose delete never committed (see the file header). True when there was one. */
export async function recoverPending(db: RootDatabase, broker: Broker): Promise<boolean> {
  const rec = db.get(K.retention(broker)) as RetentionRecord | undefined;
  if (rec?.pending == null) return false;
  truncateArchive(rec.pending.file, rec.pending.size);
  await db.put(K.retention(broker), { v: 1, pending: null } satisfies RetentionRecord);
  await db.flushed;
  return true;
}

/** One retention round for `broker`: archive and delete everything old enough, batch by batch. */
export async function runRetention(db: RootDatabase, broker: Broker, opts: RetentionOptions): Promise<RetentionReport> {
  const batch = Math.max(1, opts.batch ?? DEFAULT_BATCH);
  const recovered = await recoverPending(db, broker);
  await ensureOrderIndex(db, broker);
  const newest = newestTs(db, broker);
  const cutoffTs = newest === null || opts.retentionMs <= 0 ? null : newest - opts.retentionMs;
  const fillLimitSeq = fillWatermark(db, broker);
  const report: RetentionReport = { broker, newestTs: newest, cutoffTs, fillLimitSeq, fills: 0, orders: 0, ordersChanged: 0, batches: 0, recovered, files: new Set() };
  if (cutoffTs === null) return report;

  // Fills: from the oldest left, while old enough and at or below every watermark; one day per batch
  const stopping = (): boolean => opts.shouldStop?.() ?? false;
  while (!stopping()) {
    const fills: Fill[] = [];
    for (const { value } of db.getRange({ ...K.fillSeqRange(broker, 0, fillLimitSeq + 1), limit: batch })) {
      const f = value as Fill;
      if (f.ts >= cutoffTs || (fills.length > 0 && archiveDay(f.ts) !== archiveDay(fills[0]!.ts))) break;
      fills.push(f);
    }
    if (fills.length === 0) break;
    const file = archiveFile(opts.archiveDir, broker, 'fills', archiveDay(fills[0]!.ts));
    await archiveThenDelete(db, broker, opts, 'fills', file, fills, () => {
      for (const f of fills) void db.remove(K.fill(broker, f.fillSeq));
    });
    report.fills += fills.length;
    report.batches++;
    report.files.add(file);
  }

  // Orders: the index from the oldest number left, up to the first order created after the cutoff
  const pinned = pinnedOrders(db, broker);
  const orderBatch = Math.max(1, Math.floor(batch / ORDER_KEYS));
  let fromSeq = 0;
  while (!stopping()) {
    const picked: { seq: number; order: StoredOrder }[] = [];
    let scanned = 0;
    let lastSeq = fromSeq;
    let more = false;
    let stop = false;
    for (const { key, value } of db.getRange({ ...K.orderBySeqRange(broker, fromSeq, Number.MAX_SAFE_INTEGER), limit: batch })) {
      const seq = (key as unknown as Key)[2] as number;
      const [orderId, status] = value as OrderIndexEntry;
      scanned++;
      lastSeq = seq;
      if (!isTerminal(status) || pinned.has(orderId)) continue;
      const o = db.get(K.order(broker, orderId)) as StoredOrder | undefined;
      if (o === undefined) continue;
      // Numbers follow creation: every later order was created after the cutoff too
      if (o.createdTs >= cutoffTs) {
        stop = true;
        break;
      }
      if (o.updatedTs >= cutoffTs || !isTerminal(o.status)) continue;
      if (picked.length > 0 && archiveDay(o.updatedTs) !== archiveDay(picked[0]!.order.updatedTs)) {
        lastSeq = seq - 1; // this one starts the next batch (another archive file)
        more = true;
        break;
      }
      picked.push({ seq, order: o });
      if (picked.length === orderBatch) {
        more = true;
        break;
      }
    }
    if (!stop && scanned === batch) more = true;
    if (picked.length > 0) {
      const file = archiveFile(opts.archiveDir, broker, 'orders', archiveDay(picked[0]!.order.updatedTs));
      let changed = 0;
      await archiveThenDelete(db, broker, opts, 'orders', file, picked.map((p) => p.order), () => {
        changed = 0;
        for (const { seq, order } of picked) {
          const now = db.get(K.order(broker, order.orderId)) as StoredOrder | undefined;
          if (now === undefined || now.updatedTs !== order.updatedTs || now.status !== order.status) {
            changed++;
            continue;
          }
          const nums = db.get(K.orderSeqOf(broker, order.orderId)) as readonly [number, number] | undefined;
          void db.remove(K.order(broker, order.orderId));
          void db.remove(K.orderSeqOf(broker, order.orderId));
          void db.remove(K.orderBySeq(broker, nums?.[0] ?? seq));
          if (nums !== undefined) void db.remove(K.orderByStrategy(broker, order.strategyId, nums[1]));
        }
      });
      report.orders += picked.length - changed;
      report.ordersChanged += changed;
      report.batches++;
      report.files.add(file);
    }
    if (!more) break;
    fromSeq = lastSeq + 1;
  }
  return report;
}
