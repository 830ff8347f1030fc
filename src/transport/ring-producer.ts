// The single producer of a ring: claim a slot, write the payload, publish (stamp, then cursor).
// Invariant: publish-after-write; a restarted producer resumes from the published cursor, so a
// slot it claimed but never published is never seen by any consumer.
import { appError } from '../errors.js';
import {
  C,
  CURSOR_MASK,
  DOORBELL_STRIDE,
  FLAG_ATTACHED,
  FLAG_LOSSY,
  FLAG_PARKED,
  SLOT,
  SLOT_HEADER_BYTES,
  W,
  consumerLineWord,
} from './ring-layout.js';
import { RingViews } from './ring-views.js';

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
  /** hold() depth: while > 0, wakes are owed instead of paid per record (see hold()). */
  private held = 0;
  private owed = false;
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
    // Only pay for a futex wake when someone is actually parked; a burst under hold() pays once.
    if (this.held > 0) this.owed = true;
    else if (Atomics.load(v.header, W.WAITERS) > 0) this.wakeParked();
  }

  /**
   * Starts a burst: records published until the matching unhold() wake parked consumers once, at
   * unhold, instead of once per record (a futex wake per record dominated a checkpoint's release).
   * Safe against lost wake-ups: a consumer parks only after re-checking the cursor, which every
   * held publish has already advanced, and unhold() wakes whoever is parked by then.
   */
  hold(): void {
    this.held++;
  }

  /** Ends a burst started by hold(); the outermost unhold pays the owed wake. */
  unhold(): void {
    if (this.held === 0 || --this.held > 0 || !this.owed) return;
    this.owed = false;
    if (Atomics.load(this.v.header, W.WAITERS) > 0) this.wakeParked();
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
