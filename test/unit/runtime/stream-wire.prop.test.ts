// The stream tap's wire (src/runtime/stream-wire.ts): whatever the records and however the socket
// splits the bytes, the reader hands back exactly the frames and records that were built, ticks
// decode to what was encoded, and corrupt framing is refused with ERR_STREAM_WIRE, never misread.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTick, TICK_PAYLOAD_BYTES } from '../../../src/protocol/tick-record.js';
import { forEachRecord, FrameBuilder, FrameReader, KIND, type FrameBody } from '../../../src/runtime/stream-wire.js';
import { BatchDecoder } from '../../../src/gateway/stream-batch.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

interface Rec {
  readonly kind: number;
  readonly topic: number;
  readonly seq: number;
  readonly payload: Uint8Array;
}
const rec = fc.record({
  kind: fc.constantFrom(KIND.EVENT, KIND.DROPPED),
  topic: fc.integer({ min: 0, max: 65535 }),
  seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  payload: fc.uint8Array({ maxLength: 600 }),
});

/** Splits `bytes` at the given fractions. */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const a of at) {
    out.push(bytes.subarray(from, a));
    from = a;
  }
  out.push(bytes.subarray(from));
  return out;
}

describe('stream wire', () => {
  it('frames survive any chunking unchanged (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(rec, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 6 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (frames, cuts) => {
        const b = new FrameBuilder(64);
        const wire = Buffer.concat(
          frames.map((f) => {
            for (const r of f) b.add(r.kind as 3 | 4, r.topic, r.kind === KIND.DROPPED ? null : r.payload, r.seq);
            return b.take()!;
          }),
        );
        const got: Rec[][] = [];
        const reader = new FrameReader((body: FrameBody) => {
          const recs: Rec[] = [];
          forEachRecord(body, (r) => recs.push({ kind: r.kind, topic: r.topic, seq: r.seq, payload: body.bytes.slice(r.offset, r.offset + r.len) }));
          got.push(recs);
        });
        for (const c of split(wire, cuts)) reader.push(c);
        expect(got).toEqual(frames.map((f) => f.map((r) => ({ ...r, payload: r.kind === KIND.DROPPED ? new Uint8Array(0) : r.payload }))));
      }),
      { seed, numRuns: 200 },
    );
  });

  it('a staged record that is not committed never reaches the frame', () => {
    const b = new FrameBuilder();
    b.add(KIND.EVENT, 0, new Uint8Array([1]), 1);
    b.begin(KIND.EVENT, 0, 3, 2);
    expect(b.count).toBe(1);
    const frame = b.take()!;
    const seqs: number[] = [];
    new FrameReader((body) => forEachRecord(body, (r) => seqs.push(r.seq))).push(frame);
    expect(seqs).toEqual([1]);
  });

  it('decodes ticks, events (watermarks hidden) and drops into a batch', () => {
    const b = new FrameBuilder();
    const enc = new TextEncoder();
    b.add(KIND.TOPIC, 0, enc.encode('market.ticks'), 0);
    b.add(KIND.TOPIC, 1, enc.encode('paper.orders.filled'), 0);
    const ab = new ArrayBuffer(TICK_PAYLOAD_BYTES);
    encodeTick(new Int32Array(ab), new Float64Array(ab), 0, { token: 9, ltp: 123, lastQty: 1, avgPrice: 1, volume: 1, buyQty: 0, sellQty: 0, open: 1, high: 1, low: 1, close: 1, oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: 5, lastTradeTs: 5, depthBuy: [], depthSell: [] });
    b.add(KIND.RECORD, 0, new Uint8Array(ab), 7);
    b.add(KIND.EVENT, 1, enc.encode('{"type":"order_filled","id":1}'), 8);
    b.add(KIND.EVENT, 1, enc.encode('{"type":"watermark"}'), 9);
    b.add(KIND.DROPPED, 0, null, 4);
    const batches: unknown[] = [];
    const d = new BatchDecoder();
    new FrameReader((body) => batches.push(d.decode(body))).push(b.take()!);
    expect(batches).toEqual([
      {
        ticks: [expect.objectContaining({ token: 9, ltp: 123, divisor: 100, exchangeTs: 5 })],
        events: [{ topic: 'paper.orders.filled', seq: 8, msg: { type: 'order_filled', id: 1 } }],
        dropped: { 'market.ticks': 4 },
      },
    ]);
  });

  it('refuses a bad magic or an impossible length with ERR_STREAM_WIRE', () => {
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(8, 0);
    bad.writeUInt32LE(0xdeadbeef, 4);
    expect(() => new FrameReader(() => undefined).push(bad)).toThrow(expect.objectContaining({ code: 'ERR_STREAM_WIRE' }));
    const odd = Buffer.alloc(16);
    odd.writeUInt32LE(7, 0);
    odd.writeUInt32LE(0x57535041, 4);
    expect(() => new FrameReader(() => undefined).push(odd)).toThrow(expect.objectContaining({ code: 'ERR_STREAM_WIRE' }));
    const d = new BatchDecoder();
    const b = new FrameBuilder();
    b.add(KIND.EVENT, 3, new TextEncoder().encode('{}'), 1);
    expect(() => new FrameReader((body) => d.decode(body)).push(b.take()!)).toThrow(expect.objectContaining({ code: 'ERR_STREAM_WIRE' }));
  });
});
