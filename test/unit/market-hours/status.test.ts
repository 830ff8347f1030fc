import { describe, expect, it } from 'vitest';
import {
  isMarketOpen,
  isTradingDay,
  marketStatus,
  msUntilMarketOpen,
  nextMarketOpen,
  sessionEnd,
  sessionStart,
  tradingDay,
} from '../../../src/domain/market-hours/index.js';

/** Epoch ms of an IST wall-clock time, computed independently with Date.UTC. */
const ist = (y: number, mo: number, d: number, h: number, mi: number, s = 0, ms = 0): number =>
  Date.UTC(y, mo - 1, d, h, mi, s, ms) - 5.5 * 3_600_000;

// 2024-06-12 is a Wednesday; 2024-06-15/16 a weekend; 2024-06-17 (Bakri Id) an NSE holiday
const WED = (h: number, mi: number, s = 0, ms = 0) => ist(2024, 6, 12, h, mi, s, ms);

describe('marketStatus on a weekday', () => {
  it.each([
    [8, 59, 59, 999, 'closed'],
    [9, 0, 0, 0, 'pre_open'],
    [9, 14, 59, 999, 'pre_open'],
    [9, 15, 0, 0, 'open'],
    [12, 45, 0, 0, 'open'],
    [15, 30, 0, 0, 'open'],
    [15, 30, 0, 1, 'closed'],
    [23, 59, 0, 0, 'closed'],
    [0, 0, 0, 0, 'closed'],
  ] as const)('%i:%i:%i.%i IST is %s', (h, mi, s, ms, expected) => {
    expect(marketStatus(WED(h, mi, s, ms))).toBe(expected);
  });

  it('treats OPEN and PRE_OPEN as open, as the original did', () => {
    expect(isMarketOpen(WED(9, 0))).toBe(true);
    expect(isMarketOpen(WED(15, 30))).toBe(true);
    expect(isMarketOpen(WED(15, 31))).toBe(false);
    expect(isMarketOpen(WED(8, 59))).toBe(false);
  });
});

describe('options', () => {
  it('enforces the lunch break only when asked', () => {
    expect(marketStatus(WED(12, 30), { enforceLunch: true })).toBe('lunch_break');
    expect(marketStatus(WED(13, 29, 59), { enforceLunch: true })).toBe('lunch_break');
    expect(marketStatus(WED(13, 30), { enforceLunch: true })).toBe('open');
    expect(marketStatus(WED(12, 29, 59), { enforceLunch: true })).toBe('open');
    expect(isMarketOpen(WED(12, 45), { enforceLunch: true })).toBe(false);
    expect(marketStatus(WED(12, 45))).toBe('open');
  });

  it('reports weekends before holidays and holidays before sessions', () => {
    expect(marketStatus(ist(2024, 6, 15, 10, 0))).toBe('weekend');
    expect(marketStatus(ist(2024, 6, 16, 10, 0), { holidays: ['2024-06-16'] })).toBe('weekend');
    expect(marketStatus(ist(2024, 6, 17, 10, 0), { holidays: ['2024-06-17'] })).toBe('holiday');
    expect(marketStatus(ist(2024, 6, 17, 9, 5), { holidays: ['2024-06-17'] })).toBe('holiday');
    expect(marketStatus(ist(2024, 6, 17, 10, 0))).toBe('open');
    expect(isTradingDay(ist(2024, 6, 17, 10, 0), { holidays: ['2024-06-17'] })).toBe(false);
  });

  it('is always open in 24x7 mode', () => {
    const opts = { market24x7: true, holidays: ['2024-06-17'] };
    for (const t of [ist(2024, 6, 15, 3, 0), ist(2024, 6, 17, 10, 0), WED(23, 0)]) {
      expect(marketStatus(t, opts)).toBe('open');
      expect(isMarketOpen(t, opts)).toBe(true);
      expect(nextMarketOpen(t, opts)).toBe(t);
      expect(msUntilMarketOpen(t, opts)).toBe(0);
    }
  });
});

describe('nextMarketOpen', () => {
  it('returns today 09:15 before the open, inclusive of the instant itself', () => {
    expect(nextMarketOpen(WED(3, 0))).toBe(WED(9, 15));
    expect(nextMarketOpen(WED(9, 5))).toBe(WED(9, 15));
    expect(nextMarketOpen(WED(9, 15))).toBe(WED(9, 15));
  });

  it('returns the next trading day once the session has started', () => {
    expect(nextMarketOpen(WED(9, 15, 0, 1))).toBe(ist(2024, 6, 13, 9, 15));
    expect(nextMarketOpen(WED(16, 0))).toBe(ist(2024, 6, 13, 9, 15));
  });

  it('skips the weekend and listed holidays', () => {
    const friEvening = ist(2024, 6, 14, 16, 0);
    expect(nextMarketOpen(friEvening)).toBe(ist(2024, 6, 17, 9, 15));
    expect(nextMarketOpen(friEvening, { holidays: ['2024-06-17'] })).toBe(ist(2024, 6, 18, 9, 15));
    expect(nextMarketOpen(ist(2024, 6, 15, 12, 0), { holidays: ['2024-06-17', '2024-06-18'] })).toBe(ist(2024, 6, 19, 9, 15));
  });

  it('returns the end of an enforced lunch break', () => {
    expect(nextMarketOpen(WED(12, 40), { enforceLunch: true })).toBe(WED(13, 30));
    expect(nextMarketOpen(WED(12, 40))).toBe(ist(2024, 6, 13, 9, 15));
  });

  it('counts down to pre-open, which already counts as open', () => {
    expect(msUntilMarketOpen(WED(8, 0))).toBe(60 * 60_000);
    expect(msUntilMarketOpen(WED(9, 10))).toBe(0);
    expect(msUntilMarketOpen(ist(2024, 6, 14, 16, 0))).toBe(ist(2024, 6, 17, 9, 0) - ist(2024, 6, 14, 16, 0));
    expect(msUntilMarketOpen(WED(12, 40), { enforceLunch: true })).toBe(50 * 60_000);
  });
});

describe('IST dates', () => {
  it('changes the trading day at IST midnight, not UTC midnight', () => {
    // 2024-06-12T18:29:59.999Z is 23:59:59.999 IST; one ms later it is already the 13th in IST
    expect(tradingDay(Date.UTC(2024, 5, 12, 18, 29, 59, 999))).toBe('2024-06-12');
    expect(tradingDay(Date.UTC(2024, 5, 12, 18, 30))).toBe('2024-06-13');
    // 2024-06-12T20:00Z is still the 12th in UTC but the 13th (Thursday, 01:30) in IST
    expect(marketStatus(Date.UTC(2024, 5, 12, 20, 0))).toBe('closed');
    // Friday 2024-06-14 23:00 UTC is Saturday in IST
    expect(marketStatus(Date.UTC(2024, 5, 14, 23, 0))).toBe('weekend');
    expect(tradingDay(Date.UTC(2023, 11, 31, 20, 0))).toBe('2024-01-01');
  });

  it('gives session bounds of the IST day', () => {
    expect(sessionEnd(WED(1, 0))).toBe(WED(15, 30));
    expect(sessionEnd(WED(23, 59))).toBe(WED(15, 30));
    expect(sessionStart(WED(20, 0))).toBe(WED(9, 15));
    expect(sessionEnd(Date.UTC(2024, 5, 12, 19, 0))).toBe(ist(2024, 6, 13, 15, 30));
  });
});
