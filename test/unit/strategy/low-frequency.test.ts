import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLowFrequencyDemo, istDayNumber } from '../../../src/domain/strategy/low-frequency.js';
import { ctxOf } from './helpers.js';

const base = { minIntervalSeconds: 30, maxDailySignalsPerInstrument: null, side: 'auto' as const, quantity: 2 };
const T0 = Date.UTC(2024, 0, 1, 4, 0, 0); // 09:30 IST
const SEED = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', SEED);

describe('low_frequency_demo', () => {
  it('emits on the first tick, then at most once per interval per instrument (tick time)', () => {
    const s = createLowFrequencyDemo(base);
    expect(s.historyLength).toBe(1);
    const first = s.evaluate(ctxOf([12345], 256265, T0));
    expect(first).toMatchObject({ side: 'BUY', confidence: 0.5, quantity: 2, price: 12345 });
    expect(s.evaluate(ctxOf([12345], 256265, T0 + 29_999))).toBeNull();
    // another instrument has its own timer (and its own side sequence)
    expect(s.evaluate(ctxOf([500], 260106, T0 + 1000))?.side).toBe('BUY');
    expect(s.evaluate(ctxOf([12345], 256265, T0 + 30_000))).not.toBeNull();
  });

  it('auto alternates BUY, SELL per instrument whatever the token parity, BUY first each IST day', () => {
    const s = createLowFrequencyDemo(base);
    const sides = (token: number, from: number, n: number): string[] =>
      Array.from({ length: n }, (_, i) => s.evaluate(ctxOf([100], token, from + i * 30_000))?.side ?? 'none');
    // Odd tokens (every default token is odd) used to be SELL-only and never filled on a long-only venue
    expect(sides(738561, T0, 5)).toEqual(['BUY', 'SELL', 'BUY', 'SELL', 'BUY']);
    expect(sides(408064, T0, 2)).toEqual(['BUY', 'SELL']);
    // The next IST day starts with a BUY again even after an odd count: never a sell of nothing
    const nextDay = T0 + 86_400_000;
    expect(sides(738561, nextDay, 2)).toEqual(['BUY', 'SELL']);
  });

  it('auto never sells more than it bought on any instrument of any day (property over random tick times)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(1, 2, 3), fc.integer({ min: 0, max: 60_000 })), { maxLength: 200 }), (steps) => {
        const s = createLowFrequencyDemo({ ...base, minIntervalSeconds: 1 });
        const held = new Map<string, number>();
        let ts = T0;
        for (const [token, gap] of steps) {
          ts += gap * 10;
          const d = s.evaluate(ctxOf([100], token, ts));
          if (d === null) continue;
          const k = `${token}:${istDayNumber(ts)}`;
          const q = (held.get(k) ?? 0) + (d.side === 'BUY' ? d.quantity : -d.quantity);
          if (q < 0) return false;
          held.set(k, q);
        }
        return true;
      }),
      { seed: SEED },
    );
  });

  it('honours a fixed side', () => {
    const s = createLowFrequencyDemo({ ...base, side: 'BUY' });
    expect(s.evaluate(ctxOf([1], 3, T0))?.side).toBe('BUY');
  });

  it('caps signals per instrument per IST day, resetting at IST (not UTC) midnight', () => {
    const s = createLowFrequencyDemo({ ...base, minIntervalSeconds: 60, maxDailySignalsPerInstrument: 1 });
    const evening = Date.UTC(2024, 0, 1, 18, 0, 0); // 23:30 IST on Jan 1
    expect(s.evaluate(ctxOf([100], 1, evening))).not.toBeNull();
    expect(s.evaluate(ctxOf([100], 1, Date.UTC(2024, 0, 1, 18, 29, 59)))).toBeNull();
    expect(s.evaluate(ctxOf([100], 1, Date.UTC(2024, 0, 1, 18, 30, 0)))).not.toBeNull(); // 00:00 IST Jan 2
    // UTC midnight is 05:30 IST: same IST day, no reset
    expect(s.evaluate(ctxOf([100], 1, Date.UTC(2024, 0, 2, 0, 0, 0)))).toBeNull();
    expect(istDayNumber(Date.UTC(2024, 0, 1, 18, 29, 59))).toBe(istDayNumber(Date.UTC(2024, 0, 1, 0, 0, 0)));
    expect(istDayNumber(Date.UTC(2024, 0, 1, 18, 30, 0))).toBe(istDayNumber(Date.UTC(2024, 0, 1, 0, 0, 0)) + 1);
  });

  it('state survives an export/import through JSON', () => {
    const a = createLowFrequencyDemo({ ...base, maxDailySignalsPerInstrument: 5 });
    a.evaluate(ctxOf([100], 7, T0));
    const json = JSON.parse(JSON.stringify(a.exportState?.())) as unknown;
    const b = createLowFrequencyDemo({ ...base, maxDailySignalsPerInstrument: 5 });
    expect(b.importState?.(json)).toBe(true);
    expect(b.evaluate(ctxOf([100], 7, T0 + 10_000))).toBeNull();
    expect(b.evaluate(ctxOf([100], 7, T0 + 30_000))?.metadata['daily_count']).toBe(2);
    expect(b.exportState?.()).toEqual({ lastEmit: { '7': T0 + 30_000 }, day: istDayNumber(T0), counts: { '7': 2 } });
  });

  it('rejects malformed state and keeps its own', () => {
    const s = createLowFrequencyDemo(base);
    s.evaluate(ctxOf([100], 7, T0));
    expect(s.importState?.({ lastEmit: { x: 1 }, day: null, counts: {} })).toBe(false);
    expect(s.evaluate(ctxOf([100], 7, T0 + 1))).toBeNull();
  });
});
