// Fixed-width binary tick record carried in the `market.ticks` ring payload (tag TICK_TAG).
// Mirrors Kite's 184-byte FULL packet fields plus our own timestamps; all prices stay integers in
// minor units (÷ divisor), so encode/decode never rounds. Decoding validates before it trusts.
//
//  payload (216 bytes, int32 words unless noted; starts 8-byte aligned inside the slot)
//  w0  token        w1  ltp          w2  lastQty      w3  avgPrice     w4  volume (u32)
//  w5  buyQty (u32) w6  sellQty (u32) w7 open         w8  high         w9  low
//  w10 close        w11 oi (u32)     w12 oiDayHigh    w13 oiDayLow     w14 divisor
//  w15 flags: bit0 tradable, bits8..15 record version (TICK_VERSION)
//  w16..17 exchangeTs (f64 ms)   w18..19 lastTradeTs (f64 ms)   w20..21 stampNs (f64, feed-side
//          monotonic injection time for latency measurement; 0 when unused)
//  w22..51 depth: 10 × (price, quantity, orders); entries 0..4 buy (best first), 5..9 sell
//  w52..53 feedSeq (f64: position of the tick in its feed; -1 = unknown)
import type { DepthLevel, Tick } from '../domain/types.js';

export const TICK_TAG = 1;
export const TICK_VERSION = 1;
export const TICK_PAYLOAD_BYTES = 216;
/** Ring slot size for ticks: 24-byte slot header + payload, rounded up to a power of two. */
export const TICK_SLOT_BYTES = 256;
export const DEPTH_LEVELS = 5;

const DEPTH_WORD = 22;

/** Mutable tick with preallocated depth, reused by decoders to keep the tick path allocation-free. */
export interface MutableTick {
  token: number;
  ltp: number;
  lastQty: number;
  avgPrice: number;
  volume: number;
  buyQty: number;
  sellQty: number;
  open: number;
  high: number;
  low: number;
  close: number;
  oi: number;
  oiDayHigh: number;
  oiDayLow: number;
  divisor: number;
  tradable: boolean;
  exchangeTs: number;
  lastTradeTs: number;
  stampNs: number;
  feedSeq: number;
  depthBuy: { price: number; quantity: number; orders: number }[];
  depthSell: { price: number; quantity: number; orders: number }[];
}

export function newMutableTick(): MutableTick {
  const level = () => ({ price: 0, quantity: 0, orders: 0 });
  return {
    token: 0, ltp: 0, lastQty: 0, avgPrice: 0, volume: 0, buyQty: 0, sellQty: 0,
    open: 0, high: 0, low: 0, close: 0, oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100,
    tradable: true, exchangeTs: 0, lastTradeTs: 0, stampNs: 0, feedSeq: -1,
    depthBuy: Array.from({ length: DEPTH_LEVELS }, level),
    depthSell: Array.from({ length: DEPTH_LEVELS }, level),
  };
}

/** Writes `t` at byte offset `off` (8-aligned) of the given views. */
export function encodeTick(i32: Int32Array, f64: Float64Array, off: number, t: Tick, stampNs = 0, feedSeq = t.feedSeq ?? -1): void {
  const w = off >> 2;
  i32[w] = t.token;
  i32[w + 1] = t.ltp;
  i32[w + 2] = t.lastQty;
  i32[w + 3] = t.avgPrice;
  i32[w + 4] = t.volume;
  i32[w + 5] = t.buyQty;
  i32[w + 6] = t.sellQty;
  i32[w + 7] = t.open;
  i32[w + 8] = t.high;
  i32[w + 9] = t.low;
  i32[w + 10] = t.close;
  i32[w + 11] = t.oi;
  i32[w + 12] = t.oiDayHigh;
  i32[w + 13] = t.oiDayLow;
  i32[w + 14] = t.divisor;
  i32[w + 15] = (t.tradable ? 1 : 0) | (TICK_VERSION << 8);
  const d = off >> 3;
  f64[d + 8] = t.exchangeTs;
  f64[d + 9] = t.lastTradeTs;
  f64[d + 10] = stampNs;
  f64[d + 26] = feedSeq;
  writeDepth(i32, w + DEPTH_WORD, t.depthBuy);
  writeDepth(i32, w + DEPTH_WORD + 3 * DEPTH_LEVELS, t.depthSell);
}

/** The feed position of an encoded tick record held in `bytes` (its payload, 8-aligned). */
export function feedSeqOfRecord(bytes: Uint8Array): number {
  return bytes.byteLength < TICK_PAYLOAD_BYTES ? -1 : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(26 * 8, true);
}

function writeDepth(i32: Int32Array, w: number, levels: readonly DepthLevel[]): void {
  for (let i = 0; i < DEPTH_LEVELS; i++) {
    const l = levels[i];
    const k = w + 3 * i;
    i32[k] = l === undefined ? 0 : l.price;
    i32[k + 1] = l === undefined ? 0 : l.quantity;
    i32[k + 2] = l === undefined ? 0 : l.orders;
  }
}

/** Error codes decodeTick can return (all catalogued in src/errors.ts). */
export type TickDecodeError =
  | { readonly code: 'ERR_FRAME_BAD_VERSION'; readonly version: number }
  | { readonly code: 'ERR_FRAME_BAD_LENGTH'; readonly length: number; readonly expected: number }
  | { readonly code: 'ERR_FRAME_BAD_VALUE'; readonly field: string; readonly value: number };

/**
 * Decodes the record at `off` into `out` (no allocation) and validates it. Returns null on success
 * or a typed error; it never throws, whatever the bytes (this function is the fuzz target).
 */
export function decodeTick(
  i32: Int32Array,
  f64: Float64Array,
  off: number,
  len: number,
  out: MutableTick,
): TickDecodeError | null {
  if (len !== TICK_PAYLOAD_BYTES || off < 0 || (off & 7) !== 0 || off + TICK_PAYLOAD_BYTES > i32.length * 4) {
    return { code: 'ERR_FRAME_BAD_LENGTH', length: len, expected: TICK_PAYLOAD_BYTES };
  }
  const w = off >> 2;
  const flags = i32[w + 15]!;
  const version = (flags >>> 8) & 0xff;
  if (version !== TICK_VERSION) return { code: 'ERR_FRAME_BAD_VERSION', version };
  out.token = i32[w]! >>> 0;
  out.ltp = i32[w + 1]!;
  out.lastQty = i32[w + 2]! >>> 0;
  out.avgPrice = i32[w + 3]!;
  out.volume = i32[w + 4]! >>> 0;
  out.buyQty = i32[w + 5]! >>> 0;
  out.sellQty = i32[w + 6]! >>> 0;
  out.open = i32[w + 7]!;
  out.high = i32[w + 8]!;
  out.low = i32[w + 9]!;
  out.close = i32[w + 10]!;
  out.oi = i32[w + 11]! >>> 0;
  out.oiDayHigh = i32[w + 12]! >>> 0;
  out.oiDayLow = i32[w + 13]! >>> 0;
  out.divisor = i32[w + 14]!;
  out.tradable = (flags & 1) !== 0;
  const d = off >> 3;
  out.exchangeTs = f64[d + 8]!;
  out.lastTradeTs = f64[d + 9]!;
  out.stampNs = f64[d + 10]!;
  out.feedSeq = f64[d + 26]!;
  if (out.token === 0) return { code: 'ERR_FRAME_BAD_VALUE', field: 'token', value: 0 };
  if (out.ltp <= 0) return { code: 'ERR_FRAME_BAD_VALUE', field: 'ltp', value: out.ltp };
  if (out.divisor <= 0) return { code: 'ERR_FRAME_BAD_VALUE', field: 'divisor', value: out.divisor };
  if (!Number.isFinite(out.exchangeTs) || out.exchangeTs < 0) {
    return { code: 'ERR_FRAME_BAD_VALUE', field: 'exchangeTs', value: out.exchangeTs };
  }
  if (!Number.isFinite(out.lastTradeTs) || out.lastTradeTs < 0) {
    return { code: 'ERR_FRAME_BAD_VALUE', field: 'lastTradeTs', value: out.lastTradeTs };
  }
  if (!Number.isFinite(out.stampNs)) return { code: 'ERR_FRAME_BAD_VALUE', field: 'stampNs', value: out.stampNs };
  if (!Number.isSafeInteger(out.feedSeq) || out.feedSeq < -1) return { code: 'ERR_FRAME_BAD_VALUE', field: 'feedSeq', value: out.feedSeq };
  readDepth(i32, w + DEPTH_WORD, out.depthBuy);
  readDepth(i32, w + DEPTH_WORD + 3 * DEPTH_LEVELS, out.depthSell);
  return null;
}

function readDepth(i32: Int32Array, w: number, levels: MutableTick['depthBuy']): void {
  for (let i = 0; i < DEPTH_LEVELS; i++) {
    const l = levels[i]!;
    const k = w + 3 * i;
    l.price = i32[k]!;
    l.quantity = i32[k + 1]! >>> 0;
    l.orders = i32[k + 2]! >>> 0;
  }
}

/** Deep copy of a decoded tick, for consumers that keep ticks beyond the handler call. */
export function copyTick(t: MutableTick): Tick {
  return {
    token: t.token, ltp: t.ltp, lastQty: t.lastQty, avgPrice: t.avgPrice, volume: t.volume,
    buyQty: t.buyQty, sellQty: t.sellQty, open: t.open, high: t.high, low: t.low, close: t.close,
    oi: t.oi, oiDayHigh: t.oiDayHigh, oiDayLow: t.oiDayLow, divisor: t.divisor, tradable: t.tradable,
    exchangeTs: t.exchangeTs, lastTradeTs: t.lastTradeTs,
    depthBuy: t.depthBuy.map((l) => ({ ...l })),
    depthSell: t.depthSell.map((l) => ({ ...l })),
    ...(t.feedSeq >= 0 ? { feedSeq: t.feedSeq } : {}),
  };
}
