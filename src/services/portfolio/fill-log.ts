// LMDB access shared by the fill-log consumers (portfolio and risk managers): reading a broker's
// fill log after a watermark, and writing a batch of puts/removes in ONE transaction. The fill log
// (`K.fill(broker, fillSeq)`, written by the trading engine) is the source of truth for fills.
import type { RootDatabase } from 'lmdb';
import { appError } from '../../errors.js';
import type { Broker, Fill } from '../../domain/types.js';
import type { Durability } from '../../store/lmdb.js';
import { K, type Key } from '../../store/keyspace.js';
import { assertStoreRoom, storeWriteError } from '../../store/cap.js';

/** One write of a batch. */
export type StoreWrite =
  | { readonly kind: 'put'; readonly key: Key; readonly value: unknown }
  | { readonly kind: 'remove'; readonly key: Key };

/** The read side of LMDB the consumers need (a RootDatabase, or a stub in tests). */
export type StoreReader = Pick<RootDatabase, 'get' | 'getRange'>;

/**
 * Fills of `broker` with fillSeq > `afterSeq`, in fillSeq order. Throws ERR_FILL_INVALID when a
 * record is not a fill of that broker (the log is ours: a foreign record is a broken invariant).
 */
export function readFillsAfter(db: StoreReader, broker: Broker, afterSeq: number): Fill[] {
  const out: Fill[] = [];
  for (const { key, value } of db.getRange(K.fillRange(broker, afterSeq))) {
    const fill = value as Fill | undefined;
    if (fill === undefined || fill === null || typeof fill !== 'object' || fill.broker !== broker) {
      throw appError('ERR_FILL_INVALID', { tradeId: String((fill as { tradeId?: unknown } | undefined)?.tradeId), reason: `record at ${JSON.stringify(key)} is not a ${broker} fill` });
    }
    out.push(fill);
  }
  return out;
}

/** Applies `writes` in one transaction; resolves after commit (after fsync in strict mode). */
export async function commitWrites(db: RootDatabase, durability: Durability, writes: readonly StoreWrite[]): Promise<void> {
  if (writes.length === 0) return;
  // A full store (STORE__MAP_SIZE_MB) refuses the batch before its transaction: ERR_STORE_FULL
  assertStoreRoom(db);
  try {
    await db.transaction(() => {
      for (const w of writes) {
        if (w.kind === 'put') void db.put(w.key, w.value);
        else void db.remove(w.key);
      }
    });
    if (durability === 'strict') await db.flushed;
  } catch (e) {
    throw storeWriteError(e);
  }
}
