// A ring consumer with its own cursor: gating (block policy) or lossy (counts what it missed).
// Invariant: a record is delivered only after its slot stamp is verified before and after the
// read (seqlock), so a consumer never delivers a torn or duplicated record.
import { appError } from '../errors.js';
import {
  C,
  CURSOR_MASK,
  FLAG_ATTACHED,
  FLAG_LOSSY,
  FLAG_PARKED,
  SLOT,
  W,
  consumerLineWord,
} from './ring-layout.js';
import { RingViews } from './ring-views.js';

/** Called by a consumer for each delivered record; `payload` is a byte offset into the ring views. */
export type RecordHandler = (payload: number, len: number, tag: number, seq: number, gen: number) => void;

export interface ConsumerOptions {
  /** Lossy consumers never gate the producer; they count records they missed. */
  readonly lossy: boolean;
  /** Board word this consumer's actor parks on (see ring-layout.ts); needed for park(). */
  readonly doorbell?: number;
  /**
   * When true the released cursor (what gates the producer and where a restarted consumer resumes)
   * only moves on release(); use it to release after the effect of a record is committed.
   */
  readonly manualRelease?: boolean;
}

/**
 * The consumer side. Records are validated against the slot stamp before and after they are read
 * (seqlock), so a record overwritten while being read is discarded and counted, never delivered.
 * For delivery the handler must copy what it keeps: the slot is reused after the cursor moves on.
 */
export class RingConsumer {
  private readonly v: RingViews;
  readonly index: number;
  private readonly base: number;
  private readonly f64Base: number;
  private readonly manualRelease: boolean;
  readonly lossy: boolean;
  /** Next record to read (local); may run ahead of the released cursor when manualRelease is set. */
  private cursor: number;
  private dropped: number;
  private received: number;
  private lastGen: number;

  constructor(sab: SharedArrayBuffer, index: number, opts: ConsumerOptions) {
    this.v = new RingViews(sab);
    if (index < 0 || index >= this.v.maxConsumers) {
      throw appError('ERR_RING_NO_CONSUMER_SLOT', { topic: '?', max: this.v.maxConsumers });
    }
    this.index = index;
    this.lossy = opts.lossy;
    this.manualRelease = opts.manualRelease ?? false;
    this.base = consumerLineWord(index);
    this.f64Base = this.base / 2;
    const h = this.v.header;
    const flags = Atomics.load(h, this.base + C.FLAGS);
    if ((flags & FLAG_ATTACHED) === 0 && h[this.base + C.ATTACHES] === 0) {
      // First attach ever: start at the current head (a consumer does not see history it was not
      // registered for). The main thread normally pre-registers consumers before the producer
      // starts (see registerConsumer), so in a tree nothing is missed.
      Atomics.store(h, this.base + C.CURSOR, Atomics.load(h, W.PUB_CURSOR));
    }
    // Re-attach: resume from the released cursor, so nothing released is seen twice and nothing
    // unreleased is lost.
    this.cursor = Atomics.load(h, this.base + C.CURSOR);
    this.dropped = this.v.headerF64[this.f64Base + C.DROPPED_F64]!;
    this.received = this.v.headerF64[this.f64Base + C.RECEIVED_F64]!;
    this.lastGen = h[this.base + C.LAST_GEN]!;
    // A predecessor that crashed while parked left its WAITERS increment behind; take it back so
    // the producer does not keep paying for wake-ups nobody waits for.
    if ((flags & FLAG_PARKED) !== 0) Atomics.sub(h, W.WAITERS, 1);
    h[this.base + C.DOORBELL] = opts.doorbell ?? 0;
    Atomics.store(h, this.base + C.FLAGS, FLAG_ATTACHED | (this.lossy ? FLAG_LOSSY : 0));
    Atomics.add(h, this.base + C.ATTACHES, 1);
  }

  /**
   * Announces that this consumer's actor is about to park on its doorbell. The caller must re-check
   * available() on every ring after park() and before waiting, then call unpark() after waking.
   */
  park(): void {
    const h = this.v.header;
    Atomics.or(h, this.base + C.FLAGS, FLAG_PARKED);
    Atomics.add(h, W.WAITERS, 1);
  }

  unpark(): void {
    const h = this.v.header;
    Atomics.and(h, this.base + C.FLAGS, ~FLAG_PARKED);
    Atomics.sub(h, W.WAITERS, 1);
  }

  get i32(): Int32Array {
    return this.v.i32;
  }
  get f64(): Float64Array {
    return this.v.f64;
  }
  get u8(): Uint8Array {
    return this.v.u8;
  }
  get droppedCount(): number {
    return this.dropped;
  }
  get receivedCount(): number {
    return this.received;
  }
  /** Producer generation of the last record delivered (a change means the producer restarted). */
  get producerGen(): number {
    return this.lastGen;
  }

  /** Records published but not yet read by this consumer. */
  available(): number {
    return (Atomics.load(this.v.header, W.PUB_CURSOR) - this.cursor) & CURSOR_MASK;
  }

  /**
   * Reads up to `max` records with seq ≤ `maxSeq`: `decode` copies one record out of its slot (it must not keep
   * references into the ring), then, once the copy is verified untorn, `deliver` acts on it.
   * Returns how many were delivered. If `deliver` throws, the records of this batch are not
   * released, so a restarted consumer sees them again (at-least-once; dedupe by seq).
   */
  poll(decode: RecordHandler, max: number, deliver?: () => void, maxSeq = Infinity): number {
    const v = this.v;
    const i32 = v.i32;
    let pub = Atomics.load(v.header, W.PUB_CURSOR);
    let delivered = 0;
    while (delivered < max && this.cursor !== pub) {
      const lag = (pub - this.cursor) & CURSOR_MASK;
      if (lag > v.capacity) {
        // Lapped (only possible for lossy consumers): the oldest `lag - capacity` records are
        // gone; skip exactly those and count them. (lag == capacity is a full ring, not a lap.)
        this.skip(lag - v.capacity);
        continue;
      }
      const slot = v.slotOffset(this.cursor);
      const expected = (this.cursor + 1) | 0;
      if (Atomics.load(i32, (slot + SLOT.STAMP) >> 2) !== expected) {
        // The producer is already rewriting this slot: we were lapped between the two loads.
        // FIX (ring helper): the record is gone for good (publish stamps a slot before it moves
        // the cursor, so this slot did hold it), so count it now. Waiting for the rewrite to be
        // published instead (lag == capacity is not treated as a lap) spun forever inside poll()
        // when the producer died between claim() and publish().
        this.skip(1);
        pub = Atomics.load(v.header, W.PUB_CURSOR);
        continue;
      }
      const gen = i32[(slot + SLOT.GEN) >> 2]!;
      const seq = v.f64[(slot + SLOT.SEQ) >> 3]!;
      // Event-time gate: records past maxSeq stay unread (and unreleased) until the gate moves.
      // Stamp-verified above, so `seq` belongs to this cursor's record; a lossy reader re-checks
      // below before trusting anything it decoded.
      if (seq > maxSeq) break;
      const tag = v.u16[(slot + SLOT.TAG) >> 1]!;
      const len = i32[(slot + SLOT.LEN) >> 2]!;
      decode(slot + SLOT.PAYLOAD, len, tag, seq, gen);
      // Seqlock re-check: if the producer started rewriting the slot while we decoded, the copy
      // may be torn; it is discarded and counted as dropped, never delivered. Gating consumers
      // cannot be overtaken, so for them this check always passes.
      if (Atomics.load(i32, (slot + SLOT.STAMP) >> 2) !== expected) {
        this.skip(1);
        continue;
      }
      this.lastGen = gen;
      this.cursor = (this.cursor + 1) & CURSOR_MASK;
      this.received += 1;
      delivered += 1;
      if (deliver !== undefined) deliver();
    }
    if (delivered > 0) {
      v.header[this.base + C.LAST_GEN] = this.lastGen;
      v.headerF64[this.f64Base + C.RECEIVED_F64] = this.received;
      if (!this.manualRelease) this.releaseTo(this.cursor);
    }
    return delivered;
  }

  /** Releases every record up to, not including, the local read cursor. */
  release(): void {
    this.releaseTo(this.cursor);
  }

  /** Releases every record up to and including the one numbered `seq` (commit-then-release). */
  releaseThrough(seq: number): void {
    this.releaseTo((seq + 1) & CURSOR_MASK);
  }

  /** Releases records up to the given cursor value (from cursorAfterLastDelivered). */
  releaseTo(cursor: number): void {
    const h = this.v.header;
    Atomics.store(h, this.base + C.CURSOR, cursor);
    if (Atomics.load(h, W.PRODUCER_WAITING) !== 0) {
      Atomics.add(h, W.SPACE_SIGNAL, 1);
      Atomics.notify(h, W.SPACE_SIGNAL);
    }
  }

  /**
   * Seq of the next record to read: Infinity when nothing is published, -Infinity when the slot is
   * being rewritten under a lapped reader (poll() will count the loss), else the record's seq.
   */
  nextSeq(): number {
    const v = this.v;
    if (this.cursor === Atomics.load(v.header, W.PUB_CURSOR)) return Infinity;
    const slot = v.slotOffset(this.cursor);
    if (Atomics.load(v.i32, (slot + SLOT.STAMP) >> 2) !== ((this.cursor + 1) | 0)) return -Infinity;
    return v.f64[(slot + SLOT.SEQ) >> 3]!;
  }

  /** The local read cursor; pair with releaseTo() to release after a commit. */
  get readCursor(): number {
    return this.cursor;
  }

  /**
   * Parks until the producer publishes past our cursor, or `timeoutMs` passes. Resolves immediately
   * if data is already there. The pending waitAsync does not keep the event loop alive on its own.
   */
  async waitForData(timeoutMs: number): Promise<void> {
    const h = this.v.header;
    const seen = Atomics.load(h, W.PUB_CURSOR);
    if (seen !== this.cursor) return;
    Atomics.add(h, W.WAITERS, 1);
    try {
      const r = Atomics.waitAsync(h, W.PUB_CURSOR, seen, timeoutMs);
      if (r.async) await r.value;
    } finally {
      Atomics.sub(h, W.WAITERS, 1);
    }
  }

  /** Marks this consumer detached: it no longer gates the producer. Used on clean stop only. */
  detach(): void {
    const h = this.v.header;
    this.release();
    Atomics.store(h, this.base + C.FLAGS, 0);
    if (Atomics.load(h, W.PRODUCER_WAITING) !== 0) {
      Atomics.add(h, W.SPACE_SIGNAL, 1);
      Atomics.notify(h, W.SPACE_SIGNAL);
    }
  }

  private skip(n: number): void {
    this.cursor = (this.cursor + n) & CURSOR_MASK;
    this.dropped += n;
    this.v.headerF64[this.f64Base + C.DROPPED_F64] = this.dropped;
  }
}
