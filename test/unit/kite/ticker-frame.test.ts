// KiteTicker frame parser: a worked hex example (INFY LTP + NIFTY 50 index full, built from the
// layout of the official clients and checked by hand), every packet
// length and segment divisor, heartbeats, and each malformed-frame code (counted, never thrown).
import { describe, expect, it } from 'vitest';
import { parseKiteFrame, HEARTBEAT, unpublishableField, type KiteFrameErrorCode, type KitePacketSink } from '../../../src/kite/ticker/frame.js';
import { encodeKiteFrame, HEARTBEAT_FRAME } from '../../../src/kite/ticker/encode.js';
import { PACKET, SEGMENT, divisorOf, type PacketLength } from '../../../src/kite/ticker/layout.js';
import { copyTick, newMutableTick } from '../../../src/protocol/tick-record.js';
import type { Tick } from '../../../src/domain/types.js';

/** A sink that keeps copies of every packet and every error. */
function collect(): KitePacketSink & { ticks: (Tick & { length: number })[]; errors: { code: KiteFrameErrorCode; offset: number; value: number }[] } {
  const ticks: (Tick & { length: number })[] = [];
  const errors: { code: KiteFrameErrorCode; offset: number; value: number }[] = [];
  return {
    ticks,
    errors,
    packet: (t, length) => ticks.push({ ...copyTick(t), length }),
    error: (code, offset, value) => errors.push({ code, offset, value }),
  };
}

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));

const WORKED_EXAMPLE = hex(`
  00 02
  00 08  00 06 3a 01  00 02 66 83
  00 20  00 03 e9 09  00 23 b7 4d  00 23 c5 03  00 23 8b fb  00 23 9e ed  00 23 7f d5  00 00 00 00  66 69 4b 39`);

const level = (price: number, quantity: number, orders: number) => ({ price, quantity, orders });
const zeroDepth = [0, 1, 2, 3, 4].map(() => level(0, 0, 0));

function tick(token: number, over: Partial<Tick> = {}): Tick {
  return {
    token, ltp: 157315, lastQty: 5, avgPrice: 157100, volume: 1_234_567, buyQty: 4000, sellQty: 3500,
    open: 156000, high: 158000, low: 155500, close: 156900, oi: 0, oiDayHigh: 0, oiDayLow: 0,
    divisor: divisorOf(token), tradable: (token & 0xff) !== SEGMENT.INDICES,
    exchangeTs: 1_718_176_569_000, lastTradeTs: 1_718_176_568_000,
    depthBuy: [level(157310, 10, 2), level(157305, 20, 3), level(157300, 30, 4), level(157295, 40, 5), level(157290, 50, 6)],
    depthSell: [level(157320, 11, 1), level(157325, 21, 2), level(157330, 31, 3), level(157335, 41, 4), level(157340, 51, 65535)],
    ...over,
  };
}

describe('KiteTicker frame parser', () => {
  it('decodes the worked example: an LTP packet and an index full packet', () => {
    const sink = collect();
    expect(parseKiteFrame(WORKED_EXAMPLE, newMutableTick(), sink)).toBe(2);
    expect(sink.errors).toEqual([]);
    const [infy, nifty] = sink.ticks;
    expect(infy).toMatchObject({ length: 8, token: 408065, ltp: 157315, divisor: 100, tradable: true, open: 0, close: 0, exchangeTs: 0 });
    expect(infy!.depthBuy).toEqual(zeroDepth);
    expect(nifty).toMatchObject({
      length: 32, token: 256265, ltp: 2340685, high: 2344195, low: 2329595, open: 2334445, close: 2326485,
      divisor: 100, tradable: false, exchangeTs: 1718176569 * 1000, volume: 0,
    });
  });

  it('encodes the worked example byte for byte', () => {
    const frame = encodeKiteFrame([
      { length: PACKET.LTP, tick: tick(408065, { ltp: 157315 }) },
      { length: PACKET.INDEX_FULL, tick: tick(256265, { ltp: 2340685, high: 2344195, low: 2329595, open: 2334445, close: 2326485, exchangeTs: 1718176569000 }) },
    ]);
    // The index packet's raw change (bytes 24..28) is ignored by every client; the example has 0 there
    const expected = WORKED_EXAMPLE.slice();
    const got = frame.slice();
    got.fill(0, 2 + 10 + 2 + 24, 2 + 10 + 2 + 28);
    expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });

  it.each([
    [PACKET.LTP, 1 << 8 | SEGMENT.NSE],
    [PACKET.INDEX_QUOTE, 1001 << 8 | SEGMENT.INDICES],
    [PACKET.INDEX_FULL, 1001 << 8 | SEGMENT.INDICES],
    [PACKET.QUOTE, 1594 << 8 | SEGMENT.BSE],
    [PACKET.FULL, 22345 << 8 | SEGMENT.NFO],
  ] as [PacketLength, number][])('round-trips a %i-byte packet with only the fields of its mode', (length, token) => {
    const t = tick(token, { oi: 77, oiDayHigh: 88, oiDayLow: 66 });
    const sink = collect();
    parseKiteFrame(encodeKiteFrame([{ length, tick: t }]), newMutableTick(), sink);
    const got = sink.ticks[0]!;
    expect(got.token).toBe(token);
    expect(got.ltp).toBe(t.ltp);
    const full = length === PACKET.FULL;
    const quote = full || length === PACKET.QUOTE;
    expect(got.volume).toBe(quote ? t.volume : 0);
    expect(got.close).toBe(length === PACKET.LTP ? 0 : t.close);
    expect(got.oi).toBe(full ? 77 : 0);
    expect(got.exchangeTs).toBe(full || length === PACKET.INDEX_FULL ? t.exchangeTs : 0);
    expect(got.depthSell).toEqual(full ? t.depthSell : zeroDepth);
  });

  it('scales each segment: NSE currency 10^7, BSE currency 10^4, everything else paise', () => {
    const segs = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const frame = encodeKiteFrame(segs.map((s) => ({ length: PACKET.LTP, tick: tick((77 << 8) | s, { ltp: 832_512_345 }) })));
    const sink = collect();
    expect(parseKiteFrame(frame, newMutableTick(), sink)).toBe(9);
    expect(sink.ticks.map((t) => t.divisor)).toEqual([100, 100, 10_000_000, 100, 100, 10_000, 100, 100, 100]);
    expect(sink.ticks.map((t) => t.tradable)).toEqual([true, true, true, true, true, true, true, true, false]);
    // The wire integer is kept: 83.2512345 INR is exactly 832512345 / 10^7, no float in between
    expect(sink.ticks[2]!.ltp).toBe(832_512_345);
  });

  it('reads 4-byte fields unsigned (volumes and tokens above 2^31)', () => {
    const sink = collect();
    parseKiteFrame(encodeKiteFrame([{ length: PACKET.QUOTE, tick: tick(0xfffffe01, { volume: 0xffffffff }) }]), newMutableTick(), sink);
    expect(sink.ticks[0]).toMatchObject({ token: 0xfffffe01, volume: 0xffffffff });
  });

  it('treats a 1-byte message as a heartbeat and an empty frame as zero packets', () => {
    const sink = collect();
    expect(parseKiteFrame(HEARTBEAT_FRAME, newMutableTick(), sink)).toBe(HEARTBEAT);
    expect(parseKiteFrame(Uint8Array.of(0, 0), newMutableTick(), sink)).toBe(0);
    expect(sink.errors).toEqual([]);
  });

  it('reports each malformed frame with its code and keeps the packets it could trust', () => {
    const good = encodeKiteFrame([{ length: PACKET.LTP, tick: tick(408065) }, { length: PACKET.QUOTE, tick: tick(408065) }]);
    const cases: [Uint8Array, KiteFrameErrorCode, number][] = [
      [new Uint8Array(0), 'ERR_FRAME_KITE_TRUNCATED', 0],
      [good.slice(0, good.length - 1), 'ERR_FRAME_KITE_TRUNCATED', 1], // ends inside packet 2
      [good.slice(0, 2 + 10 + 1), 'ERR_FRAME_KITE_TRUNCATED', 1], // ends inside packet 2's length
      [Uint8Array.of(...good, 9, 9, 9), 'ERR_FRAME_KITE_TRAILING', 2],
      [hex('0001 0005 0102030405'), 'ERR_FRAME_KITE_PACKET_LENGTH', 0],
      [hex('0002 0008 0006 3a00 0002 6683 0008 0006 3a01 0002 6683'), 'ERR_FRAME_KITE_SEGMENT', 1], // segment 0
      [hex('0001 0008 0006 3a0a 0002 6683'), 'ERR_FRAME_KITE_SEGMENT', 0], // segment 10
    ];
    for (const [bytes, code, packets] of cases) {
      const sink = collect();
      expect(() => parseKiteFrame(bytes, newMutableTick(), sink)).not.toThrow();
      expect(sink.errors.map((e) => e.code)).toEqual([code]);
      expect(sink.ticks.length).toBe(packets);
    }
  });

  it('flags ticks the tick ring record cannot hold', () => {
    const t = newMutableTick();
    Object.assign(t, { token: 408065, ltp: 157315 });
    expect(unpublishableField(t)).toBeNull();
    expect(unpublishableField(Object.assign(newMutableTick(), { ltp: 0 }))).toBe('ltp');
    expect(unpublishableField(Object.assign(newMutableTick(), { ltp: 2 ** 31 }))).toBe('ltp');
    expect(unpublishableField(Object.assign(newMutableTick(), { ltp: 5, close: 2 ** 31 }))).toBe('price');
  });
});
