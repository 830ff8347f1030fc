// Ring creation, the typed views every endpoint uses, counters readable from any thread, and
// consumer pre-registration. Layout: ring-layout.ts. Endpoints: ring-producer.ts, ring-consumer.ts.
import { appError } from '../errors.js';
import {
  C,
  CURSOR_MASK,
  FLAG_ATTACHED,
  FLAG_LOSSY,
  LINE_WORDS,
  POLICY_CODE,
  RING_MAGIC,
  RING_VERSION,
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
export class RingViews {
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
