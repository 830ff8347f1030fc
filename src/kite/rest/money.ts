// Exact conversion between Kite's decimal rupee numbers and our integer minor units. PURE.
// Kite speaks rupees as JSON numbers (1573.15) and form fields ("1573.15"); inside the system every
// price is an integer in minor units of the instrument's divisor (paise for divisor 100). A JSON number
// is converted through its shortest round-trip decimal text (String(n)), digit by digit via the shared
// instruments parser, never by multiplying a float: 4.35 * 100 is 434.99999999999994 in binary,
// String(4.35) is exactly "4.35" and becomes 435.
// Invariant: minorToDecimalText(rupeesToMinor(x, d), d) names the same decimal as x rounded to d places
// (half away from zero), and rupeesToMinor(Number(minorToDecimalText(m, d)), d) === m for every safe m.
import { divisorDecimals, parseDecimalMinor } from '../../domain/instruments/decimal.js';

/** Digits after the point for a price divisor (100 → 2, 1e7 → 7); 2 when the divisor is not a power of ten. */
export function decimalsOf(divisor: number): number {
  return divisorDecimals(divisor) ?? 2;
}

/**
 * A Kite decimal number (rupees) as integer minor units with `decimals` fractional digits; digits
 * beyond are rounded half away from zero. Undefined for NaN, ±Infinity and magnitudes outside the
 * exact integer range.
 */
export function rupeesToMinor(value: number, decimals = 2): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (value === 0) return 0;
  const negative = value < 0;
  let text = String(Math.abs(value));
  if (text.includes('e')) {
    // Exponent form appears only below 1e-6 or from 1e21 up. The second is out of range; the first
    // is written out with ten guard digits beyond `decimals` before the half-up rounding.
    if (Math.abs(value) >= 1) return undefined;
    text = Math.abs(value).toFixed(Math.min(100, decimals + 10));
  }
  const minor = parseDecimalMinor(text, decimals);
  if (minor === undefined) return undefined;
  return negative && minor !== 0 ? -minor : minor;
}

/** A decimal text form field ("1573.15") as integer minor units; undefined unless a plain non-negative decimal. */
export function decimalTextToMinor(text: string, decimals = 2): number | undefined {
  return parseDecimalMinor(text, decimals);
}

/** Integer minor units as the exact decimal text Kite expects ("157315" paise → "1573.15"). */
export function minorToDecimalText(minor: number, decimals = 2): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`minorToDecimalText: expected a safe integer, was ${minor}`);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''}`;
}

/** Integer minor units as the JSON number Kite sends (the double nearest to the exact decimal). */
export function minorToRupees(minor: number, decimals = 2): number {
  return Number(minorToDecimalText(minor, decimals));
}
