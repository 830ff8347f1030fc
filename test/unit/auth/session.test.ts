import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createSession,
  decodeSession,
  isSessionExpired,
  maskSecret,
  nextKiteExpiryMs,
  redactSession,
  usableAccessToken,
} from '../../../src/domain/auth/session.js';
import { clockMs, DAY_MS, istMidnightMs, istTimeOfDayMs } from '../../../src/domain/market-hours/index.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const day = istMidnightMs(2024, 3, 12);
const SIX = clockMs(6, 0);

describe('nextKiteExpiryMs', () => {
  it('is 06:00 IST the same day before six and the next day from six on', () => {
    expect(nextKiteExpiryMs(day + clockMs(5, 59))).toBe(day + SIX);
    expect(nextKiteExpiryMs(day + SIX)).toBe(day + DAY_MS + SIX);
    expect(nextKiteExpiryMs(day + clockMs(10, 0))).toBe(day + DAY_MS + SIX);
    expect(nextKiteExpiryMs(day)).toBe(day + SIX);
  });

  it('is always a 06:00 IST instant in (now, now + 24 h]', () => {
    const prop = fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (now) => {
      const e = nextKiteExpiryMs(now);
      expect(e).toBeGreaterThan(now);
      expect(e - now).toBeLessThanOrEqual(DAY_MS);
      expect(istTimeOfDayMs(e)).toBe(SIX);
    });
    fc.assert(prop, { seed, numRuns: 500 });
  });
});

describe('sessions', () => {
  const s = createSession({ apiKey: 'kite_api_key_1234', accessToken: 'secret-token-value' }, day + clockMs(9, 0));

  it('expire at the next 06:00 IST and only then stop yielding the token', () => {
    expect(s.expiresAt).toBe(day + DAY_MS + SIX);
    expect(isSessionExpired(s, s.expiresAt - 1)).toBe(false);
    expect(isSessionExpired(s, s.expiresAt)).toBe(true);
    expect(usableAccessToken(s, s.expiresAt - 1)).toBe('secret-token-value');
    expect(usableAccessToken(s, s.expiresAt)).toBeUndefined();
    expect(usableAccessToken(undefined, 0)).toBeUndefined();
  });

  it('redact the token and mask the api key', () => {
    const r = redactSession({ ...s, userId: 'AB1234' });
    expect(JSON.stringify(r)).not.toContain('secret-token-value');
    expect(JSON.stringify(r)).not.toContain('kite_api_key_1234');
    expect(r).toEqual({ apiKey: '****1234', userId: 'AB1234', createdAt: s.createdAt, expiresAt: s.expiresAt });
    expect(maskSecret('short')).toBe('****');
    expect(maskSecret('12345678')).toBe('****');
  });

  it('decode only well-formed v1 records', () => {
    expect(decodeSession(s, 'k')).toEqual({ ok: true, value: s });
    expect(decodeSession({ ...s, userId: 'U1' }, 'k').ok).toBe(true);
    for (const bad of [undefined, null, 'x', { ...s, v: 2 }, { ...s, accessToken: '' }, { ...s, expiresAt: 'soon' }, { ...s, userId: 5 }]) {
      const r = decodeSession(bad, 'k');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'ERR_STORE_SCHEMA', key: 'k', expected: 1 });
    }
  });
});
