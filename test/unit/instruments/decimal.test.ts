import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalMinor } from '../../../src/domain/instruments/decimal.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('parseDecimalMinor', () => {
  it('converts exactly where floating point would not', () => {
    expect(parseDecimalMinor('1573.15', 2)).toBe(157315);
    expect(parseDecimalMinor('0.29', 2)).toBe(29); // 0.29 * 100 = 28.999999999999996
    expect(parseDecimalMinor('78.0', 2)).toBe(7800);
    expect(parseDecimalMinor('.05', 2)).toBe(5);
    expect(parseDecimalMinor('5.', 2)).toBe(500);
  });
  it('rounds extra digits half-up at the last kept digit', () => {
    expect(parseDecimalMinor('2456.300049', 2)).toBe(245630);
    expect(parseDecimalMinor('1.005', 2)).toBe(101);
    expect(parseDecimalMinor('1.0049', 2)).toBe(100);
    expect(parseDecimalMinor('0.0025', 7)).toBe(25000);
  });
  it('rejects signs, exponents, separators and junk', () => {
    for (const s of ['', '-1', '+1', '1e3', '1,000', 'NaN', 'Infinity', '1.2.3', ' . ', '0x10', '1234567890123.5']) {
      expect(parseDecimalMinor(s, 2), s).toBeUndefined();
    }
  });
  it('agrees with a BigInt reference for 2-decimal inputs', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 13n }), (paise) => {
        const text = `${paise / 100n}.${String(paise % 100n).padStart(2, '0')}`;
        return parseDecimalMinor(text, 2) === Number(paise);
      }),
      { seed, numRuns: 300 },
    );
  });
});
