import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, formatIsoDate, parseIsoDate } from '../../../src/domain/market-hours/calendar.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('civil date arithmetic', () => {
  it('matches Date.UTC and round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (days) => {
        const { y, m, d } = civilFromDays(days);
        return daysFromCivil(y, m, d) === days && Date.UTC(y, m - 1, d) === days * 86_400_000;
      }),
      { seed, numRuns: 300 },
    );
  });
  it('parses only real dates', () => {
    expect(parseIsoDate('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    expect(parseIsoDate('2023-02-29')).toBeUndefined();
    expect(parseIsoDate('2024-13-01')).toBeUndefined();
    expect(parseIsoDate('2024-1-01')).toBeUndefined();
    expect(formatIsoDate(0)).toBe('1970-01-01');
  });
});
