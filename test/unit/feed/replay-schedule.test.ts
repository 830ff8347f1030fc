import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replaySchedule } from '../../../src/domain/feed/replay-schedule.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const at = (...ts: number[]) => ts.map((t) => ({ exchangeTs: t, lastTradeTs: 0 }));
const T = 1_718_163_900_000;

describe('replaySchedule', () => {
  it('waits the recorded gaps in realtime, none at max pace', () => {
    const ticks = at(T, T + 1000, T + 1500, T + 4000);
    expect(replaySchedule(ticks, { pace: 'realtime' })).toEqual([0, 1000, 500, 2500]);
    expect(replaySchedule(ticks, { pace: 'max' })).toEqual([0, 0, 0, 0]);
  });

  it('divides by the speed factor without accumulating rounding drift', () => {
    const ticks = at(T, T + 1, T + 2, T + 3, T + 4, T + 5, T + 6);
    const d = replaySchedule(ticks, { pace: 'realtime', speed: 3 });
    expect(d.reduce((a, b) => a + b, 0)).toBe(2); // round(6 / 3)
    expect(d.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(replaySchedule(at(T, T + 10_000), { pace: 'realtime', speed: 0.5 })).toEqual([0, 20_000]);
  });

  it('waits 0 for backwards or unknown timestamps and measures from the latest time seen', () => {
    const ticks = [...at(T, T + 1000, T + 400), { exchangeTs: 0, lastTradeTs: 0 }, ...at(T + 1500)];
    expect(replaySchedule(ticks, { pace: 'realtime' })).toEqual([0, 1000, 0, 0, 500]);
    expect(replaySchedule([{ exchangeTs: 0, lastTradeTs: T }, { exchangeTs: 0, lastTradeTs: T + 7 }], { pace: 'realtime' })).toEqual([0, 7]);
  });

  it('caps long gaps (nights) at maxGapMs', () => {
    expect(replaySchedule(at(T, T + 17 * 3_600_000, T + 17 * 3_600_000 + 50), { pace: 'realtime', maxGapMs: 1000 })).toEqual([0, 1000, 50]);
  });

  it('rejects a non-positive speed', () => {
    expect(() => replaySchedule(at(T), { pace: 'realtime', speed: 0 })).toThrow(/speed/);
    expect(() => replaySchedule(at(T), { pace: 'realtime', speed: Number.NaN })).toThrow(/speed/);
  });

  it('total delay equals the scaled span for sorted timestamps', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 100 }), fc.double({ min: 0.1, max: 100, noNaN: true }), (gaps, speed) => {
        let t = T;
        const ticks = gaps.map((g) => at((t += g))[0] as { exchangeTs: number; lastTradeTs: number });
        const d = replaySchedule(ticks, { pace: 'realtime', speed });
        const span = (ticks.at(-1)?.exchangeTs ?? T) - (ticks[0]?.exchangeTs ?? T);
        return d[0] === 0 && d.every((x) => x >= 0 && Number.isInteger(x)) && d.reduce((a, b) => a + b, 0) === Math.round(span / speed);
      }),
      { seed, numRuns: 300 },
    );
  });
});
