// Binary wire of the stream tap (main thread → process child, over the child's extra socketpair fd):
// length-prefixed frames of raw ring records. The main thread only copies bytes (no decode, no JSON
// parse); the child decodes (the gateway: src/gateway/stream-batch.ts). Everything is little-endian
// and every record starts 8-byte aligned inside its frame, so the reader decodes binary records
// straight from Int32Array/Float64Array views.
//
//  frame  : u32 bodyBytes | u32 WIRE_MAGIC | body (bodyBytes, a multiple of 8)
//  record : u16 kind | u16 topic | u32 len | f64 seq | payload (len bytes, zero-padded to 8)
//    kind 1 TOPIC   : payload = UTF-8 topic name; defines index `topic` (sent before first use)
//    kind 2 RECORD  : payload = a record topic's record exactly as in the ring (market ticks: the
//                     216-byte tick record of src/protocol/tick-record.ts); seq = ring seq
//    kind 3 EVENT   : payload = the event's JSON bytes exactly as in the ring; seq = ring seq
//    kind 4 DROPPED : no payload; seq = records of `topic` the tap could not forward since the last
//                     DROPPED of that topic (ring laps + frames skipped while the reader was slow)
import { appError } from '../errors.js';

export const WIRE_MAGIC = 0x57535041; // "APSW" read as a little-endian u32
export const FRAME_HEAD_BYTES = 8;
export const RECORD_HEAD_BYTES = 16;
/** A frame larger than this is a corrupt length, not data (the tap writes far smaller frames). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export const KIND = { TOPIC: 1, RECORD: 2, EVENT: 3, DROPPED: 4 } as const;
export type RecordKind = (typeof KIND)[keyof typeof KIND];

const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * Builds one frame at a time in a reusable scratch buffer. Records are staged with begin()/commit()
 * so a ring record torn while being copied (the consumer's seqlock rejects it) is never framed.
 */
export class FrameBuilder {
  private buf: Uint8Array;
  private view: DataView;
  private end = FRAME_HEAD_BYTES;
  private staged = -1;
  count = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes of the frame so far (head included). */
  get bytes(): number {
    return this.end;
  }

  /** Reserves a record of `len` payload bytes; returns the payload's offset in `target`. */
  begin(kind: RecordKind, topic: number, len: number, seq: number): number {
    const need = this.end + RECORD_HEAD_BYTES + pad8(len);
    if (need > this.buf.length) this.grow(need);
    const v = this.view;
    v.setUint16(this.end, kind, true);
    v.setUint16(this.end + 2, topic, true);
    v.setUint32(this.end + 4, len, true);
    v.setFloat64(this.end + 8, seq, true);
    this.staged = this.end;
    return this.end + RECORD_HEAD_BYTES;
  }

  /** The buffer payloads are copied into (valid until the next begin()). */
  get target(): Uint8Array {
    return this.buf;
  }

  /** Keeps the record staged by the last begin(). */
  commit(): void {
    if (this.staged < 0) return;
    const len = this.view.getUint32(this.staged + 4, true);
    const payloadEnd = this.staged + RECORD_HEAD_BYTES + len;
    const next = this.staged + RECORD_HEAD_BYTES + pad8(len);
    this.buf.fill(0, payloadEnd, next);
    this.end = next;
    this.staged = -1;
    this.count += 1;
  }

  /** Appends a complete record. */
  add(kind: RecordKind, topic: number, payload: Uint8Array | null, seq: number): void {
    const off = this.begin(kind, topic, payload?.length ?? 0, seq);
    if (payload !== null) this.buf.set(payload, off);
    this.commit();
  }

  /** Returns the finished frame (a fresh copy the socket may keep) and resets; null when empty. */
  take(): Buffer | null {
    this.staged = -1;
    if (this.count === 0) return null;
    const out = Buffer.allocUnsafe(this.end);
    out.set(this.buf.subarray(0, this.end));
    out.writeUInt32LE(this.end - FRAME_HEAD_BYTES, 0);
    out.writeUInt32LE(WIRE_MAGIC, 4);
    this.end = FRAME_HEAD_BYTES;
    this.count = 0;
    return out;
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.end));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** One record as the reader hands it out; views stay valid only during the callback. */
export interface WireRecord {
  readonly kind: number;
  readonly topic: number;
  readonly seq: number;
  /** Byte offset of the payload in `bytes` (8-aligned), and its length. */
  readonly offset: number;
  readonly len: number;
}

/** An 8-aligned frame body with the typed views a decoder needs. */
export interface FrameBody {
  readonly bytes: Uint8Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
}

/**
 * Reassembles frames from a byte stream (socket chunks split anywhere). A bad magic or an absurd
 * length means the stream is corrupt and cannot be resynchronised: push() throws ERR_STREAM_WIRE.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly onFrame: (body: FrameBody) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= FRAME_HEAD_BYTES) {
      const head = this.peek(FRAME_HEAD_BYTES);
      const bodyBytes = head.readUInt32LE(0);
      const magic = head.readUInt32LE(4);
      if (magic !== WIRE_MAGIC || bodyBytes > MAX_FRAME_BYTES || (bodyBytes & 7) !== 0) {
        throw appError('ERR_STREAM_WIRE', { reason: magic !== WIRE_MAGIC ? `bad magic 0x${magic.toString(16)}` : `bad frame length ${bodyBytes}` });
      }
      if (this.buffered < FRAME_HEAD_BYTES + bodyBytes) return;
      this.consume(FRAME_HEAD_BYTES);
      // A fresh ArrayBuffer per frame: 8-aligned views, and handlers may keep what they decode
      const ab = new ArrayBuffer(bodyBytes);
      const bytes = new Uint8Array(ab);
      this.copyOut(bytes);
      this.onFrame({ bytes, i32: new Int32Array(ab), f64: new Float64Array(ab) });
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private consume(n: number): void {
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        this.chunks.shift();
        left -= c.length;
      } else {
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
  }

  private copyOut(into: Uint8Array): void {
    let at = 0;
    while (at < into.length) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length, into.length - at);
      into.set(c.subarray(0, take), at);
      at += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= into.length;
  }
}

/** Walks the records of one frame body; throws ERR_STREAM_WIRE on a record overrunning the body. */
export function forEachRecord(body: FrameBody, fn: (r: WireRecord) => void): void {
  const v = new DataView(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength);
  let at = 0;
  while (at < body.bytes.length) {
    if (at + RECORD_HEAD_BYTES > body.bytes.length) throw appError('ERR_STREAM_WIRE', { reason: `record head overruns the frame at ${at}` });
    const len = v.getUint32(at + 4, true);
    const next = at + RECORD_HEAD_BYTES + pad8(len);
    if (next > body.bytes.length) throw appError('ERR_STREAM_WIRE', { reason: `record of ${len} bytes overruns the frame at ${at}` });
    fn({ kind: v.getUint16(at, true), topic: v.getUint16(at + 2, true), seq: v.getFloat64(at + 8, true), offset: at + RECORD_HEAD_BYTES, len });
    at = next;
  }
}
