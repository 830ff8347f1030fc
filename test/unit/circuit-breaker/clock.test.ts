import { describe, expect, it } from 'vitest';
import { FAKE_CLOCK_EPOCH_MS, FakeClock, realClock } from '../../../src/runtime/clock.js';

describe('clocks', () => {
  it('FakeClock.advance moves both clocks; set moves only the wall clock', () => {
    const c = new FakeClock();
    expect([c.nowMs(), c.monoMs()]).toEqual([FAKE_CLOCK_EPOCH_MS, 0]);
    c.advance(250);
    expect([c.nowMs(), c.monoMs()]).toEqual([FAKE_CLOCK_EPOCH_MS + 250, 250]);
    c.set(5);
    expect([c.nowMs(), c.monoMs()]).toEqual([5, 250]);
    expect(() => c.advance(-1)).toThrow(RangeError);
    expect(() => c.set(Number.NaN)).toThrow(RangeError);
  });

  it('realClock is an epoch wall clock and a non-decreasing monotonic clock', () => {
    expect(realClock.nowMs()).toBeGreaterThan(FAKE_CLOCK_EPOCH_MS);
    const a = realClock.monoMs();
    expect(realClock.monoMs()).toBeGreaterThanOrEqual(a);
  });
});
