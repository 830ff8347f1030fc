// Property tests of the KiteTicker codec: encode → parse is the identity on the fields each packet
// length carries (zeros elsewhere) over random frames mixing every length and segment, and the
// parser never throws on arbitrary bytes (every byte is accounted for: packets or a catalogued error).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseKiteFrame, HEARTBEAT, type KitePacketSink } from '../../../src/kite/ticker/frame.js';
import { encodeKiteFrame, type KitePacketSpec } from '../../../src/kite/ticker/encode.js';
import { PACKET } from '../../../src/kite/ticker/layout.js';
import { packetArb } from './ticker-arb.js';
import { copyTick, newMutableTick } from '../../../src/protocol/tick-record.js';
import type { DepthLevel, Tick } from '../../../src/domain/types.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

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
