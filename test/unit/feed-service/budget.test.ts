import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TickBudget } from '../../../src/services/feed/budget.js';

describe('TickBudget', () => {
  it('owes nothing on the first call, then rate × elapsed with the remainder carried', () => {
    const b = new TickBudget({ rate: 1000 });
    expect(b.take(0)).toBe(0);
    expect(b.take(5)).toBe(5);
    expect(b.take(5.5)).toBe(0);
    expect(b.take(6)).toBe(1); // 0.5 + 0.5
  });

  it('keeps low rates exact over many 5 ms turns', () => {
    const b = new TickBudget({ rate: 1 });
    b.reset(0);
    let n = 0;
    for (let t = 5; t <= 10_000; t += 5) n += b.take(t);
    expect(n).toBe(10);
  });

  it('caps the backlog after a stall and reset() forgets it', () => {
    const b = new TickBudget({ rate: 10_000, maxBacklogMs: 50 });
    b.reset(0);
    expect(b.take(5_000)).toBe(500);
    b.reset(6_000);
    expect(b.take(6_001)).toBe(10);
  });

  it('never emits more than rate × elapsed, nor more than one tick less, over any jittered schedule', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
    console.log('seed', seed);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { maxLength: 300 }), (rate, gaps) => {
        const b = new TickBudget({ rate, maxBacklogMs: 1e9 });
        b.reset(0);
        let t = 0;
        let n = 0;
        for (const g of gaps) {
          t += g;
          n += b.take(t);
        }
        const ideal = (rate * t) / 1000;
        return n <= ideal + 1e-6 && n >= Math.floor(ideal) - 1;
      }),
      { seed, numRuns: 200 },
    );
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TickBudget({ rate: 0 })).toThrow(RangeError);
  });
});
