// Reliability F2 at the ring boundary: a generated mix of good and malformed frames (bad tag,
// unknown version, wrong or oversized length, NaN/Inf/negative values, random bytes, and a torn
// write that is claimed but never published) goes through a real ring into a TickReceiver. Only
// valid ticks reach the handler, in order; every bad frame is counted by its code; nothing throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { registerConsumer, RingConsumer, RingProducer } from '../../../src/transport/ring.js';
import { TickReceiver } from '../../../src/services/feed/tick-channel.js';
import {
  TICK_PAYLOAD_BYTES,
  TICK_SLOT_BYTES,
  TICK_TAG,
  decodeTick,
  encodeTick,
  newMutableTick,
} from '../../../src/protocol/tick-record.js';
import { fillTick, tickChecksum } from '../../fixtures/ring-common.js';
import { ring } from './ring-helpers.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

type Frame =
  | { kind: 'good' }
  | { kind: 'tag'; tag: number }
  | { kind: 'version'; version: number }
  | { kind: 'length'; len: number }
  | { kind: 'value'; field: 'token' | 'ltp' | 'divisor' | 'exchangeTs' | 'lastTradeTs' | 'stampNs' | 'feedSeq'; bad: number }
  | { kind: 'random'; bytes: Uint8Array };

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Frame>({ kind: 'good' }) },
  fc.record({ kind: fc.constant('tag' as const), tag: fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== TICK_TAG) }),
  fc.record({ kind: fc.constant('version' as const), version: fc.integer({ min: 0, max: 255 }).filter((v) => v !== 1) }),
  fc.record({ kind: fc.constant('length' as const), len: fc.oneof(fc.integer({ min: 0, max: TICK_PAYLOAD_BYTES - 1 }), fc.integer({ min: TICK_PAYLOAD_BYTES + 1, max: 1 << 20 })) }),
  fc.oneof(
    fc.record({ kind: fc.constant('value' as const), field: fc.constant('token' as const), bad: fc.constant(0) }),
    fc.record({ kind: fc.constant('value' as const), field: fc.constant('ltp' as const), bad: fc.integer({ min: -(2 ** 31), max: 0 }) }),
    fc.record({ kind: fc.constant('value' as const), field: fc.constant('divisor' as const), bad: fc.integer({ min: -(2 ** 31), max: 0 }) }),
    fc.record({
      kind: fc.constant('value' as const),
      field: fc.constantFrom('exchangeTs' as const, 'lastTradeTs' as const),
      bad: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -1e9),
    }),
    fc.record({ kind: fc.constant('value' as const), field: fc.constant('stampNs' as const), bad: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY) }),
    fc.record({ kind: fc.constant('value' as const), field: fc.constant('feedSeq' as const), bad: fc.constantFrom(-2, 0.5, 2 ** 53, Number.NaN, -1e12) }),
  ),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: TICK_PAYLOAD_BYTES, maxLength: TICK_PAYLOAD_BYTES }) }),
);

const WORD: Record<string, number> = { token: 0, ltp: 1, divisor: 14 };
const F64: Record<string, number> = { exchangeTs: 8, lastTradeTs: 9, stampNs: 10, feedSeq: 26 };

describe('malformed tick frames through a ring (F2)', () => {
  it('delivers exactly the valid ticks in order and counts every bad frame by code', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 120 }), fc.boolean(), (frames, tornAtEnd) => {
        const sab = ring(64, 'block', 1, TICK_SLOT_BYTES);
        registerConsumer(sab, 0, false);
        const p = new RingProducer(sab, 1);
        const delivered: number[] = [];
        const counted: Record<string, number> = {};
        const rx = new TickReceiver(
          new RingConsumer(sab, 0, { lossy: false }),
          (t) => delivered.push(tickChecksum(t)),
          (code) => {
            counted[code] = (counted[code] ?? 0) + 1;
          },
        );
        const want: number[] = [];
        const wantCodes: Record<string, number> = {};
        const expectCode = (c: string): void => {
          wantCodes[c] = (wantCodes[c] ?? 0) + 1;
        };
        const scratch = newMutableTick();
        const probe = new ArrayBuffer(TICK_PAYLOAD_BYTES);
        for (const [i, f] of frames.entries()) {
          const off = p.claim();
          if (off < 0) {
            rx.drain(1000);
            return false; // never: drained below after every frame
          }
          const t = fillTick(scratch, i, 1);
          encodeTick(p.i32, p.f64, off, t);
          let tag = TICK_TAG;
          let len = TICK_PAYLOAD_BYTES;
          switch (f.kind) {
            case 'good':
              want.push(tickChecksum(t));
              break;
            case 'tag':
              tag = f.tag;
              expectCode('ERR_FRAME_BAD_MAGIC');
              break;
            case 'version':
              p.i32[(off >> 2) + 15] = (p.i32[(off >> 2) + 15]! & ~0xff00) | (f.version << 8);
              expectCode('ERR_FRAME_BAD_VERSION');
              break;
            case 'length':
              len = f.len;
              expectCode('ERR_FRAME_BAD_LENGTH');
              break;
            case 'value':
              if (f.field in WORD) p.i32[(off >> 2) + WORD[f.field]!] = f.bad;
              else p.f64[(off >> 3) + F64[f.field]!] = f.bad;
              expectCode('ERR_FRAME_BAD_VALUE');
              break;
            case 'random': {
              p.u8.set(f.bytes, off);
              // Whatever the bytes say, the receiver must agree with the decoder on them.
              new Uint8Array(probe).set(f.bytes);
              const out = newMutableTick();
              const e = decodeTick(new Int32Array(probe), new Float64Array(probe), 0, TICK_PAYLOAD_BYTES, out);
              if (e === null) want.push(tickChecksum(out));
              else expectCode(e.code);
              break;
            }
          }
          p.publish(tag, len);
          if (i % 7 === 6) rx.drain(1000);
        }
        if (tornAtEnd) {
          // Torn write: a full payload written into a claimed slot whose cursor is never published.
          const off = p.claim();
          encodeTick(p.i32, p.f64, off, fillTick(scratch, 999_999, 1));
        }
        rx.drain(1000);
        const s = rx.stats();
        return (
          JSON.stringify(delivered) === JSON.stringify(want) &&
          JSON.stringify(Object.entries(counted).sort()) === JSON.stringify(Object.entries(wantCodes).sort()) &&
          s.decodeErrors === frames.length - want.length &&
          s.received === frames.length &&
          s.lag === 0
        );
      }),
      { seed, numRuns: 300 },
    );
  });

  it('never throws from drain() whatever is in the slots', () => {
    const sab = ring(8, 'block', 1, TICK_SLOT_BYTES);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const rx = new TickReceiver(new RingConsumer(sab, 0, { lossy: false }), () => undefined, () => undefined);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 232, maxLength: 232 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (bytes, tag, len) => {
        const off = p.claim();
        p.u8.set(bytes, off);
        p.publish(tag, len);
        expect(() => rx.drain(10)).not.toThrow();
      }),
      { seed, numRuns: 500 },
    );
  });
});
