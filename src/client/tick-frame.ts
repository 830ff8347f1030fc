// Binary tick frame sent to WebSocket clients that chose `{"op":"format","ticks":"binary"}`: the
// layout and the decoder (the gateway's encoder is src/gateway/tick-frame.ts). One frame per
// message, little-endian, fixed-width records, so a browser decodes it with one DataView.
// Prices are integers in minor units (÷ divisor), exactly as in the JSON form; nothing is rounded.
// Clients step records by the header's recordBytes: later versions may append fields to a record.
// Browser-safe: DataView only, no Node APIs.
//  header (16 bytes)                       record (72 bytes each, `count` of them, after the header)
//  0  u32 magic 0x4B545041 ("APTK")        0  u32 token      4  i32 ltp        8  i32 open
//  4  u16 version (1)                      12 i32 high       16 i32 low        20 i32 close
//  6  u16 recordBytes (72)                 24 u32 volume     28 u32 lastQty    32 i32 avgPrice
//  8  u32 count                            36 u32 buyQty     40 u32 sellQty    44 u32 oi
//  12 u32 reserved (0)                     48 u32 divisor    52 u32 flags (bit0 tradable)
//                                          56 f64 exchangeTs (epoch ms)  64 f64 lastTradeTs

/** "APTK" read as a little-endian u32. */
export const FRAME_MAGIC = 0x4b545041;
/** Frame layout version. */
export const FRAME_VERSION = 1;
/** Bytes before the first record. */
export const FRAME_HEADER_BYTES = 16;
/** Bytes per record in version 1 (clients step by the header's recordBytes). */
export const FRAME_RECORD_BYTES = 72;

/** The decoded form of one record (what a client reconstructs). */
export interface FrameTick {
  readonly token: number;
  readonly ltp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly lastQty: number;
  readonly avgPrice: number;
  readonly buyQty: number;
  readonly sellQty: number;
  readonly oi: number;
  readonly divisor: number;
  readonly tradable: boolean;
  readonly exchangeTs: number;
  readonly lastTradeTs: number;
}

/** Decodes a frame; null when the frame is malformed (never throws, whatever the bytes). */
export function decodeTickFrame(bytes: Uint8Array): FrameTick[] | null {
  if (bytes.byteLength < FRAME_HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== FRAME_MAGIC || view.getUint16(4, true) !== FRAME_VERSION) return null;
  const size = view.getUint16(6, true);
  const count = view.getUint32(8, true);
  if (size < FRAME_RECORD_BYTES || bytes.byteLength !== FRAME_HEADER_BYTES + count * size) return null;
  const out: FrameTick[] = [];
  for (let i = 0; i < count; i++) {
    const o = FRAME_HEADER_BYTES + i * size;
    out.push({
      token: view.getUint32(o, true),
      ltp: view.getInt32(o + 4, true),
      open: view.getInt32(o + 8, true),
      high: view.getInt32(o + 12, true),
      low: view.getInt32(o + 16, true),
      close: view.getInt32(o + 20, true),
      volume: view.getUint32(o + 24, true),
      lastQty: view.getUint32(o + 28, true),
      avgPrice: view.getInt32(o + 32, true),
      buyQty: view.getUint32(o + 36, true),
      sellQty: view.getUint32(o + 40, true),
      oi: view.getUint32(o + 44, true),
      divisor: view.getUint32(o + 48, true),
      tradable: (view.getUint32(o + 52, true) & 1) === 1,
      exchangeTs: view.getFloat64(o + 56, true),
      lastTradeTs: view.getFloat64(o + 64, true),
    });
  }
  return out;
}
