// Deterministic order and trade ids. PURE. An id is a function of the logical event only (the
// signal's idempotency key), so a redelivered or replayed signal maps to the same id and dedupes
// against earlier runs instead of creating a second order (reliability.md §B.6 "ID determinism").

import type { Broker, Side } from '../types.js';

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** 64-bit FNV-1a of the UTF-16 code units of `s`, as 16 lowercase hex digits. */
export function hash64Hex(s: string): string {
  let h = FNV64_OFFSET;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * FNV64_PRIME) & MASK64;
  }
  return h.toString(16).padStart(16, '0');
}

/** The fields of a signal that identify it. */
export interface SignalIdentity {
  readonly strategyId: string;
  readonly token: number;
  readonly side: Side;
  readonly ts: number;
  /** The tick's position in its feed (Tick.feedSeq), when known; a flatten signal's chunk number. */
  readonly feedSeq?: number;
  /** A flatten signal (TradingSignal.reduceOnly): its key never equals a strategy signal's. */
  readonly reduceOnly?: true;
}

/**
 * Idempotency key of a signal: `${strategyId}:${token}:${side}:${signalTs}`, plus `:${feedSeq}`
 * when the tick's feed position is known — two ticks of one instrument can share a millisecond
 * (or a second, in Kite data), and two signals from them are two decisions, not a redelivery.
 * A flatten signal ends in `:flatten` (its feedSeq numbers its chunk), so it never collides with a
 * strategy's signal of the same millisecond.
 */
export function signalKey(s: SignalIdentity): string {
  const base = `${s.strategyId}:${s.token}:${s.side}:${s.ts}`;
  const key = s.feedSeq === undefined ? base : `${base}:${s.feedSeq}`;
  return s.reduceOnly === true ? `${key}:flatten` : key;
}

/** Client order id derived from a signal key: `${broker}-` + 64-bit hash (e.g. `paper-3f2a…`). */
export function clientOrderIdFor(broker: Broker, key: string): string {
  return `${broker}-${hash64Hex(key)}`;
}

/** Trade id of the n-th fill (1-based) of an order: `${orderId}-${n}`. */
export function tradeIdFor(orderId: string, n: number): string {
  return `${orderId}-${n}`;
}
