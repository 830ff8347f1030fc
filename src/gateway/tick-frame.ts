// Encoder of the binary tick frame sent to WebSocket clients that chose
// `{"op":"format","ticks":"binary"}`. The layout, its constants and the decoder live with the
// client SDK (src/client/tick-frame.ts), the one place clients and server read it from.
import type { Tick } from '../domain/types.js';
import { FRAME_HEADER_BYTES, FRAME_MAGIC, FRAME_RECORD_BYTES, FRAME_VERSION } from '../client/tick-frame.js';

export { decodeTickFrame, FRAME_HEADER_BYTES, FRAME_MAGIC, FRAME_RECORD_BYTES, FRAME_VERSION, type FrameTick } from '../client/tick-frame.js';

/** Writes one record of `t` at byte `off` of `view`. */
export function writeRecord(view: DataView, off: number, t: Tick): void {
  view.setUint32(off, t.token >>> 0, true);
  view.setInt32(off + 4, t.ltp | 0, true);
  view.setInt32(off + 8, t.open | 0, true);
  view.setInt32(off + 12, t.high | 0, true);
  view.setInt32(off + 16, t.low | 0, true);
  view.setInt32(off + 20, t.close | 0, true);
  view.setUint32(off + 24, t.volume >>> 0, true);
  view.setUint32(off + 28, t.lastQty >>> 0, true);
  view.setInt32(off + 32, t.avgPrice | 0, true);
  view.setUint32(off + 36, t.buyQty >>> 0, true);
  view.setUint32(off + 40, t.sellQty >>> 0, true);
  view.setUint32(off + 44, t.oi >>> 0, true);
  view.setUint32(off + 48, t.divisor >>> 0, true);
  view.setUint32(off + 52, t.tradable ? 1 : 0, true);
  view.setFloat64(off + 56, t.exchangeTs, true);
  view.setFloat64(off + 64, t.lastTradeTs, true);
}

/** Encodes `ticks` as one frame. */
export function encodeTickFrame(ticks: readonly Tick[]): Uint8Array {
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + ticks.length * FRAME_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint16(4, FRAME_VERSION, true);
  view.setUint16(6, FRAME_RECORD_BYTES, true);
  view.setUint32(8, ticks.length, true);
  view.setUint32(12, 0, true);
  ticks.forEach((t, i) => writeRecord(view, FRAME_HEADER_BYTES + i * FRAME_RECORD_BYTES, t));
  return bytes;
}
