import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeTickFrame, encodeTickFrame, FRAME_HEADER_BYTES, FRAME_MAGIC, FRAME_RECORD_BYTES } from '../../../src/gateway/tick-frame.js';
import { changeBps, tickToJson } from '../../../src/gateway/tick-json.js';
import type { Tick } from '../../../src/domain/types.js';

const level = { price: 0, quantity: 0, orders: 0 };
const tick = (p: Partial<Tick>): Tick => ({
  token: 256265, ltp: 2_450_075, lastQty: 5, avgPrice: 2_449_000, volume: 123_456, buyQty: 10, sellQty: 20,
  open: 2_400_000, high: 2_460_000, low: 2_390_000, close: 2_420_000, oi: 7, oiDayHigh: 0, oiDayLow: 0, divisor: 100,
  tradable: true, exchangeTs: 1_700_000_000_123, lastTradeTs: 1_700_000_000_100,
  depthBuy: [{ price: 2_450_000, quantity: 3, orders: 1 }, level, level, level, level], depthSell: [level, level, level, level, level],
  ...p,
});

describe('binary tick frame', () => {
  it('has the documented header and record size', () => {
    const f = encodeTickFrame([tick({}), tick({ token: 1 })]);
    const v = new DataView(f.buffer);
    expect(f.byteLength).toBe(FRAME_HEADER_BYTES + 2 * FRAME_RECORD_BYTES);
    expect(v.getUint32(0, true)).toBe(FRAME_MAGIC);
    expect(String.fromCharCode(...f.slice(0, 4))).toBe('APTK');
    expect(v.getUint16(4, true)).toBe(1);
    expect(v.getUint16(6, true)).toBe(72);
    expect(v.getUint32(8, true)).toBe(2);
    expect(v.getUint32(FRAME_HEADER_BYTES + 4, true)).toBe(2_450_075);
  });

  it('round-trips every field (property)', () => {
    const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
    console.log('seed', seed);
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    const arb = fc.record({
      token: u32, ltp: i32, open: i32, high: i32, low: i32, close: i32, volume: u32, lastQty: u32, avgPrice: i32,
      buyQty: u32, sellQty: u32, oi: u32, divisor: fc.integer({ min: 1, max: 10_000_000 }), tradable: fc.boolean(),
      exchangeTs: fc.integer({ min: 0, max: 4_102_444_800_000 }), lastTradeTs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 20 }), (parts) => {
        const ticks = parts.map((p) => tick(p));
        const back = decodeTickFrame(encodeTickFrame(ticks));
        expect(back).toEqual(parts.map((p) => ({ ...p })));
      }),
      { seed, numRuns: 200 },
    );
  });

  it('rejects malformed frames', () => {
    const f = encodeTickFrame([tick({})]);
    expect(decodeTickFrame(f.slice(0, 10))).toBeNull();
    expect(decodeTickFrame(f.slice(0, f.byteLength - 1))).toBeNull();
    const bad = f.slice();
    bad[0] = 0;
    expect(decodeTickFrame(bad)).toBeNull();
  });
});

describe('TickJson', () => {
  it('keeps integer minor units and computes change in paise and basis points', () => {
    const j = tickToJson(tick({ ltp: 2_442_000, close: 2_420_000 }), false);
    expect(j.change).toBe(22_000);
    expect(j.changeBps).toBe(91); // 22000/2420000 = 0.909 %
    expect(j.divisor).toBe(100);
    expect('depth' in j).toBe(false);
    expect(tickToJson(tick({}), true).depth?.buy[0]).toEqual({ price: 2_450_000, quantity: 3, orders: 1 });
  });

  it('rounds basis points half away from zero and handles close 0', () => {
    expect(changeBps(10_005, 10_000)).toBe(5);
    expect(changeBps(9_995, 10_000)).toBe(-5);
    expect(changeBps(100_005, 2_000_000)).toBe(-9500);
    expect(changeBps(1_000_050, 1_000_000)).toBe(1); // 0.5 bp → 1
    expect(changeBps(999_950, 1_000_000)).toBe(-1);
    expect(changeBps(5, 0)).toBe(0);
  });
});
