import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addProduct, exactFromString, exactToString, roundedQuotient, type ExactInt } from '../../../src/domain/feed/exact-int.js';

const big = (x: ExactInt): bigint => BigInt(x);
const halfUp = (t: bigint, v: bigint): bigint => (2n * t + v) / (2n * v);

describe('exact integer accumulators', () => {
  it('addProduct and roundedQuotient agree with BigInt arithmetic, across the 2^53 boundary', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
    console.log('seed', seed);
    const start = fc.oneof(fc.nat({ max: 1_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER - 5_000_000), fc.bigInt({ min: 0n, max: 2n ** 70n }));
    const step = fc.tuple(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 22 }));
    fc.assert(
      fc.property(start, fc.array(step, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 2 ** 40 }), (s0, steps, volume) => {
        let acc: ExactInt = typeof s0 === 'bigint' ? exactFromString(s0.toString()) : s0;
        let ref = big(acc);
        for (const [a, b] of steps) {
          acc = addProduct(acc, a, b);
          ref += BigInt(a) * BigInt(b);
          if (big(acc) !== ref) return false;
          if (typeof acc === 'number' && !Number.isSafeInteger(acc)) return false;
        }
        // The quotient (a VWAP price) must itself be a safe integer to be returned as a number
        const q = halfUp(ref, BigInt(volume));
        const quotientOk = q > BigInt(Number.MAX_SAFE_INTEGER) || BigInt(roundedQuotient(acc, volume)) === q;
        return quotientOk && exactToString(acc) === ref.toString();
      }),
      { seed, numRuns: 500 },
    );
  });

  it('rounds half up at the exact midpoint and near float-ambiguous quotients', () => {
    expect(roundedQuotient(5, 2)).toBe(3); // 2.5 → 3
    expect(roundedQuotient(7, 2)).toBe(4); // 3.5 → 4
    expect(roundedQuotient(4, 3)).toBe(1);
    // (2^51 - 1) / 2^21 sits 2^-21 below an integer boundary of the doubled form
    const t = 2 ** 51 - 1;
    expect(BigInt(roundedQuotient(t, 2 ** 21))).toBe(halfUp(BigInt(t), 2n ** 21n));
    expect(exactFromString('9007199254740993')).toBe(9007199254740993n);
    expect(exactFromString('42')).toBe(42);
  });
});
