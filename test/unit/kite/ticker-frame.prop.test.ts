// Property tests of the KiteTicker codec: encode → parse is the identity on the fields each packet
// length carries (zeros elsewhere) over random frames mixing every length and segment, and the
// parser never throws on arbitrary bytes (every byte is accounted for: packets or a catalogued error).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseKiteFrame, HEARTBEAT, type KitePacketSink } from '../../../src/kite/ticker/frame.js';
import { encodeKiteFrame, type KitePacketSpec } from '../../../src/kite/ticker/encode.js';
import { PACKET, SEGMENT_DIVISOR, type PacketLength } from '../../../src/kite/ticker/layout.js';
import { copyTick, newMutableTick } from '../../../src/protocol/tick-record.js';
import type { DepthLevel, Tick } from '../../../src/domain/types.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const secondsMs = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((s) => s * 1000);
const level: fc.Arbitrary<DepthLevel> = fc.record({ price: u32, quantity: u32, orders: fc.integer({ min: 0, max: 0xffff }) });
const levels = fc.array(level, { minLength: 5, maxLength: 5 });
const lengths: PacketLength[] = [PACKET.LTP, PACKET.INDEX_QUOTE, PACKET.INDEX_FULL, PACKET.QUOTE, PACKET.FULL];

const packetArb: fc.Arbitrary<KitePacketSpec> = fc
  .record({
    length: fc.constantFrom(...lengths),
    exchangeToken: fc.integer({ min: 0, max: 0xffffff }),
    segment: fc.integer({ min: 1, max: 9 }),
    f: fc.array(u32, { minLength: 13, maxLength: 13 }),
    exchangeTs: secondsMs,
    lastTradeTs: secondsMs,
    depthBuy: levels,
    depthSell: levels,
  })
  .map(({ length, exchangeToken, segment, f, exchangeTs, lastTradeTs, depthBuy, depthSell }) => {
    const token = ((exchangeToken << 8) | segment) >>> 0;
    const tick: Tick = {
      token, ltp: f[0]!, lastQty: f[1]!, avgPrice: f[2]!, volume: f[3]!, buyQty: f[4]!, sellQty: f[5]!,
      open: f[6]!, high: f[7]!, low: f[8]!, close: f[9]!, oi: f[10]!, oiDayHigh: f[11]!, oiDayLow: f[12]!,
      divisor: SEGMENT_DIVISOR[segment]!, tradable: segment !== 9, exchangeTs, lastTradeTs, depthBuy, depthSell,
    };
    return { length, tick };
  });

const ZERO: DepthLevel[] = Array.from({ length: 5 }, () => ({ price: 0, quantity: 0, orders: 0 }));

/** What the parser must produce for a packet: the fields its length carries, zeros elsewhere. */
function expected({ length, tick: t }: KitePacketSpec): Tick {
  const full = length === PACKET.FULL;
  const trd = full || length === PACKET.QUOTE;
  const idx = length === PACKET.INDEX_QUOTE || length === PACKET.INDEX_FULL;
  const z = (on: boolean, v: number): number => (on ? v : 0);
  return {
    token: t.token, ltp: t.ltp, divisor: t.divisor, tradable: t.tradable,
    lastQty: z(trd, t.lastQty), avgPrice: z(trd, t.avgPrice), volume: z(trd, t.volume), buyQty: z(trd, t.buyQty), sellQty: z(trd, t.sellQty),
    open: z(trd || idx, t.open), high: z(trd || idx, t.high), low: z(trd || idx, t.low), close: z(trd || idx, t.close),
    oi: z(full, t.oi), oiDayHigh: z(full, t.oiDayHigh), oiDayLow: z(full, t.oiDayLow),
    exchangeTs: z(full || length === PACKET.INDEX_FULL, t.exchangeTs), lastTradeTs: z(full, t.lastTradeTs),
    depthBuy: full ? t.depthBuy : ZERO, depthSell: full ? t.depthSell : ZERO,
  };
}

describe('KiteTicker codec properties', () => {
  it('encode → parse is the identity for random frames of every length and segment, with one reused record', () => {
    const out = newMutableTick();
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 0, maxLength: 12 }), (packets) => {
        const got: Tick[] = [];
        const sink: KitePacketSink = {
          packet: (t) => got.push(copyTick(t)),
          error: (code) => {
            throw new Error(`unexpected ${code}`);
          },
        };
        expect(parseKiteFrame(encodeKiteFrame(packets), out, sink)).toBe(packets.length);
        expect(got).toEqual(packets.map(expected));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes, and delivers at most what the frame can hold', () => {
    const out = newMutableTick();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (raw, plausible) => {
        // Half the cases get a small packet count so that the parser walks into the packets
        const bytes = raw.slice();
        if (plausible && bytes.length >= 2) {
          bytes[0] = 0;
          bytes[1] = bytes[1]! % 4;
        }
        let packets = 0;
        let errors = 0;
        const n = parseKiteFrame(bytes, out, { packet: () => packets++, error: () => errors++ });
        if (bytes.length === 1) expect(n).toBe(HEARTBEAT);
        else expect(n).toBe(packets);
        expect(packets * 10).toBeLessThanOrEqual(Math.max(0, bytes.length - 2));
        // A frame that is not exactly its declared packets is always reported
        if (bytes.length !== 1 && bytes.length >= 2) {
          const declared = (bytes[0]! << 8) | bytes[1]!;
          if (packets < declared) expect(errors).toBeGreaterThan(0);
        }
      }),
      { seed, numRuns: 2000 },
    );
  });
});
