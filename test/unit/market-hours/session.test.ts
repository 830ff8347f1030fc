// The calendar on tick time: the strategies' market-hours gate and the venue's session ends
// (checked at most once per second of event time, latest end not yet run).
import { describe, expect, it } from 'vitest';
import { clockMs, createMarketGate, EOD_CHECK_MS, istDayNumber, istEpochMs, latestEndOfDay, SessionClock } from '../../../src/domain/market-hours/index.js';

const at = (date: string, h: number, m: number, s = 0): number => istEpochMs(date, clockMs(h, m) + s * 1000)!;
const NSE = { market24x7: false, holidays: ['2025-01-27'] };

describe('market gate', () => {
  it('lets pre-open and open ticks through on trading days only', () => {
    const gate = createMarketGate(NSE);
    expect([at('2025-01-24', 9, 5), at('2025-01-24', 9, 15), at('2025-01-24', 15, 30)].map(gate)).toEqual([true, true, true]);
    expect([at('2025-01-24', 8, 59), at('2025-01-24', 15, 31), at('2025-01-25', 11, 0), at('2025-01-27', 11, 0)].map(gate)).toEqual([false, false, false, false]);
    expect(createMarketGate({ market24x7: true })(at('2025-01-25', 3, 0))).toBe(true);
  });
});

describe('session clock', () => {
  it('closes the previous session at the first tick, then each session once its end has passed', () => {
    const clock = new SessionClock(NSE);
    expect(clock.due(at('2025-01-24', 10, 0))).toEqual({ day: istDayNumber(at('2025-01-23', 12, 0)), ts: at('2025-01-23', 15, 30) });
    expect(clock.due(at('2025-01-24', 15, 31))).toEqual({ day: istDayNumber(at('2025-01-24', 12, 0)), ts: at('2025-01-24', 15, 30) });
    expect(clock.due(at('2025-01-24', 15, 45))).toBeNull();
    // The holiday on Monday the 27th has no session: Tuesday's first tick closes nothing new
    expect(clock.due(at('2025-01-28', 9, 15))).toBeNull();
  });

  it('checks at most once per EOD_CHECK_MS of event time, as the engine does', () => {
    const clock = new SessionClock(NSE);
    clock.due(at('2025-01-24', 15, 29, 59.5));
    // 15:30:00.2 is past the end but within a second of the last check: not yet
    expect(clock.due(at('2025-01-24', 15, 29, 59.5) + 700)).toBeNull();
    expect(clock.due(at('2025-01-24', 15, 29, 59.5) + EOD_CHECK_MS)?.ts).toBe(at('2025-01-24', 15, 30));
  });

  it('ends 24x7 sessions at IST midnight', () => {
    const noon = at('2025-01-25', 12, 0);
    expect(latestEndOfDay(noon, { market24x7: true })).toEqual({ day: istDayNumber(noon) - 1, ts: at('2025-01-25', 0, 0) });
  });
});
