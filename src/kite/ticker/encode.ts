// KiteTicker frame encoder: the exact inverse of frame.ts for every packet length (the property
// test checks encode → parse is the identity). Used by the sandbox ticker server and by tests; not
// on our hot path, so it may allocate one buffer per frame.
//
// Input values are the wire integers, as our ticks carry them: prices in minor units of the
// segment's divisor (layout.ts SEGMENT_DIVISOR), quantities raw, timestamps in epoch ms (written
// as whole seconds: the wire has no milliseconds). Every value must fit a u32 (u16 for depth
// orders); the encoder writes the low bits of anything larger, exactly as a C struct would.
import type { DepthLevel, Tick } from '../../domain/types.js';
import {
  DEPTH,
  DEPTH_SELL,
  FRAME_COUNT_BYTES,
  IDX,
  P,
  PACKET,
  PACKET_LENGTH_BYTES,
  TRD,
  type PacketLength,
} from './layout.js';

/** One packet to encode: the tick and the length (mode) to send it in. */
export interface KitePacketSpec {
  readonly length: PacketLength;
  readonly tick: Tick;
}

/** The 1-byte heartbeat message. */
export const HEARTBEAT_FRAME: Uint8Array = Uint8Array.of(0);

const w16 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
};
const w32 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
};
const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Bytes of a frame holding these packets. */
export function frameBytes(packets: readonly KitePacketSpec[]): number {
  let n = FRAME_COUNT_BYTES;
  for (const p of packets) n += PACKET_LENGTH_BYTES + p.length;
  return n;
}

/** Encodes one binary message with `packets` in order (at most 65535 of them). */
export function encodeKiteFrame(packets: readonly KitePacketSpec[]): Uint8Array {
  const b = new Uint8Array(frameBytes(packets));
  w16(b, 0, packets.length);
  let o = FRAME_COUNT_BYTES;
  for (const p of packets) {
    w16(b, o, p.length);
    o += PACKET_LENGTH_BYTES;
    writeKitePacket(b, o, p.length, p.tick);
    o += p.length;
  }
  return b;
}

/** Writes one packet of `len` bytes at `o`. */
export function writeKitePacket(b: Uint8Array, o: number, len: PacketLength, t: Tick): void {
  w32(b, o + P.TOKEN, t.token);
  w32(b, o + P.LAST_PRICE, t.ltp);
  if (len === PACKET.LTP) return;
  if (len === PACKET.INDEX_QUOTE || len === PACKET.INDEX_FULL) {
    w32(b, o + IDX.HIGH, t.high);
    w32(b, o + IDX.LOW, t.low);
    w32(b, o + IDX.OPEN, t.open);
    w32(b, o + IDX.CLOSE, t.close);
    // The exchange's absolute change; clients recompute a percentage, the parser ignores it
    w32(b, o + IDX.CHANGE, (t.ltp - t.close) | 0);
    if (len === PACKET.INDEX_FULL) w32(b, o + IDX.EXCHANGE_TS, seconds(t.exchangeTs));
    return;
  }
  w32(b, o + TRD.LAST_QTY, t.lastQty);
  w32(b, o + TRD.AVG_PRICE, t.avgPrice);
  w32(b, o + TRD.VOLUME, t.volume);
  w32(b, o + TRD.BUY_QTY, t.buyQty);
  w32(b, o + TRD.SELL_QTY, t.sellQty);
  w32(b, o + TRD.OPEN, t.open);
  w32(b, o + TRD.HIGH, t.high);
  w32(b, o + TRD.LOW, t.low);
  w32(b, o + TRD.CLOSE, t.close);
  if (len === PACKET.QUOTE) return;
  w32(b, o + TRD.LAST_TRADE_TS, seconds(t.lastTradeTs));
  w32(b, o + TRD.OI, t.oi);
  w32(b, o + TRD.OI_DAY_HIGH, t.oiDayHigh);
  w32(b, o + TRD.OI_DAY_LOW, t.oiDayLow);
  w32(b, o + TRD.EXCHANGE_TS, seconds(t.exchangeTs));
  writeDepth(b, o + TRD.DEPTH, t.depthBuy);
  writeDepth(b, o + DEPTH_SELL, t.depthSell);
}

function writeDepth(b: Uint8Array, o: number, levels: readonly DepthLevel[]): void {
  for (let i = 0; i < DEPTH.LEVELS; i++) {
    const l = levels[i];
    const e = o + i * DEPTH.ENTRY_BYTES;
    w32(b, e + DEPTH.QTY, l?.quantity ?? 0);
    w32(b, e + DEPTH.PRICE, l?.price ?? 0);
    w16(b, e + DEPTH.ORDERS, l?.orders ?? 0);
    w16(b, e + DEPTH.ORDERS + 2, 0); // padding
  }
}
