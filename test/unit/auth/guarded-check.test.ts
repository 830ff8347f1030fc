import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/runtime/circuit-breaker.js';
import { FakeClock } from '../../../src/runtime/clock.js';
import { createSession } from '../../../src/domain/auth/session.js';
import type { SessionValidator, ValidationOutcome } from '../../../src/domain/auth/validator.js';
import { guardedValidate } from '../../../src/services/auth/guarded-check.js';

function stub(results: (ValidationOutcome | Error)[]): SessionValidator & { calls: number } {
  const v = {
    name: 'stub',
    calls: 0,
    validate: async () => {
      const r = results[Math.min(v.calls++, results.length - 1)]!;
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return v;
}

describe('guardedValidate', () => {
  const clock = new FakeClock();
  const session = createSession({ apiKey: 'k', accessToken: 'super-secret' }, clock.nowMs());

  it('passes valid and rejected outcomes through without tripping the breaker', async () => {
    const breaker = new CircuitBreaker({ name: 't', clock, failureThreshold: 1 });
    expect(await guardedValidate(breaker, stub([{ kind: 'valid' }]), session, () => clock.nowMs())).toEqual({ kind: 'valid' });
    expect(await guardedValidate(breaker, stub([{ kind: 'rejected', reason: 'x' }]), session, () => clock.nowMs())).toEqual({ kind: 'rejected', reason: 'x' });
    expect(breaker.state).toBe('closed');
  });

  it('counts unavailability and thrown errors as failures, then reports the open circuit', async () => {
    const breaker = new CircuitBreaker({ name: 't', clock, failureThreshold: 2, recoveryMs: 1000 });
    const v = stub([{ kind: 'unavailable', reason: 'timeout' }, new Error('boom super-secret')]);
    expect(await guardedValidate(breaker, v, session, () => clock.nowMs())).toEqual({ kind: 'unavailable', reason: 'timeout' });
    const second = await guardedValidate(breaker, v, session, () => clock.nowMs());
    // The error message could quote the token: only a code (or a generic reason) is passed on
    expect(second).toEqual({ kind: 'unavailable', reason: 'validator_error' });
    expect(breaker.state).toBe('open');
    expect(await guardedValidate(breaker, v, session, () => clock.nowMs())).toEqual({ kind: 'unavailable', reason: 'circuit_open' });
    expect(v.calls).toBe(2);
  });
});
