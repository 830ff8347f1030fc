// Tick record codec: encode → decode is the identity for every valid tick (property), and
// decodeTick never throws on arbitrary bytes, offsets and lengths, returning typed errors instead.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEPTH_LEVELS,
  TICK_PAYLOAD_BYTES,
  TICK_VERSION,
  copyTick,
  decodeTick,
  encodeTick,
  newMutableTick,
  type MutableTick,
} from '../../../src/protocol/tick-record.js';
import type { DepthLevel, Tick } from '../../../src/domain/types.js';
import { fillTick } from '../../fixtures/ring-common.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const pos32 = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const ts = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });
const level: fc.Arbitrary<DepthLevel> = fc.record({ price: i32, quantity: u32, orders: u32 });

const tickArb: fc.Arbitrary<Tick> = fc.record({
  token: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  ltp: pos32,
  lastQty: u32,
  avgPrice: i32,
  volume: u32,
  buyQty: u32,
  sellQty: u32,
  open: i32,
  high: i32,
  low: i32,
  close: i32,
  oi: u32,
  oiDayHigh: u32,
  oiDayLow: u32,
  divisor: pos32,
  tradable: fc.boolean(),
  exchangeTs: ts,
  lastTradeTs: ts,
  depthBuy: fc.array(level, { maxLength: DEPTH_LEVELS }),
  depthSell: fc.array(level, { maxLength: DEPTH_LEVELS }),
  feedSeq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
}, { requiredKeys: ['token', 'ltp', 'lastQty', 'avgPrice', 'volume', 'buyQty', 'sellQty', 'open', 'high', 'low', 'close', 'oi', 'oiDayHigh', 'oiDayLow', 'divisor', 'tradable', 'exchangeTs', 'lastTradeTs', 'depthBuy', 'depthSell'] });

const pad = (levels: readonly DepthLevel[]): DepthLevel[] =>
  Array.from({ length: DEPTH_LEVELS }, (_, i) => levels[i] ?? { price: 0, quantity: 0, orders: 0 });

function views(bytes: number): { i32: Int32Array; f64: Float64Array; u8: Uint8Array } {
  const buf = new ArrayBuffer(bytes);
  return { i32: new Int32Array(buf), f64: new Float64Array(buf), u8: new Uint8Array(buf) };
}

describe('tick record codec', () => {
  it('round-trips every valid tick exactly (depth padded to 5 levels)', () => {
    const v = views(1024);
    const out = newMutableTick();
    fc.assert(
      fc.property(tickArb, fc.integer({ min: 0, max: 100 }), fc.double({ noNaN: true, noDefaultInfinity: true }), (t, slot, stampNs) => {
        const off = slot * 8;
        encodeTick(v.i32, v.f64, off, t, stampNs);
        const e = decodeTick(v.i32, v.f64, off, TICK_PAYLOAD_BYTES, out);
        expect(e).toBeNull();
        expect(copyTick(out)).toEqual({ ...t, depthBuy: pad(t.depthBuy), depthSell: pad(t.depthSell) });
        expect(Object.is(out.stampNs, stampNs)).toBe(true);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('round-trips the ring test generator (the integration suites rely on it)', () => {
    const v = views(512);
    const a = newMutableTick();
    const b = newMutableTick();
    for (let seq = 0; seq < 2000; seq += 7) {
      encodeTick(v.i32, v.f64, 8, fillTick(a, seq, seq % 5), 0);
      expect(decodeTick(v.i32, v.f64, 8, TICK_PAYLOAD_BYTES, b)).toBeNull();
      expect(b).toEqual(a);
    }
  });

  it('never throws on random bytes, offsets and lengths; errors are typed, successes are valid', () => {
    const codes = new Set(['ERR_FRAME_BAD_VERSION', 'ERR_FRAME_BAD_LENGTH', 'ERR_FRAME_BAD_VALUE']);
    const out = newMutableTick();
    const again = newMutableTick();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.oneof(fc.integer({ min: -64, max: 600 }), fc.constantFrom(0, 8, 16, Number.NaN, 1.5, -8)),
        fc.oneof(fc.constant(TICK_PAYLOAD_BYTES), fc.integer({ min: -10, max: 1000 }), fc.constant(Number.NaN)),
        fc.boolean(),
        (words8, byteSeed, off, len, forceVersion) => {
          const v = views(words8 * 8);
          let x = byteSeed | 0;
          for (let i = 0; i < v.u8.length; i++) {
            x = (Math.imul(x, 1103515245) + 12345) | 0;
            v.u8[i] = x >>> 24;
          }
          // Half the time make the version right so the value checks are reached too.
          const w = (off | 0) >> 2;
          if (forceVersion && w >= 0 && w + 15 < v.i32.length) v.i32[w + 15] = (v.i32[w + 15]! & ~0xff00) | (TICK_VERSION << 8);
          let e: ReturnType<typeof decodeTick> = null;
          expect(() => {
            e = decodeTick(v.i32, v.f64, off, len, out);
          }).not.toThrow();
          if (e !== null) {
            expect(codes.has((e as { code: string }).code)).toBe(true);
            return;
          }
          expect(out.token).toBeGreaterThan(0);
          expect(out.ltp).toBeGreaterThan(0);
          expect(out.divisor).toBeGreaterThan(0);
          expect(Number.isFinite(out.exchangeTs) && out.exchangeTs >= 0).toBe(true);
          expect(Number.isFinite(out.lastTradeTs) && out.lastTradeTs >= 0).toBe(true);
          expect(Number.isFinite(out.stampNs)).toBe(true);
          expect(Number.isSafeInteger(out.feedSeq) && out.feedSeq >= -1).toBe(true);
          // A frame that decodes is a fixed point: encoding and decoding it again changes nothing.
          const u = views(256);
          encodeTick(u.i32, u.f64, 0, out, out.stampNs, out.feedSeq);
          expect(decodeTick(u.i32, u.f64, 0, TICK_PAYLOAD_BYTES, again)).toBeNull();
          expect(again).toEqual(out);
        },
      ),
      { seed, numRuns: 2000 },
    );
  });

  describe('typed errors', () => {
    const good = (): { v: ReturnType<typeof views>; t: MutableTick } => {
      const v = views(512);
      const t = fillTick(newMutableTick(), 42, 1);
      encodeTick(v.i32, v.f64, 0, t, 5);
      return { v, t };
    };

    it('bad length, misaligned or out-of-range offset → ERR_FRAME_BAD_LENGTH', () => {
      const { v } = good();
      const out = newMutableTick();
      expect(decodeTick(v.i32, v.f64, 0, TICK_PAYLOAD_BYTES - 1, out)).toEqual({ code: 'ERR_FRAME_BAD_LENGTH', length: TICK_PAYLOAD_BYTES - 1, expected: TICK_PAYLOAD_BYTES });
      expect(decodeTick(v.i32, v.f64, 0, 4096, out)?.code).toBe('ERR_FRAME_BAD_LENGTH');
      expect(decodeTick(v.i32, v.f64, 4, TICK_PAYLOAD_BYTES, out)?.code).toBe('ERR_FRAME_BAD_LENGTH');
      expect(decodeTick(v.i32, v.f64, -8, TICK_PAYLOAD_BYTES, out)?.code).toBe('ERR_FRAME_BAD_LENGTH');
      expect(decodeTick(v.i32, v.f64, 512 - 200, TICK_PAYLOAD_BYTES, out)?.code).toBe('ERR_FRAME_BAD_LENGTH');
    });

    it('unknown version → ERR_FRAME_BAD_VERSION with the version found', () => {
      const { v } = good();
      v.i32[15] = (v.i32[15]! & ~0xff00) | (9 << 8);
      expect(decodeTick(v.i32, v.f64, 0, TICK_PAYLOAD_BYTES, newMutableTick())).toEqual({ code: 'ERR_FRAME_BAD_VERSION', version: 9 });
    });

    it('invalid values → ERR_FRAME_BAD_VALUE naming the field', () => {
      const cases: [string, (v: ReturnType<typeof views>) => void][] = [
        ['token', (v) => (v.i32[0] = 0)],
        ['ltp', (v) => (v.i32[1] = 0)],
        ['ltp', (v) => (v.i32[1] = -5)],
        ['divisor', (v) => (v.i32[14] = 0)],
        ['exchangeTs', (v) => (v.f64[8] = Number.NaN)],
        ['exchangeTs', (v) => (v.f64[8] = Number.POSITIVE_INFINITY)],
        ['exchangeTs', (v) => (v.f64[8] = -1)],
        ['lastTradeTs', (v) => (v.f64[9] = Number.NEGATIVE_INFINITY)],
        ['stampNs', (v) => (v.f64[10] = Number.NaN)],
        ['feedSeq', (v) => (v.f64[26] = -2)],
        ['feedSeq', (v) => (v.f64[26] = 1.5)],
        ['feedSeq', (v) => (v.f64[26] = Number.NaN)],
      ];
      for (const [field, corrupt] of cases) {
        const { v } = good();
        corrupt(v);
        const e = decodeTick(v.i32, v.f64, 0, TICK_PAYLOAD_BYTES, newMutableTick());
        expect(e?.code, field).toBe('ERR_FRAME_BAD_VALUE');
        expect(e !== null && e.code === 'ERR_FRAME_BAD_VALUE' && e.field).toBe(field);
      }
    });
  });
});
