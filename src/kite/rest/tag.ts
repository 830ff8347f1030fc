// Deterministic Kite order tags. PURE apart from hashing.
// Every order we send carries `tag = orderTag(signalKey)`, so after a crash the engine can find its own
// orders in Kite's order book and trades by recomputing the tag from the signal, and never send twice.
// Kite accepts at most 20 alphanumeric characters. Layout: "ap" + the first 18 hex digits of
// sha256(signalKey): 72 bits, so two distinct signal keys of one day collide with probability ~n²/2^73
// (under 1e-12 for a million orders). Invariant: same key → same tag, always /^ap[0-9a-f]{18}$/.
import { createHash } from 'node:crypto';

/** Kite's documented maximum tag length. */
export const KITE_TAG_MAX = 20;
const PREFIX = 'ap';
const TAG_RE = /^ap[0-9a-f]{18}$/;

/** The tag of the order sent for `signalKey` (any non-empty string, e.g. the signal's deterministic id). */
export function orderTag(signalKey: string): string {
  if (signalKey.length === 0) throw new RangeError('orderTag: expected a non-empty signal key');
  const digest = createHash('sha256').update(signalKey, 'utf8').digest('hex');
  return PREFIX + digest.slice(0, KITE_TAG_MAX - PREFIX.length);
}

/** True when `tag` has the shape orderTag produces (an order this system sent). */
export function isOurTag(tag: string | null | undefined): boolean {
  return typeof tag === 'string' && TAG_RE.test(tag);
}
