// Exact text-to-number conversions for untrusted CSV fields (instrument files, replay files).
// PURE. Decimal prices are converted digit by digit, never through a float multiply, so "1573.15"
// is exactly 157315 paise (1573.15 * 100 in floating point is 157314.99999999997).

const DECIMAL_RE = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;
const INT_RE = /^[+]?\d+$/;
/** Integer digits accepted before the point: keeps every result well inside 2^53. */
const MAX_INT_DIGITS = 12;

/**
 * Parses a non-negative decimal string (e.g. "1573.15", "78.0", ".05") into integer minor units
 * with `decimals` fractional digits (2 for paise). Rounding rule: digits beyond `decimals` are
 * rounded half-up at the last kept digit (values are never negative). Returns undefined for
 * anything else: signs, exponents, thousands separators, empty strings, NaN, Infinity.
 */
export function parseDecimalMinor(text: string, decimals: number): number | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (m === null) return undefined;
  const intPart = m[1] ?? '0';
  const fracPart = m[2] ?? m[3] ?? '';
  if (intPart.replace(/^0+/, '').length > MAX_INT_DIGITS) return undefined;
  const kept = fracPart.slice(0, decimals).padEnd(decimals, '0');
  const roundUp = fracPart.length > decimals && (fracPart.charCodeAt(decimals) - 48) >= 5;
  const scaled = Number(intPart + kept) + (roundUp ? 1 : 0);
  return Number.isSafeInteger(scaled) ? scaled : undefined;
}

/** Number of decimal digits of a power-of-ten divisor (100 → 2); undefined if not a power of ten. */
export function divisorDecimals(divisor: number): number | undefined {
  let d = 0;
  let v = divisor;
  while (v > 1 && v % 10 === 0) {
    v /= 10;
    d++;
  }
  return v === 1 ? d : undefined;
}

/** Parses an unsigned base-10 integer string (optional leading "+"); undefined unless a safe integer. */
export function parseUnsignedInt(text: string): number | undefined {
  const t = text.trim();
  if (!INT_RE.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}
