// KiteTicker binary market-data layout (Kite Connect v3 WebSocket). This file is the single source
// of truth for every offset, length, segment code and price divisor; frame.ts (the parser) and
// encode.ts (the sandbox's encoder) only read these names. Source: the three official clients
// (pykiteconnect ticker.py, kiteconnectjs lib/ticker.ts, gokiteconnect ticker/ticker.go) agree on
// all of it. test/unit/kite/ticker-frame.test.ts decodes a worked hex example byte by byte.
//
// Every integer on the wire is BIG-ENDIAN. 4-byte fields are UNSIGNED (Python ">I", Go Uint32);
// the official JS client reads them signed, which is its bug, not the protocol.
//
//  WebSocket binary message ("frame")
//  +-----------+-----------+--------------------+-----------+--------------------+ ...
//  | N: u16    | L1: u16   | packet 1 (L1 bytes)| L2: u16   | packet 2 (L2 bytes)|     (N times)
//  +-----------+-----------+--------------------+-----------+--------------------+ ...
//  A 1-byte binary message is a heartbeat (sent when there is nothing to stream): no packets.
//  Packets of one frame may have different lengths (instruments in different modes).
//
//  Packet (offsets in bytes from the packet start; prices are u32 ÷ divisor of the token's segment)
//   0  token u32 (segment = token & 0xff)      4  last_price
//  ---- 8 bytes: LTP mode (any instrument) ends here ----------------------------------------------
//  index (segment 9), quote 28 / full 32:      tradable, quote 44 / full 184:
//   8  high    12 low    16 open    20 close    8  last_qty   12 avg_price   16 volume
//  24  change (raw int, ignored: clients        20 total_buy_qty   24 total_sell_qty
//      recompute it from last_price and close) 28 open   32 high   36 low   40 close  (note O,H,L,C)
//  28  exchange_ts u32 (epoch s), 32-byte only  ---- 44 bytes: quote mode ends here -----------------
//      (note the index order H,L,O,C)          44 last_trade_ts (s)  48 oi  52 oi_day_high
//                                              56 oi_day_low   60 exchange_ts (s)
//                                              64 depth: 10 × 12 bytes; entries 0..4 buy (best
//                                                 first), 5..9 sell; entry = qty u32, price u32,
//                                                 orders u16, 2 bytes padding
//                                              ---- 184 bytes: full mode ends here ------------------
//
// Invariants the parser relies on and the encoder guarantees:
//  - a packet's length alone selects its layout (8, 28, 32, 44, 184); any other length is skipped;
//  - timestamps are epoch seconds, 0 = unknown;
//  - the divisor of a price depends only on the segment byte of the token (SEGMENT_DIVISOR).

/** Bytes of the frame's packet count and of each packet's length prefix. */
export const FRAME_COUNT_BYTES = 2;
export const PACKET_LENGTH_BYTES = 2;
/** A binary message of exactly this many bytes is a heartbeat. */
export const HEARTBEAT_BYTES = 1;

/** The packet lengths of the protocol, one per (instrument kind, mode). */
export const PACKET = {
  LTP: 8,
  INDEX_QUOTE: 28,
  INDEX_FULL: 32,
  QUOTE: 44,
  FULL: 184,
} as const;
export type PacketLength = (typeof PACKET)[keyof typeof PACKET];

/** Subscription modes: which packet length a subscribed token streams in (ltp 8; quote 44/28; full 184/32). */
export type KiteMode = 'ltp' | 'quote' | 'full';
export const KITE_MODES: readonly KiteMode[] = ['ltp', 'quote', 'full'];

/** Offsets shared by every packet. */
export const P = { TOKEN: 0, LAST_PRICE: 4 } as const;

/** Index packets (28/32 bytes): note the H, L, O, C order. */
export const IDX = { HIGH: 8, LOW: 12, OPEN: 16, CLOSE: 20, CHANGE: 24, EXCHANGE_TS: 28 } as const;

/** Tradable quote (44) and full (184) packets: note the O, H, L, C order. */
export const TRD = {
  LAST_QTY: 8,
  AVG_PRICE: 12,
  VOLUME: 16,
  BUY_QTY: 20,
  SELL_QTY: 24,
  OPEN: 28,
  HIGH: 32,
  LOW: 36,
  CLOSE: 40,
  LAST_TRADE_TS: 44,
  OI: 48,
  OI_DAY_HIGH: 52,
  OI_DAY_LOW: 56,
  EXCHANGE_TS: 60,
  DEPTH: 64,
} as const;

/** Market depth of a full packet: 5 buy entries, then 5 sell entries, 12 bytes each. */
export const DEPTH = { LEVELS: 5, ENTRY_BYTES: 12, QTY: 0, PRICE: 4, ORDERS: 8 } as const;
export const DEPTH_SELL = TRD.DEPTH + DEPTH.LEVELS * DEPTH.ENTRY_BYTES; // 124

/** Exchange segment codes: the low byte of an instrument token. */
export const SEGMENT = {
  NSE: 1,
  NFO: 2,
  CDS: 3,
  BSE: 4,
  BFO: 5,
  BCD: 6,
  MCX: 7,
  MCXSX: 8,
  INDICES: 9,
} as const;

/**
 * Price divisor per segment code (index = code; 0 = not a segment). NSE currency (CDS) prices carry
 * 7 decimals, BSE currency (BCD) 4, every other segment paise (2). Prices stay the wire integers in
 * our ticks (Tick.divisor says their scale), so no decimal ever goes through a float.
 */
export const SEGMENT_DIVISOR: readonly number[] = [0, 100, 100, 10_000_000, 100, 100, 10_000, 100, 100, 100];

/** The segment code of a token (its low byte). */
export function segmentOf(token: number): number {
  return token & 0xff;
}

/** The price divisor of a token's segment, 0 when the segment byte is not a known segment. */
export function divisorOf(token: number): number {
  return SEGMENT_DIVISOR[token & 0xff] ?? 0;
}

/** Whether packets of this length carry an index (non-tradable) layout. */
export function isIndexLength(len: number): boolean {
  return len === PACKET.INDEX_QUOTE || len === PACKET.INDEX_FULL;
}
