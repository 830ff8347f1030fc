// The live-tick journal: a feed that cannot rewind (KiteTicker) appends every tick it publishes to
// LMDB, so that after a crash the fused trading core, restored from its last checkpoint, is fed the
// ticks it had consumed after that checkpoint again, in the same order, before any new live tick.
//
//   feed ──publish tick (feedSeq = journal seq)──► ring ──► fused core ──checkpoint n: nextFeedSeq──► LMDB
//     └──put ['tick-journal', seq] (async: lmdb-js commits a turn's puts as ONE transaction) ──► LMDB
//   restart: core restores n; feed re-publishes journal[nextFeedSeq(n) …] before it reconnects
//
// Invariants:
//   - journal seq = the tick's feedSeq, strictly increasing over the store's life (it continues
//     from the last journaled seq after a restart), so the core's "skip feedSeq < nextFeedSeq"
//     never confuses a new live tick with an old one;
//   - a tick is journaled only once it was published (a refused, dropped tick never entered the
//     system, so there is nothing to replay);
//   - group commit: the put does not wait; a crash may lose the last turn's puts, which are ticks
//     no checkpoint can cover yet (the core checkpoints what it consumed at least one interval ago,
//     and every earlier turn has committed by then), so what is lost was never traded durably;
//   - bounded: entries older than the newest `keep` are deleted by prune().
// Cost on the tick path: one encode into a scratch record and one 216-byte copy for the put.
import type { RootDatabase } from 'lmdb';
import { decodeTick, encodeTick, newMutableTick, TICK_PAYLOAD_BYTES, type MutableTick } from '../../protocol/tick-record.js';
import type { Tick } from '../../domain/types.js';
import { K } from '../../store/keyspace.js';

/** Default number of journaled ticks kept: about 60 MiB of records, 4 minutes at 1 k ticks/s (a rewind needs one checkpoint interval). */
export const DEFAULT_JOURNAL_KEEP = 250_000;

export class TickJournal {
  private nextSeq: number;
  private readonly scratch = new ArrayBuffer(TICK_PAYLOAD_BYTES);
  private readonly i32 = new Int32Array(this.scratch);
  private readonly f64 = new Float64Array(this.scratch);
  private pruning: Promise<void> = Promise.resolve();
  appended = 0;

  constructor(
    private readonly db: RootDatabase,
    private readonly keep: number = DEFAULT_JOURNAL_KEEP,
    /** A failed write is a failure of the feed (let it crash): called outside any promise chain. */
    private readonly fail: (e: unknown) => void = (e) => setImmediate(() => { throw e; }),
  ) {
    this.nextSeq = lastSeq(db) + 1;
  }

  /** Feed position of the next tick (the next journal seq). */
  get next(): number {
    return this.nextSeq;
  }

  /** Journals a published tick under its feedSeq (which must be `next`). */
  append(t: Tick, feedSeq: number): void {
    encodeTick(this.i32, this.f64, 0, t, 0, feedSeq);
    this.nextSeq = feedSeq + 1;
    this.appended++;
    this.db.put(K.tickJournal(feedSeq), Buffer.from(this.scratch)).catch(this.fail);
  }

  /** The journaled ticks with seq ≥ `from`, oldest first (a rewind). */
  *from(from: number): Generator<Tick> {
    const t: MutableTick = newMutableTick();
    for (const { value } of this.db.getRange(K.tickJournalRange(from, Number.MAX_SAFE_INTEGER))) {
      const bytes = value as Uint8Array;
      const copy = new Uint8Array(TICK_PAYLOAD_BYTES);
      copy.set(bytes.subarray(0, TICK_PAYLOAD_BYTES));
      if (decodeTick(new Int32Array(copy.buffer), new Float64Array(copy.buffer), 0, TICK_PAYLOAD_BYTES, t) !== null) continue;
      yield { ...t, depthBuy: t.depthBuy.map((l) => ({ ...l })), depthSell: t.depthSell.map((l) => ({ ...l })) };
    }
  }

  /** Deletes entries older than the newest `keep` (one asynchronous transaction; one at a time). Resolves once committed. */
  prune(): Promise<void> {
    const below = this.nextSeq - this.keep;
    if (below <= 0) return this.pruning;
    const { start, end } = K.tickJournalRange(0, below);
    this.pruning = this.pruning
      .then(() =>
        this.db.transaction(() => {
          for (const key of this.db.getKeys({ start, end })) void this.db.remove(key);
        }),
      )
      .then(() => undefined, this.fail);
    return this.pruning;
  }
}

/** Seq of the newest journaled tick, -1 when the journal is empty. */
function lastSeq(db: RootDatabase): number {
  const { start, end } = K.tickJournalRange(0, Number.MAX_SAFE_INTEGER);
  for (const key of db.getKeys({ start: end, end: start, reverse: true, limit: 1 })) {
    const seq = (key as unknown[])[1];
    if (typeof seq === 'number') return seq;
  }
  return -1;
}
