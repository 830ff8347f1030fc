// Exact non-negative integer accumulators that stay plain numbers while they are safe and become
// BigInt only past 2^53: day turnover (Σ price × qty) is exact either way, but the common case
// avoids a BigInt allocation per tick (the synthetic feed runs at 100k+ ticks/s). PURE.

/** A non-negative integer: a number while ≤ Number.MAX_SAFE_INTEGER, else a BigInt. */
export type ExactInt = number | bigint;

const LIMIT = 2 ** 52;

/** `acc + a × b` exactly (a, b non-negative safe integers). */
export function addProduct(acc: ExactInt, a: number, b: number): ExactInt {
  if (typeof acc === 'number') {
    const p = a * b; // exact when the true product is below 2^53; larger values fail the check
    if (p <= Number.MAX_SAFE_INTEGER && acc + p <= Number.MAX_SAFE_INTEGER) return acc + p;
    return BigInt(acc) + BigInt(a) * BigInt(b);
  }
  return acc + BigInt(a) * BigInt(b);
}

/** `total / divisor` rounded half-up (divisor a positive safe integer; the result must be a safe integer, e.g. a VWAP). */
export function roundedQuotient(total: ExactInt, divisor: number): number {
  if (typeof total === 'number') {
    const a = 2 * total + divisor;
    const b = 2 * divisor;
    if (a <= LIMIT && b <= LIMIT) {
      // The float quotient is off by at most one; products below 2^53 make the correction exact
      let q = Math.floor(a / b);
      if (q * b > a) q--;
      else if ((q + 1) * b <= a) q++;
      return q;
    }
  }
  const t = BigInt(total);
  const v = BigInt(divisor);
  return Number((2n * t + v) / (2n * v));
}

/** Decimal text of an exact integer (the persisted form). */
export function exactToString(x: ExactInt): string {
  return x.toString();
}

/** Parses decimal digits back, as a number when safe. */
export function exactFromString(s: string): ExactInt {
  const b = BigInt(s);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}
