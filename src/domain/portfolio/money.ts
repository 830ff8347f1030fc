// Exact integer money arithmetic for the portfolio and risk folds. PURE.
// Invariant: every result is a safe integer in paise; a product that could pass 2^53 is done in
// BigInt; the single rounding rule of the project's cost-basis code is round-half-away-from-zero.

import { appError } from '../../errors.js';

/** Above this, `p / d` and `q * d` can no longer be trusted to be exact in a double. */
const FAST_LIMIT = 2 ** 51;

/**
 * `round(a * b / d)` with halves rounded away from zero, exact for any safe integers `a`, `b`
 * and a positive safe integer `d`. Used to remove `round(cost * closed / held)` from a cost basis.
 */
export function mulDivRound(a: number, b: number, d: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p) && Math.abs(p) <= FAST_LIMIT && d <= FAST_LIMIT) return divRoundFast(p, d);
  const big = BigInt(a) * BigInt(b);
  const bd = BigInt(d);
  let q = big / bd; // BigInt division truncates toward zero
  const r = big - q * bd;
  const absR = r < 0n ? -r : r;
  if (2n * absR >= bd) q += big < 0n ? -1n : 1n;
  return toSafe(q, 'mulDivRound');
}

// Float division of safe integers may land one off the true truncated quotient; the exact
// remainder (both products stay below 2^52) tells us which way to correct it
function divRoundFast(p: number, d: number): number {
  let q = Math.trunc(p / d);
  let r = p - q * d;
  if (p >= 0) {
    if (r < 0) { q -= 1; r += d; } else if (r >= d) { q += 1; r -= d; }
  } else if (r > 0) { q += 1; r -= d; } else if (r <= -d) { q -= 1; r += d; }
  if (2 * Math.abs(r) >= d) q += p < 0 ? -1 : 1;
  return q === 0 ? 0 : q; // never hand out -0: it would survive JSON as 0 but not Object.is
}

/** `a * b` as a safe integer, or a thrown ERR_FILL_INVALID when the product overflows 2^53. */
export function mulExact(a: number, b: number, what: string): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) return p === 0 ? 0 : p;
  throw appError('ERR_FILL_INVALID', { tradeId: what, reason: `amount ${a} x ${b} exceeds 2^53 paise` });
}

/** `a + b` checked to stay a safe integer (balances must never silently lose paise). */
export function addExact(a: number, b: number, what: string): number {
  const s = a + b;
  if (Number.isSafeInteger(s)) return s === 0 ? 0 : s;
  throw appError('ERR_FILL_INVALID', { tradeId: what, reason: `sum ${a} + ${b} exceeds 2^53 paise` });
}

/** Exact `a * b > c * d` for non-negative safe integers (falls back to BigInt past 2^53). */
export function productGreater(a: number, b: number, c: number, d: number): boolean {
  const left = a * b;
  const right = c * d;
  if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return left > right;
  return BigInt(a) * BigInt(b) > BigInt(c) * BigInt(d);
}

/** Formats integer paise as rupees with two decimals ("-12.05"), exactly, for messages. */
export function formatPaise(paise: number, divisor = 100): string {
  const neg = paise < 0;
  const abs = Math.abs(paise);
  const units = Math.trunc(abs / divisor);
  const minor = abs - units * divisor;
  const digits = Math.max(0, Math.round(Math.log10(divisor)));
  const frac = digits === 0 ? '' : `.${String(minor).padStart(digits, '0')}`;
  return `${neg ? '-' : ''}${units}${frac}`;
}

function toSafe(q: bigint, what: string): number {
  const n = Number(q);
  if (!Number.isSafeInteger(n)) {
    throw appError('ERR_FILL_INVALID', { tradeId: what, reason: `result ${q} exceeds 2^53 paise` });
  }
  return n === 0 ? 0 : n;
}
