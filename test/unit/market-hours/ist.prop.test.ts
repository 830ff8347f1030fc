import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { istTimeOfDayMs, istWeekday, marketStatus, nextMarketOpen, tradingDay } from '../../../src/domain/market-hours/index.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const IST = 5.5 * 3_600_000;
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });

describe('IST arithmetic matches Date on a shifted clock', () => {
  it('date, weekday and time of day', () => {
    fc.assert(
      fc.property(time, (t) => {
        const d = new Date(t + IST);
        expect(tradingDay(t)).toBe(d.toISOString().slice(0, 10));
        expect(istWeekday(t)).toBe(d.getUTCDay());
        expect(istTimeOfDayMs(t)).toBe(((d.getUTCHours() * 60 + d.getUTCMinutes()) * 60 + d.getUTCSeconds()) * 1000 + d.getUTCMilliseconds());
      }),
      { seed, numRuns: 500 },
    );
  });

  it('nextMarketOpen is a later-or-equal 09:15 on a weekday that is open', () => {
    fc.assert(
      fc.property(time, (t) => {
        const n = nextMarketOpen(t);
        expect(n).toBeGreaterThanOrEqual(t);
        expect(n - t).toBeLessThanOrEqual(4 * 86_400_000);
        expect(istTimeOfDayMs(n)).toBe((9 * 60 + 15) * 60_000);
        expect(marketStatus(n)).toBe('open');
        // nothing between t and n is a session start
        if (n - t > 86_400_000) expect(marketStatus(n - 86_400_000)).not.toBe('open');
      }),
      { seed, numRuns: 500 },
    );
  });
});
