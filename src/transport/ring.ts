// Single-producer, multi-consumer ring over a SharedArrayBuffer (layout: ring-layout.ts).
// Each consumer owns a cursor; the producer is gated only by non-lossy consumers ("block" policy)
// and never by lossy ones, which detect being lapped through the slot stamp and count what they
// missed. Invariants: publish-after-write; a consumer never delivers a torn or duplicated record;
// a restarted producer resumes from the published cursor; a restarted consumer from its own.
import { appError } from '../errors.js';
import {
  C,
  CURSOR_MASK,
  FLAG_ATTACHED,
  DOORBELL_STRIDE,
  FLAG_LOSSY,
  FLAG_PARKED,
  LINE_WORDS,
  POLICY_CODE,
  RING_MAGIC,
  RING_VERSION,
  SLOT,
  SLOT_HEADER_BYTES,
  W,
  consumerLineWord,
  headerBytesFor,
  ringBytes,
  type RingPolicy,
} from './ring-layout.js';

export interface RingOptions {
  /** Number of slots; a power of two. */
  readonly capacity: number;
  /** Bytes per slot including the 24-byte slot header; a multiple of 8. */
  readonly slotBytes: number;
  readonly policy: RingPolicy;
  readonly maxConsumers: number;
}

/** Creates and initialises a ring. Only the owner (the main thread) calls this, once per topic. */
export function createRing(opts: RingOptions): SharedArrayBuffer {
  const { capacity, slotBytes, maxConsumers } = opts;
  if (!Number.isInteger(capacity) || capacity < 2 || capacity > 1 << 24 || (capacity & (capacity - 1)) !== 0) {
    throw appError('ERR_RING_CONFIG', { reason: `capacity must be a power of two in [2, 2^24], was ${capacity}` });
  }
  if (!Number.isInteger(slotBytes) || slotBytes < SLOT_HEADER_BYTES + 8 || slotBytes % 8 !== 0 || slotBytes > 65536) {
    throw appError('ERR_RING_CONFIG', { reason: `slotBytes must be a multiple of 8 in [32, 65536], was ${slotBytes}` });
  }
  if (!Number.isInteger(maxConsumers) || maxConsumers < 1 || maxConsumers > 64) {
    throw appError('ERR_RING_CONFIG', { reason: `maxConsumers must be in [1, 64], was ${maxConsumers}` });
  }
  const sab = new SharedArrayBuffer(ringBytes(capacity, slotBytes, maxConsumers));
  const h = new Int32Array(sab, 0, headerBytesFor(maxConsumers) / 4);
  h[W.MAGIC] = RING_MAGIC;
  h[W.VERSION] = RING_VERSION;
  h[W.CAPACITY] = capacity;
  h[W.SLOT_BYTES] = slotBytes;
  h[W.POLICY] = POLICY_CODE[opts.policy];
  h[W.MAX_CONSUMERS] = maxConsumers;
  h[W.HEADER_BYTES] = headerBytesFor(maxConsumers);
  return sab;
}

/** Views shared by producer and consumer classes; cheap to build, one per attached endpoint. */
class RingViews {
  readonly sab: SharedArrayBuffer;
  readonly header: Int32Array;
  readonly headerF64: Float64Array;
  /** Whole buffer as int32 / float64 / bytes, so slot offsets can be addressed directly. */
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly capacity: number;
  readonly mask: number;
  readonly slotBytes: number;
  readonly headerBytes: number;
  readonly maxConsumers: number;
  readonly blockPolicy: boolean;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    const probe = new Int32Array(sab, 0, LINE_WORDS);
    if (probe[W.MAGIC] !== RING_MAGIC || probe[W.VERSION] !== RING_VERSION) {
      throw appError('ERR_RING_CONFIG', { reason: 'buffer is not an initialised Alpha Panda ring' });
    }
    this.capacity = probe[W.CAPACITY]!;
    this.mask = this.capacity - 1;
    this.slotBytes = probe[W.SLOT_BYTES]!;
    this.maxConsumers = probe[W.MAX_CONSUMERS]!;
    this.headerBytes = probe[W.HEADER_BYTES]!;
    this.blockPolicy = probe[W.POLICY] === POLICY_CODE.block;
    this.header = new Int32Array(sab, 0, this.headerBytes / 4);
    this.headerF64 = new Float64Array(sab, 0, this.headerBytes / 8);
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.u8 = new Uint8Array(sab);
    this.u16 = new Uint16Array(sab);
  }

  slotOffset(cursor: number): number {
    return this.headerBytes + (cursor & this.mask) * this.slotBytes;
  }
}

/** What a consumer's statistics look like from outside (monitor, gateway). */
export interface ConsumerStats {
  readonly index: number;
  readonly attached: boolean;
  readonly lossy: boolean;
  readonly lag: number;
  readonly dropped: number;
  readonly received: number;
}

export interface RingStats {
  readonly published: number;
  readonly producerGen: number;
  readonly capacity: number;
  readonly consumers: readonly ConsumerStats[];
}

/** Reads counters without attaching; safe from any thread. */
export function ringStats(sab: SharedArrayBuffer): RingStats {
  const v = new RingViews(sab);
  const pub = Atomics.load(v.header, W.PUB_CURSOR);
  const consumers: ConsumerStats[] = [];
  for (let i = 0; i < v.maxConsumers; i++) {
    const base = consumerLineWord(i);
    const flags = Atomics.load(v.header, base + C.FLAGS);
    if (flags === 0 && v.header[base + C.ATTACHES] === 0) continue;
    const f64Base = base / 2;
    consumers.push({
      index: i,
      attached: (flags & FLAG_ATTACHED) !== 0,
      lossy: (flags & FLAG_LOSSY) !== 0,
      lag: (pub - Atomics.load(v.header, base + C.CURSOR)) & CURSOR_MASK,
      dropped: v.headerF64[f64Base + C.DROPPED_F64]!,
      received: v.headerF64[f64Base + C.RECEIVED_F64]!,
    });
  }
  return { published: v.headerF64[W.NEXT_SEQ_F64]!, producerGen: v.header[W.PRODUCER_GEN]!, capacity: v.capacity, consumers };
}

/**
 * The producer side. Writing a record is claim() → write payload into the returned slot → publish().
 * A claimed but unpublished slot is invisible to consumers; a crashed producer's half-written slot
 * is simply claimed again by its successor.
 */
export class RingProducer {
  private readonly v: RingViews;
  private readonly gen: number;
  private cursor: number;
  private seq: number;
  /** Cached slowest gating consumer cursor (Disruptor's cached gating sequence). */
  private gateCursor: number;
  private claimed = -1;
  private readonly board: Int32Array | undefined;

  constructor(sab: SharedArrayBuffer, gen: number, board?: Int32Array) {
    this.v = new RingViews(sab);
    this.board = board;
    this.gen = gen | 0;
    // A restarted producer continues from the published cursor: records it claimed but never
    // published are overwritten, so no consumer can ever observe them.
    this.cursor = Atomics.load(this.v.header, W.PUB_CURSOR);
    this.seq = this.resumeSeq();
    // FIX (ring helper): the cached gate must start from the real slowest consumer, not from our
    // own cursor. A successor of a producer that died while the ring was full would otherwise
    // believe it had a whole ring of room and overwrite up to `capacity` unread records of a
    // gating consumer (silent loss under "block").
    this.gateCursor = this.slowestGatingCursor();
    Atomics.store(this.v.header, W.PRODUCER_GEN, this.gen);
    Atomics.add(this.v.header, W.PRODUCER_ATTACHES, 1);
  }

  /**
   * FIX (ring helper): the seq the next record carries. publish() stores NEXT_SEQ before it
   * publishes the cursor, so a predecessor killed between the two left NEXT_SEQ one ahead of the
   * published records, and a successor trusting it would skip a seq (and break seq == cursor
   * lockstep that releaseThrough relies on). The last published slot is authoritative: its stamp
   * proves it holds record PUB_CURSOR - 1, so continue from its seq. NEXT_SEQ is only the fallback
   * for a ring that has never been published to.
   */
  private resumeSeq(): number {
    const v = this.v;
    const last = (this.cursor - 1) & CURSOR_MASK;
    const slot = v.slotOffset(last);
    if (Atomics.load(v.i32, (slot + SLOT.STAMP) >> 2) === ((last + 1) | 0)) return v.f64[(slot + SLOT.SEQ) >> 3]! + 1;
    return v.headerF64[W.NEXT_SEQ_F64]!;
  }

  get capacity(): number {
    return this.v.capacity;
  }
  get slotBytes(): number {
    return this.v.slotBytes;
  }
  get payloadBytes(): number {
    return this.v.slotBytes - SLOT_HEADER_BYTES;
  }
  /** Full sequence number the next published record will carry. */
  get nextSeq(): number {
    return this.seq;
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

  /**
   * Claims the next slot and returns the byte offset of its payload, or -1 when a gating consumer
   * would be overrun (block policy: the caller applies backpressure and retries).
   */
  claim(): number {
    const v = this.v;
    if (v.blockPolicy && ((this.cursor - this.gateCursor) & CURSOR_MASK) >= v.capacity) {
      this.gateCursor = this.slowestGatingCursor();
      if (((this.cursor - this.gateCursor) & CURSOR_MASK) >= v.capacity) return -1;
    }
    const slot = v.slotOffset(this.cursor);
    // Invalidate the stamp before touching the payload: a lossy reader still copying the record
    // this slot held will see the stamp change on its re-check and discard its copy (seqlock).
    Atomics.store(v.i32, (slot + SLOT.STAMP) >> 2, 0);
    this.claimed = slot;
    return slot + SLOT.PAYLOAD;
  }

  /** Publishes the claimed slot with a type tag and payload length. */
  publish(tag: number, len: number): void {
    const v = this.v;
    const slot = this.claimed;
    if (slot < 0) throw new Error('publish() without a successful claim()');
    this.claimed = -1;
    v.i32[(slot + SLOT.GEN) >> 2] = this.gen;
    v.f64[(slot + SLOT.SEQ) >> 3] = this.seq;
    v.u16[(slot + SLOT.TAG) >> 1] = tag;
    v.i32[(slot + SLOT.LEN) >> 2] = len;
    const next = (this.cursor + 1) & CURSOR_MASK;
    this.seq += 1;
    v.headerF64[W.NEXT_SEQ_F64] = this.seq;
    // Release order: payload and slot header (plain writes above) → stamp → cursor. Atomics.store is
    // sequentially consistent, so a consumer whose Atomics.load sees the new cursor also sees the
    // stamp and every payload byte written before it.
    Atomics.store(v.i32, (slot + SLOT.STAMP) >> 2, (this.cursor + 1) | 0);
    Atomics.store(v.header, W.PUB_CURSOR, next);
    this.cursor = next;
    // Only pay for a futex wake when someone is actually parked.
    if (Atomics.load(v.header, W.WAITERS) > 0) this.wakeParked();
  }

  private wakeParked(): void {
    const v = this.v;
    Atomics.notify(v.header, W.PUB_CURSOR);
    const board = this.board;
    if (board === undefined) return;
    for (let i = 0; i < v.maxConsumers; i++) {
      const base = consumerLineWord(i);
      if ((Atomics.load(v.header, base + C.FLAGS) & FLAG_PARKED) === 0) continue;
      const bell = v.header[base + C.DOORBELL]! * DOORBELL_STRIDE;
      Atomics.add(board, bell, 1);
      Atomics.notify(board, bell, 1);
    }
  }

  /** Convenience for byte payloads (JSON channels): returns false under backpressure. */
  tryWriteBytes(tag: number, bytes: Uint8Array): boolean {
    if (bytes.length > this.payloadBytes) {
      throw appError('ERR_RING_RECORD_TOO_LARGE', { bytes: bytes.length, slotBytes: this.v.slotBytes, topic: '?' });
    }
    const off = this.claim();
    if (off < 0) return false;
    this.v.u8.set(bytes, off);
    this.publish(tag, bytes.length);
    return true;
  }

  /** Records between the producer and its slowest gating consumer. */
  lag(): number {
    return (this.cursor - this.slowestGatingCursor()) & CURSOR_MASK;
  }

  /**
   * Waits until a gating consumer frees space (or `timeoutMs` passes). Uses waitAsync so the
   * producer's event loop keeps serving control messages while it is blocked.
   */
  async waitForSpace(timeoutMs = 50): Promise<void> {
    const h = this.v.header;
    const signal = Atomics.load(h, W.SPACE_SIGNAL);
    Atomics.store(h, W.PRODUCER_WAITING, 1);
    // Re-check after announcing ourselves: a consumer that advanced in between has either seen
    // PRODUCER_WAITING (and will bump SPACE_SIGNAL) or advanced before our check below.
    this.gateCursor = this.slowestGatingCursor();
    if (((this.cursor - this.gateCursor) & CURSOR_MASK) < this.v.capacity) {
      Atomics.store(h, W.PRODUCER_WAITING, 0);
      return;
    }
    const r = Atomics.waitAsync(h, W.SPACE_SIGNAL, signal, timeoutMs);
    if (r.async) await r.value;
    Atomics.store(h, W.PRODUCER_WAITING, 0);
  }

  private slowestGatingCursor(): number {
    const v = this.v;
    let minLag = -1;
    let slowest = this.cursor;
    for (let i = 0; i < v.maxConsumers; i++) {
      const base = consumerLineWord(i);
      const flags = Atomics.load(v.header, base + C.FLAGS);
      // A gating consumer keeps gating while it is being restarted (FLAG_ATTACHED stays set in
      // its line until it detaches cleanly), so a crash never turns "block" into silent loss.
      if ((flags & FLAG_ATTACHED) === 0 || (flags & FLAG_LOSSY) !== 0) continue;
      const c = Atomics.load(v.header, base + C.CURSOR);
      const lag = (this.cursor - c) & CURSOR_MASK;
      if (lag > minLag) {
        minLag = lag;
        slowest = c;
      }
    }
    return slowest;
  }
}

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

/**
 * Registers a consumer slot before any producer or consumer worker starts, so a gating consumer
 * gates from record 0 even if its worker comes up after the producer's first publish.
 */
export function registerConsumer(sab: SharedArrayBuffer, index: number, lossy: boolean): void {
  const v = new RingViews(sab);
  const base = consumerLineWord(index);
  Atomics.store(v.header, base + C.CURSOR, Atomics.load(v.header, W.PUB_CURSOR));
  Atomics.store(v.header, base + C.FLAGS, FLAG_ATTACHED | (lossy ? FLAG_LOSSY : 0));
  Atomics.add(v.header, base + C.ATTACHES, 1);
}
