// KiteTicker frame parser: one WebSocket binary message → its packets, each decoded into a
// caller-provided MutableTick (the record the tick ring publisher takes) and handed to a sink.
// Layout and invariants: layout.ts.
//
// Hot path rules: no allocation per packet or per frame (bytes are read straight off the
// Uint8Array, no DataView, no slices), no throw whatever the bytes. Malformed input is reported to
// the sink with a catalogued ERR_FRAME_KITE_* code and skipped:
//  - a packet of an unknown length is skipped (like every official client: forward-compatible);
//  - a token whose segment byte is not a known segment is skipped (its price scale is unknown, and a
//    price off by a factor of 10^5 is worse than a missing tick);
//  - a frame that ends inside a length prefix or a packet stops there (the complete packets before
//    it were delivered: each carries its own length, so they are trustworthy);
//  - bytes after the N-th packet are reported once; the N packets were delivered.
// Prices stay the wire integers; `divisor` says their scale (paise for all but currency segments).
import type { MutableTick } from '../../protocol/tick-record.js';
import {
  DEPTH,
  DEPTH_SELL,
  FRAME_COUNT_BYTES,
  HEARTBEAT_BYTES,
  IDX,
  P,
  PACKET,
  PACKET_LENGTH_BYTES,
  SEGMENT,
  SEGMENT_DIVISOR,
  TRD,
  type PacketLength,
} from './layout.js';

/** Malformed-frame codes (catalogued in src/errors.ts). */
export type KiteFrameErrorCode =
  | 'ERR_FRAME_KITE_TRUNCATED'
  | 'ERR_FRAME_KITE_PACKET_LENGTH'
  | 'ERR_FRAME_KITE_SEGMENT'
  | 'ERR_FRAME_KITE_TRAILING';

/** Receives what a frame holds. `tick` is reused for the next packet: read it synchronously. */
export interface KitePacketSink {
  packet(tick: MutableTick, length: PacketLength): void;
  /** `offset`: byte offset in the frame; `value`: the offending length, segment or byte count. */
  error(code: KiteFrameErrorCode, offset: number, value: number): void;
}

/** parseKiteFrame's result for a heartbeat (any other result is the number of packets delivered). */
export const HEARTBEAT = -1;

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/**
 * Parses one binary message. Returns HEARTBEAT for a 1-byte message, else the number of packets
 * handed to `sink.packet` (errors go to `sink.error`). Never throws, never allocates.
 */
export function parseKiteFrame(b: Uint8Array, out: MutableTick, sink: KitePacketSink): number {
  const end = b.length;
  if (end === HEARTBEAT_BYTES) return HEARTBEAT;
  if (end < FRAME_COUNT_BYTES) {
    sink.error('ERR_FRAME_KITE_TRUNCATED', 0, end);
    return 0;
  }
  const n = u16(b, 0);
  let o = FRAME_COUNT_BYTES;
  let delivered = 0;
  for (let i = 0; i < n; i++) {
    if (o + PACKET_LENGTH_BYTES > end) {
      sink.error('ERR_FRAME_KITE_TRUNCATED', o, end);
      return delivered;
    }
    const len = u16(b, o);
    o += PACKET_LENGTH_BYTES;
    if (o + len > end) {
      sink.error('ERR_FRAME_KITE_TRUNCATED', o, len);
      return delivered;
    }
    if (len !== PACKET.LTP && len !== PACKET.INDEX_QUOTE && len !== PACKET.INDEX_FULL && len !== PACKET.QUOTE && len !== PACKET.FULL) {
      sink.error('ERR_FRAME_KITE_PACKET_LENGTH', o, len);
    } else {
      const segment = b[o + 3]!; // low byte of the big-endian token
      const divisor = SEGMENT_DIVISOR[segment] ?? 0;
      if (divisor === 0) sink.error('ERR_FRAME_KITE_SEGMENT', o, segment);
      else {
        decodePacket(b, o, len, divisor, segment !== SEGMENT.INDICES, out);
        sink.packet(out, len);
        delivered++;
      }
    }
    o += len;
  }
  if (o !== end) sink.error('ERR_FRAME_KITE_TRAILING', o, end - o);
  return delivered;
}

/**
 * Decodes the packet at `o` (its length already validated) into `out`. Every field the packet does
 * not carry is reset to 0, so a reused record never leaks a previous packet's values.
 */
function decodePacket(b: Uint8Array, o: number, len: PacketLength, divisor: number, tradable: boolean, out: MutableTick): void {
  out.token = u32(b, o + P.TOKEN);
  out.ltp = u32(b, o + P.LAST_PRICE);
  out.divisor = divisor;
  out.tradable = tradable;
  out.lastQty = 0;
  out.avgPrice = 0;
  out.volume = 0;
  out.buyQty = 0;
  out.sellQty = 0;
  out.oi = 0;
  out.oiDayHigh = 0;
  out.oiDayLow = 0;
  out.exchangeTs = 0;
  out.lastTradeTs = 0;
  if (len === PACKET.LTP) {
    out.open = out.high = out.low = out.close = 0;
  } else if (len === PACKET.INDEX_QUOTE || len === PACKET.INDEX_FULL) {
    out.high = u32(b, o + IDX.HIGH);
    out.low = u32(b, o + IDX.LOW);
    out.open = u32(b, o + IDX.OPEN);
    out.close = u32(b, o + IDX.CLOSE);
    if (len === PACKET.INDEX_FULL) out.exchangeTs = u32(b, o + IDX.EXCHANGE_TS) * 1000;
  } else {
    out.lastQty = u32(b, o + TRD.LAST_QTY);
    out.avgPrice = u32(b, o + TRD.AVG_PRICE);
    out.volume = u32(b, o + TRD.VOLUME);
    out.buyQty = u32(b, o + TRD.BUY_QTY);
    out.sellQty = u32(b, o + TRD.SELL_QTY);
    out.open = u32(b, o + TRD.OPEN);
    out.high = u32(b, o + TRD.HIGH);
    out.low = u32(b, o + TRD.LOW);
    out.close = u32(b, o + TRD.CLOSE);
    if (len === PACKET.FULL) {
      out.lastTradeTs = u32(b, o + TRD.LAST_TRADE_TS) * 1000;
      out.oi = u32(b, o + TRD.OI);
      out.oiDayHigh = u32(b, o + TRD.OI_DAY_HIGH);
      out.oiDayLow = u32(b, o + TRD.OI_DAY_LOW);
      out.exchangeTs = u32(b, o + TRD.EXCHANGE_TS) * 1000;
      decodeDepth(b, o + TRD.DEPTH, out.depthBuy);
      decodeDepth(b, o + DEPTH_SELL, out.depthSell);
      return;
    }
  }
  clearDepth(out.depthBuy);
  clearDepth(out.depthSell);
}

function decodeDepth(b: Uint8Array, o: number, levels: MutableTick['depthBuy']): void {
  for (let i = 0; i < DEPTH.LEVELS; i++) {
    const l = levels[i]!;
    const e = o + i * DEPTH.ENTRY_BYTES;
    l.quantity = u32(b, e + DEPTH.QTY);
    l.price = u32(b, e + DEPTH.PRICE);
    l.orders = u16(b, e + DEPTH.ORDERS);
  }
}

function clearDepth(levels: MutableTick['depthBuy']): void {
  for (let i = 0; i < DEPTH.LEVELS; i++) {
    const l = levels[i]!;
    l.quantity = 0;
    l.price = 0;
    l.orders = 0;
  }
}

/** Largest value a price or signed field of the tick ring record holds (an int32 word). */
export const TICK_RECORD_MAX_PRICE = 0x7fffffff;

/**
 * The field that keeps a decoded packet out of the tick ring, or null when it fits: the ring record
 * stores prices as int32 and requires a positive last price (src/protocol/tick-record.ts). A Kite
 * LTP of 0 (no trade yet) is not a price anyone may trade on.
 */
export function unpublishableField(t: MutableTick): 'ltp' | 'price' | null {
  if (t.ltp <= 0 || t.ltp > TICK_RECORD_MAX_PRICE) return 'ltp';
  const max = TICK_RECORD_MAX_PRICE;
  if (t.avgPrice > max || t.open > max || t.high > max || t.low > max || t.close > max) return 'price';
  for (let i = 0; i < DEPTH.LEVELS; i++) {
    if (t.depthBuy[i]!.price > max || t.depthSell[i]!.price > max) return 'price';
  }
  return null;
}
