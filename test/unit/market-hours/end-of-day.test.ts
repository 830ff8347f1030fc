// When the engine runs its session end.
import { describe, expect, it } from 'vitest';
import { clockMs, istDayNumber, istEpochMs } from '../../../src/domain/market-hours/index.js';
import { dueEndOfDay, latestEndOfDay } from '../../../src/domain/market-hours/index.js';

const at = (date: string, h: number, m: number): number => istEpochMs(date, clockMs(h, m))!;
const nse = { market24x7: false, holidays: [] as string[] };

describe('session end', () => {
  it('NSE: 15:30 IST of the latest trading day at or before now', () => {
    // 2024-01-15 is a Monday
    expect(latestEndOfDay(at('2024-01-15', 15, 29), nse)).toEqual({ day: istDayNumber(at('2024-01-12', 12, 0)), ts: at('2024-01-12', 15, 30) });
    expect(latestEndOfDay(at('2024-01-15', 15, 30), nse)).toEqual({ day: istDayNumber(at('2024-01-15', 12, 0)), ts: at('2024-01-15', 15, 30) });
    expect(latestEndOfDay(at('2024-01-14', 20, 0), nse)?.ts).toBe(at('2024-01-12', 15, 30));
    expect(latestEndOfDay(at('2024-01-16', 16, 0), { market24x7: false, holidays: ['2024-01-16', '2024-01-15'] })?.ts).toBe(at('2024-01-12', 15, 30));
  });

  it('runs once per session end', () => {
    const now = at('2024-01-15', 16, 0);
    const due = dueEndOfDay(now, null, nse)!;
    expect(due.ts).toBe(at('2024-01-15', 15, 30));
    expect(dueEndOfDay(now, due.day, nse)).toBeNull();
    expect(dueEndOfDay(at('2024-01-16', 15, 0), due.day, nse)).toBeNull();
    expect(dueEndOfDay(at('2024-01-16', 15, 31), due.day, nse)?.day).toBe(due.day + 1);
    // A missed session end runs once, at the latest due instant
    expect(dueEndOfDay(at('2024-01-19', 17, 0), due.day - 3, nse)?.ts).toBe(at('2024-01-19', 15, 30));
  });

  it('24x7: once per IST day at midnight', () => {
    const cal = { market24x7: true, holidays: [] };
    const now = at('2024-01-14', 3, 0);
    const due = dueEndOfDay(now, null, cal)!;
    expect(due).toEqual({ day: istDayNumber(now) - 1, ts: at('2024-01-14', 0, 0) });
    expect(dueEndOfDay(at('2024-01-14', 23, 59), due.day, cal)).toBeNull();
    expect(dueEndOfDay(at('2024-01-15', 0, 0), due.day, cal)?.ts).toBe(at('2024-01-15', 0, 0));
  });
});
