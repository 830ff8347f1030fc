// The synthetic feed's session clock: one trading day per `sessionMs` of wall time, event time
// monotonic, always inside 09:15 IST + [0, sessionMs) of a trading day, restorable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSyntheticClock,
  firstSessionDay,
  isSyntheticClockState,
  MAX_STEP_MS,
  nextTradingDay,
} from '../../../src/domain/feed/index.js';
import { clockMs, istDayNumber, istDayStartMs, istMidnightMs, istTimeOfDayMs, isTradingDay } from '../../../src/domain/market-hours/index.js';
import { isAppError } from '../../../src/errors.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

/** Friday 2025-01-24 14:00 IST. */
const FRIDAY = istMidnightMs(2025, 1, 24) + clockMs(14, 0);
const NSE = { market24x7: false, holidays: ['2025-01-27'] };

describe('synthetic session clock', () => {
  it('starts at 09:15 IST of the first trading day after today and rolls one trading day per session', () => {
    const c = createSyntheticClock({ sessionMs: 60_000, calendar: NSE, wallNowMs: FRIDAY });
    // Saturday, Sunday and the Monday holiday are skipped: Tuesday the 28th
    const tuesday = istDayNumber(istMidnightMs(2025, 1, 28));
    expect(istDayNumber(c.now())).toBe(tuesday);
    expect(istTimeOfDayMs(c.now())).toBe(clockMs(9, 15));
    for (let i = 0; i < 59; i++) c.advance(1000);
    expect(istDayNumber(c.now())).toBe(tuesday);
    expect(istTimeOfDayMs(c.now())).toBe(clockMs(9, 15) + 59_000);
    c.advance(1000);
    expect(istDayNumber(c.now())).toBe(tuesday + 1);
    expect(istTimeOfDayMs(c.now())).toBe(clockMs(9, 15));
    expect(c.sessionsStarted()).toBe(1);
  });

  it('24x7: every day is a session day; a stall is not counted beyond MAX_STEP_MS', () => {
    const c = createSyntheticClock({ sessionMs: 5000, calendar: { market24x7: true }, wallNowMs: FRIDAY });
    expect(istDayNumber(c.now())).toBe(istDayNumber(FRIDAY) + 1);
    const before = c.now();
    c.advance(3_600_000);
    expect(c.now() - before).toBe(MAX_STEP_MS);
    expect(firstSessionDay(FRIDAY, { market24x7: true })).toBe(istDayNumber(FRIDAY) + 1);
  });

  it('continues exactly from an exported state (through JSON)', () => {
    const a = createSyntheticClock({ sessionMs: 10_000, calendar: NSE, wallNowMs: FRIDAY });
    for (let i = 0; i < 37; i++) a.advance(999.5);
    const state: unknown = JSON.parse(JSON.stringify(a.exportState()));
    expect(isSyntheticClockState(state)).toBe(true);
    if (!isSyntheticClockState(state)) return;
    const b = createSyntheticClock({ sessionMs: 10_000, calendar: NSE, wallNowMs: 0, state });
    expect(b.now()).toBe(a.now());
    expect(isSyntheticClockState({ v: 1, day: 1.5, elapsedMs: 0 })).toBe(false);
    // Resuming after a crash skips the gap, rolling into the next session when it runs past the end
    const late = { v: 1 as const, day: state.day, elapsedMs: 9000 };
    const c = createSyntheticClock({ sessionMs: 10_000, calendar: NSE, wallNowMs: 0, state: late, resumeGapMs: 2000 });
    expect(c.exportState()).toEqual({ v: 1, day: nextTradingDay(state.day, NSE), elapsedMs: 1000 });
    const d = createSyntheticClock({ sessionMs: 10_000, calendar: NSE, wallNowMs: 0, state: { ...late, elapsedMs: 1000 }, resumeGapMs: 2000 });
    expect(d.exportState()).toEqual({ v: 1, day: state.day, elapsedMs: 3000 });
  });

  it('refuses a session longer than the NSE session or shorter than a second', () => {
    for (const sessionMs of [999, 22_500_001, 1.5]) {
      let caught: unknown;
      try {
        createSyntheticClock({ sessionMs, calendar: NSE, wallNowMs: FRIDAY });
      } catch (e) {
        caught = e;
      }
      expect(isAppError(caught) && caught.code).toBe('ERR_CONFIG_INVALID');
    }
  });

  it('property: event time never goes backwards and stays inside a trading-day session', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 120_000 }), fc.array(fc.double({ min: -50, max: 5000, noNaN: true }), { maxLength: 300 }), (sessionMs, steps) => {
        const c = createSyntheticClock({ sessionMs, calendar: NSE, wallNowMs: FRIDAY });
        let prev = c.now();
        for (const step of steps) {
          const now = c.advance(step);
          const tod = istTimeOfDayMs(now);
          if (now < prev || !Number.isSafeInteger(now)) return false;
          if (tod < clockMs(9, 15) || tod >= clockMs(9, 15) + sessionMs) return false;
          if (!isTradingDay(istDayStartMs(istDayNumber(now)), NSE)) return false;
          prev = now;
        }
        return true;
      }),
      { seed, numRuns: 200 },
    );
  });

  it('nextTradingDay skips weekends and holidays', () => {
    const friday = istDayNumber(FRIDAY);
    expect(nextTradingDay(friday, NSE)).toBe(friday + 4);
    expect(nextTradingDay(friday, { market24x7: true })).toBe(friday + 1);
  });
});
