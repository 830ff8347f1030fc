// The Instrument value type and Kite token arithmetic (docs/original-system.md §12.1, §12.2). PURE.
// Invariants: `token` is a positive uint32; every price field is an integer in minor units of
// `divisor` (paise for NSE/BSE/NFO/MCX); `tickSize` > 0 and `lotSize` >= 1.

import type { Paise } from '../types.js';

/** Kite segment code carried in the low byte of an instrument token (9 = indices). */
export type KiteSegmentCode = number;

/** Segment code of index instruments (NIFTY 50, NIFTY BANK): they stream prices but cannot be traded. */
export const INDEX_SEGMENT = 9;

/** One row of the instruments file (original `instruments` table, §1.2 / §11). */
export interface Instrument {
  readonly token: number;
  /** Exchange's own id; defaults to `token >>> 8` (Kite: token = exchange_token << 8 | segment). */
  readonly exchangeToken: number;
  readonly tradingsymbol: string;
  readonly name: string;
  readonly exchange: string;
  /** Kite dump segment column (`NSE`, `NFO-FUT`, `INDICES` ...), when the file has one. */
  readonly segment?: string;
  /** `EQ`, `FUT`, `CE`, `PE` ... when the file has the column. */
  readonly instrumentType?: string;
  /** Snapshot price from the dump, minor units; omitted when absent or 0 (unknown). */
  readonly lastPrice?: Paise;
  /** Price increment, minor units (default 5 = ₹0.05 for divisor 100). */
  readonly tickSize: Paise;
  readonly lotSize: number;
  /** Derivative expiry, `YYYY-MM-DD`. */
  readonly expiry?: string;
  /** Option strike, minor units; omitted when absent or 0. */
  readonly strike?: Paise;
  /** Price divisor of the instrument's segment: 100 (paise), 1e7 for CDS, 1e4 for BCD. */
  readonly divisor: number;
  /** False for indices (Kite segment 9): they may be subscribed to but never ordered. */
  readonly tradable: boolean;
}

/** Segment code of a Kite instrument token (`token & 0xFF`). */
export function kiteSegment(token: number): KiteSegmentCode {
  return token & 0xff;
}

/** True when the token's segment is `indices`: such instruments are not tradable. */
export function isIndexToken(token: number): boolean {
  return kiteSegment(token) === INDEX_SEGMENT;
}

/**
 * Price divisor for an exchange name (docs/original-system.md §12.1): CDS currency derivatives use 1e7,
 * BCD 1e4, everything else 100. Case-insensitive.
 */
export function divisorForExchange(exchange: string): number {
  const e = exchange.toUpperCase();
  if (e === 'CDS') return 10_000_000;
  if (e === 'BCD') return 10_000;
  return 100;
}

/**
 * Default tick size in minor units when the file gives none (or 0, as Kite does for indices):
 * ₹0.05 expressed in the instrument's divisor, never less than 1 minor unit.
 */
export function defaultTickSize(divisor: number): Paise {
  return Math.max(1, Math.round((5 * divisor) / 100));
}

/**
 * Whether an instrument is tradable. With a segment column the Kite dump's `INDICES` segment
 * decides; without one the token's low byte does (segment 9 = indices), exactly as KiteTicker sets
 * `tradable` on every tick.
 */
export function isTradable(token: number, segment: string | undefined): boolean {
  if (segment !== undefined) return segment.toUpperCase() !== 'INDICES';
  return !isIndexToken(token);
}

/** Largest valid instrument token (tokens are uint32 on the Kite wire). */
export const MAX_TOKEN = 0xffff_ffff;

/** True for a valid instrument token: an integer in [1, 2^32 - 1]. */
export function isValidToken(token: number): boolean {
  return Number.isInteger(token) && token >= 1 && token <= MAX_TOKEN;
}
