// The Kite rate limiter on a fake clock: whatever the arrival pattern, admitted calls never exceed
// any bucket's limit in any window, every call is eventually admitted, and the daily placement cap
// refuses (not waits) and resets at the IST day boundary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/runtime/clock.js';
import { KITE_CLIENT_LIMITS, KITE_LIMITS, KiteLimiter, type KiteLimits } from '../../../src/kite/rest/limiter.js';
import { isAppError } from '../../../src/errors.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

/** Max calls in any window of `windowMs` over sorted admission times. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('KiteLimiter', () => {
  it('orders: at most 10 in any second and 400 in any minute (documented and client limits)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 700 }), fc.constantFrom(KITE_LIMITS, KITE_CLIENT_LIMITS), async (gaps, limits) => {
        const clock = new FakeClock();
        // The fake sleep moves time forward: the limiter is then the only thing deciding admission times
        const limiter = new KiteLimiter(clock, limits, (ms) => {
          clock.advance(ms);
          return Promise.resolve();
        });
        const admitted: number[] = [];
        for (const gap of gaps) {
          clock.advance(gap);
          await limiter.acquire('order');
          admitted.push(clock.monoMs());
        }
        expect(admitted.length).toBe(gaps.length);
        // 1 ms of slack: a bucket refills continuously, so the 11th call lands exactly 1000 ms after the first
        expect(maxInWindow(admitted, 999)).toBeLessThanOrEqual(10);
        expect(maxInWindow(admitted, 59_999)).toBeLessThanOrEqual(400);
      }),
      { seed, numRuns: 30 },
    );
  });

  it('quote is 1/s and classes do not share tokens', async () => {
    const clock = new FakeClock();
    const limiter = new KiteLimiter(clock, KITE_LIMITS, (ms) => {
      clock.advance(ms);
      return Promise.resolve();
    });
    await limiter.acquire('quote');
    const t0 = clock.monoMs();
    for (let i = 0; i < 10; i++) await limiter.acquire('other');
    expect(clock.monoMs()).toBe(t0); // ten "other" calls fit the burst
    await limiter.acquire('quote');
    expect(clock.monoMs() - t0).toBeGreaterThanOrEqual(999);
  });

  it('the daily placement cap refuses, then resets on the next IST day', async () => {
    const limits: KiteLimits = { ...KITE_LIMITS, ordersPerDay: 3 };
    const clock = new FakeClock(Date.UTC(2026, 11, 2, 4, 0)); // 09:30 IST
    const limiter = new KiteLimiter(clock, limits, (ms) => {
      clock.advance(ms);
      return Promise.resolve();
    });
    for (let i = 0; i < 3; i++) await limiter.acquire('order', true);
    const refused = await limiter.acquire('order', true).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(refused, 'ERR_KITE_RATE_LIMITED')).toBe(true);
    await limiter.acquire('order'); // a modify still passes
    clock.set(Date.UTC(2026, 11, 2, 19, 0)); // 00:30 IST the next day
    await limiter.acquire('order', true);
  });
});
