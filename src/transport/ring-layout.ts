// Shared-memory layout of an Alpha Panda ring: one producer, up to MAX_CONSUMERS consumers, fixed
// slots. This file is the single source of truth for every offset; ring.ts only reads these names.
// Invariants: a slot is published (stamp, then cursor) only after its payload is fully written;
// no word in shared memory is ever used as a lock.
//
//  SharedArrayBuffer
//  byte 0                                                                      headerBytes
//  +-----------------+-----------------+---------------+----------------+ ... +------------------+
//  | line 0 (static) | line 1 producer | line 2 wake   | line 3 cons #0 |     | line 3+N cons #N |
//  +-----------------+-----------------+---------------+----------------+ ... +------------------+
//  each line is 64 bytes (one cache line) so the producer and every consumer write disjoint lines
//
//  line 0  w0 MAGIC  w1 VERSION  w2 CAPACITY  w3 SLOT_BYTES  w4 POLICY  w5 MAX_CONSUMERS  w6 HEADER_BYTES
//  line 1  w16 PUB_CURSOR (31-bit wrapping count of published records)   w17 PRODUCER_GEN
//          w18..19 NEXT_SEQ (float64, full 53-bit sequence of the next record)
//          w20 PRODUCER_WAITING (1 while a blocked producer is parked)   w21 SPACE_SIGNAL (bumped by consumers)
//          w22 PRODUCER_ATTACHES (how many producer incarnations attached)
//  line 2  w32 WAITERS (number of consumers parked on PUB_CURSOR)
//  line 3+i (consumer i, written only by consumer i after it attached)
//          +0 CURSOR (31-bit wrapping index of the next record to read; "released" position)
//          +1 FLAGS (bit0 attached, bit1 lossy)   +2..3 DROPPED (float64, records this consumer missed)
//          +4 LAST_GEN (producer gen of the last record read)   +5 ATTACHES
//          +6 DOORBELL (index of the consumer actor's word on the doorbell board)
//          +8..9 RECEIVED (float64, records delivered)
//
//  Doorbell board (a separate SAB shared by every actor): one int32 per actor, 64 bytes apart. A
//  consumer that reads several rings parks on its own board word (flags bit2 PARKED set in each
//  ring it reads); a producer that publishes while WAITERS > 0 bumps and notifies the board word of
//  every PARKED consumer. One futex wait thus covers all of an actor's rings.
//
//  slots (capacity × slotBytes, capacity a power of two), each slot:
//  +--------+--------+----------------+----------+----------+---------------------------------+
//  | stamp  |  gen   | seq (float64)  | tag:u16  | len:u32  | payload (slotBytes - 24 bytes)   |
//  | i32 @0 | i32 @4 | @8             | ver:u16  | @20      | @24                              |
//  +--------+--------+----------------+----------+----------+---------------------------------+
//  stamp = cursor + 1 of the record held (never 0 for a valid record; 0 = being written/never written)

/** Cursor arithmetic is modulo 2^31 so that `stamp = cursor + 1` is never 0 and fits an int32. */
export const CURSOR_MASK = 0x7fffffff;

export const RING_MAGIC = 0x41505247; // 'APRG'
export const RING_VERSION = 1;

export const LINE_WORDS = 16;
export const W = {
  MAGIC: 0,
  VERSION: 1,
  CAPACITY: 2,
  SLOT_BYTES: 3,
  POLICY: 4,
  MAX_CONSUMERS: 5,
  HEADER_BYTES: 6,
  PUB_CURSOR: 16,
  PRODUCER_GEN: 17,
  NEXT_SEQ_F64: 9, // index into a Float64Array view: bytes 72..79 = words 18..19
  PRODUCER_WAITING: 20,
  SPACE_SIGNAL: 21,
  PRODUCER_ATTACHES: 22,
  WAITERS: 32,
} as const;

/** Word offsets inside a consumer's line. */
export const C = {
  CURSOR: 0,
  FLAGS: 1,
  DROPPED_F64: 1, // float64 index relative to the line's first float64 (bytes +8..+15)
  LAST_GEN: 4,
  ATTACHES: 5,
  DOORBELL: 6,
  RECEIVED_F64: 4, // float64 index relative to the line's first float64 (bytes +32..+39)
} as const;

export const FLAG_ATTACHED = 1;
export const FLAG_LOSSY = 2;
export const FLAG_PARKED = 4;

/** Words between two actors' doorbells on the board (one cache line each). */
export const DOORBELL_STRIDE = 16;

/** Creates the doorbell board shared by all actors of one runtime. */
export function createDoorbellBoard(maxActors: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(maxActors * DOORBELL_STRIDE * 4));
}

/** Slot header offsets in bytes. */
export const SLOT = {
  STAMP: 0,
  GEN: 4,
  SEQ: 8,
  TAG: 16,
  VER: 18,
  LEN: 20,
  PAYLOAD: 24,
} as const;
export const SLOT_HEADER_BYTES = SLOT.PAYLOAD;

export type RingPolicy = 'block' | 'drop';
export const POLICY_CODE: Record<RingPolicy, number> = { block: 1, drop: 2 };

export function consumerLineWord(index: number): number {
  return (3 + index) * LINE_WORDS;
}

export function headerBytesFor(maxConsumers: number): number {
  return (3 + maxConsumers) * LINE_WORDS * 4;
}

export function ringBytes(capacity: number, slotBytes: number, maxConsumers: number): number {
  return headerBytesFor(maxConsumers) + capacity * slotBytes;
}
