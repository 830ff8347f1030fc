// Deterministic order and trade ids. PURE. An id is a function of the logical event only (the
// signal's idempotency key), so a redelivered or replayed signal maps to the same id and dedupes
// against earlier runs instead of creating a second order (docs/reliability.md, "deterministic ids").

import type { Broker, Side } from '../types.js';

/**
 * 64-bit FNV-1a of the UTF-16 code units of `s`, as 16 lowercase hex digits. The 64-bit state is
 * four 16-bit limbs (h0 least significant) so every step stays in small integers: no BigInt and no
 * allocation per character. The prime 0x100000001b3 is 2^40 + 0x1b3, so h × prime = h × 0x1b3 +
 * (h << 40) mod 2^64; every intermediate is below 2^27. Bit-identical to the BigInt definition
 * (property test against it), so ids never change across versions.
 */
export function hash64Hex(s: string): string {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < s.length; i++) {
    h0 ^= s.charCodeAt(i);
    const t0 = h0 * 0x1b3;
    let t1 = h1 * 0x1b3;
    let t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    t1 += t0 >>> 16;
    h0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    h1 = t1 & 0xffff;
    h3 = (t3 + (t2 >>> 16)) & 0xffff;
    h2 = t2 & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');

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
