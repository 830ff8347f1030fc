import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/errors.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitStateChange } from '../../../src/runtime/circuit-breaker.js';
import { FakeClock } from '../../../src/runtime/clock.js';

const boom = (): Promise<never> => Promise.reject(new Error('down'));
const fine = (): Promise<string> => Promise.resolve('ok');

function setup(opts: Partial<CircuitBreakerOptions> = {}) {
  const clock = new FakeClock();
  const changes: CircuitStateChange[] = [];
  const breaker = new CircuitBreaker({ name: 'kite', clock, failureThreshold: 3, recoveryMs: 1000, ...opts });
  breaker.onStateChange((c) => changes.push(c));
  return { clock, breaker, changes };
}

async function fail(b: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(b.call(boom)).rejects.toThrow('down');
}

/** A call whose outcome the test decides later. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, and a success resets the run', async () => {
    const { breaker, changes } = setup();
    await fail(breaker, 2);
    await expect(breaker.call(fine)).resolves.toBe('ok');
    expect(breaker.counters().consecutiveFailures).toBe(0);
    await fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    await fail(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(changes.map((c) => [c.from, c.to, c.reason])).toEqual([['closed', 'open', 'failure-threshold']]);
    expect(changes[0]?.atMs).toBe(new FakeClock().nowMs());
  });

  it('rejects with ERR_CIRCUIT_OPEN without calling fn while open', async () => {
    const { breaker, clock } = setup();
    await fail(breaker, 3);
    clock.advance(400);
    let called = false;
    const e: unknown = await breaker.call(() => {
      called = true;
      return 1;
    }).catch((x: unknown) => x);
    expect(called).toBe(false);
    expect(isAppError(e, 'ERR_CIRCUIT_OPEN')).toBe(true);
    expect(isAppError(e) && e.detail).toMatchObject({ name: 'kite', retryInMs: 600 });
    expect(breaker.retryInMs()).toBe(600);
    expect(breaker.counters()).toMatchObject({ calls: 3, failures: 3, rejected: 1, opens: 1 });
  });

  it('goes half-open after recoveryMs (monotonic time), a trial success closes', async () => {
    const { breaker, clock, changes } = setup();
    await fail(breaker, 3);
    clock.set(clock.nowMs() + 10 * 60_000); // a wall-clock jump must not end the open period
    expect(breaker.state).toBe('open');
    clock.advance(999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.call(fine)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes.map((c) => c.reason)).toEqual(['failure-threshold', 'recovery-elapsed', 'trial-succeeded']);
  });

  it('a trial failure re-opens for a full recoveryMs', async () => {
    const { breaker, clock, changes } = setup();
    await fail(breaker, 3);
    clock.advance(1000);
    await fail(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(breaker.retryInMs()).toBe(1000);
    expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual(['closed>open', 'open>half-open', 'half-open>open']);
    expect(breaker.counters().opens).toBe(2);
  });

  it('admits at most halfOpenMaxCalls trials per half-open period', async () => {
    const { breaker, clock } = setup({ halfOpenMaxCalls: 2 });
    await fail(breaker, 3);
    clock.advance(1000);
    const t1 = deferred<string>();
    const t2 = deferred<string>();
    const p1 = breaker.call(() => t1.promise);
    const p2 = breaker.call(() => t2.promise);
    expect(breaker.counters().trialsInFlight).toBe(2);
    const third: unknown = await breaker.call(fine).catch((x: unknown) => x);
    expect(isAppError(third, 'ERR_CIRCUIT_OPEN') && third.detail['retryInMs']).toBe(0);
    t1.resolve('first');
    await expect(p1).resolves.toBe('first');
    expect(breaker.state).toBe('closed');
    // The second trial belongs to the finished half-open period: it cannot re-open the circuit
    t2.reject(new Error('late'));
    await expect(p2).rejects.toThrow('late');
    expect(breaker.state).toBe('closed');
    expect(breaker.counters()).toMatchObject({ failures: 4, successes: 1, rejected: 1, consecutiveFailures: 0, trialsInFlight: 0 });
  });

  it('ignores stale failures of calls admitted before the circuit opened', async () => {
    const { breaker, clock } = setup();
    const slow = deferred<string>();
    const p = breaker.call(() => slow.promise);
    await fail(breaker, 3);
    clock.advance(1000);
    expect(breaker.state).toBe('half-open');
    slow.reject(new Error('stale'));
    await expect(p).rejects.toThrow('stale');
    expect(breaker.state).toBe('half-open');
  });

  it('isFailure=false errors pass through and count as evidence the system is up', async () => {
    const { breaker } = setup({ isFailure: (e) => !(e instanceof RangeError) });
    await fail(breaker, 2);
    await expect(breaker.call(() => Promise.reject(new RangeError('rejected order')))).rejects.toThrow('rejected order');
    await fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.counters()).toMatchObject({ failures: 4, ignoredErrors: 1, successes: 0 });
  });

  it('synchronous throws count as failures; reset() closes; unsubscribe works', async () => {
    const { breaker, changes } = setup({ failureThreshold: 1 });
    const seen: string[] = [];
    const off = breaker.onStateChange((c) => seen.push(c.to));
    await expect(
      breaker.call(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.state).toBe('open');
    off();
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(seen).toEqual(['open']);
    expect(changes.at(-1)?.reason).toBe('reset');
  });

  it('validates its options', () => {
    const clock = new FakeClock();
    expect(() => new CircuitBreaker({ name: 'x', clock, failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ name: 'x', clock, halfOpenMaxCalls: 1.5 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ name: 'x', clock, recoveryMs: -1 })).toThrow(RangeError);
  });

  it('never calls fn while open, whatever the sequence of outcomes and delays (model check)', async () => {
    const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
    console.log('seed', seed);
    const step = fc.record({ ok: fc.boolean(), waitMs: fc.integer({ min: 0, max: 700 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const { breaker, clock } = setup();
        // Naive model: consecutive failures, open-until time, half-open flag
        let fails = 0;
        let openUntil = -1;
        let state: 'closed' | 'open' | 'half-open' = 'closed';
        for (const s of steps) {
          clock.advance(s.waitMs);
          if (state === 'open' && clock.monoMs() >= openUntil) state = 'half-open';
          let called = false;
          await breaker
            .call(() => {
              called = true;
              return s.ok ? 1 : Promise.reject(new Error('x'));
            })
            .catch(() => undefined);
          expect(called).toBe(state !== 'open');
          if (state === 'open') continue;
          if (state === 'half-open') {
            state = s.ok ? 'closed' : 'open';
            fails = 0;
          } else fails = s.ok ? 0 : fails + 1;
          if (state === 'closed' && fails >= 3) state = 'open';
          if (state === 'open') openUntil = clock.monoMs() + 1000;
          expect(breaker.state).toBe(state);
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});
