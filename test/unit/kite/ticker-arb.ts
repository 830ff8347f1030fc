// fast-check arbitraries for KiteTicker packets, shared by the codec property test and the parity
// test against the official client: random packets of every length and segment, 4-byte fields over
// the whole u32 range (half of them small, like real prices and quantities), timestamps in whole
// seconds (the wire has no milliseconds).
import fc from 'fast-check';
import type { KitePacketSpec } from '../../../src/kite/ticker/encode.js';
import { PACKET, SEGMENT_DIVISOR, type PacketLength } from '../../../src/kite/ticker/layout.js';
import type { DepthLevel, Tick } from '../../../src/domain/types.js';

export const u32 = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
const secondsMs = fc.oneof(fc.constant(0), fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })).map((s) => s * 1000);
const level: fc.Arbitrary<DepthLevel> = fc.record({ price: u32, quantity: u32, orders: fc.integer({ min: 0, max: 0xffff }) });
const levels = fc.array(level, { minLength: 5, maxLength: 5 });
export const PACKET_LENGTHS: readonly PacketLength[] = [PACKET.LTP, PACKET.INDEX_QUOTE, PACKET.INDEX_FULL, PACKET.QUOTE, PACKET.FULL];

export const packetArb: fc.Arbitrary<KitePacketSpec> = fc
  .record({
    length: fc.constantFrom(...PACKET_LENGTHS),
    exchangeToken: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffff })),
    segment: fc.integer({ min: 1, max: 9 }),
    f: fc.array(u32, { minLength: 13, maxLength: 13 }),
    exchangeTs: secondsMs,
    lastTradeTs: secondsMs,
    depthBuy: levels,
    depthSell: levels,
  })
  .map(({ length, exchangeToken, segment, f, exchangeTs, lastTradeTs, depthBuy, depthSell }) => {
    const tick: Tick = {
      token: ((exchangeToken << 8) | segment) >>> 0, ltp: f[0]!, lastQty: f[1]!, avgPrice: f[2]!, volume: f[3]!, buyQty: f[4]!,
      sellQty: f[5]!, open: f[6]!, high: f[7]!, low: f[8]!, close: f[9]!, oi: f[10]!, oiDayHigh: f[11]!, oiDayLow: f[12]!,
      divisor: SEGMENT_DIVISOR[segment]!, tradable: segment !== 9, exchangeTs, lastTradeTs, depthBuy, depthSell,
    };
    return { length, tick };
  });
