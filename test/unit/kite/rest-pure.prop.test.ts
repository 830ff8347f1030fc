// Properties of the pure parts of the Kite REST client: exact rupee ↔ minor-unit conversion (against
// an independent BigInt rounding), the login checksum, deterministic order tags, the redirect-URL
// parser and the error_type → catalogue mapping with its retry and breaker policies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalTextToMinor, minorToDecimalText, minorToRupees, rupeesToMinor } from '../../../src/kite/rest/money.js';
import { loginUrl, requestTokenFrom, sessionChecksum } from '../../../src/kite/rest/checksum.js';
import { isOurTag, orderTag } from '../../../src/kite/rest/tag.js';
import { isOutage, isRetryable, KITE_ERROR_CODES, kiteError } from '../../../src/kite/rest/errors.js';
import { CATALOGUE } from '../../../src/errors.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

/** Independent reference: decimal text → minor units, half away from zero, in BigInt. */
function refMinor(intDigits: string, fracDigits: string, negative: boolean, decimals: number): bigint {
  const kept = fracDigits.slice(0, decimals).padEnd(decimals, '0');
  let v = BigInt(intDigits + kept);
  if (fracDigits.length > decimals && Number(fracDigits[decimals]) >= 5) v += 1n;
  return negative ? -v : v;
}

describe('money', () => {
  it('known values: no float drift', () => {
    expect(rupeesToMinor(1573.15)).toBe(157315);
    expect(rupeesToMinor(4.35)).toBe(435);
    expect(4.35 * 100).not.toBe(435); // the trap this module exists for
    expect(rupeesToMinor(0.05)).toBe(5);
    expect(rupeesToMinor(-12.345)).toBe(-1235);
    expect(rupeesToMinor(78.0)).toBe(7800);
    expect(rupeesToMinor(4e-7, 7)).toBe(4);
    expect(rupeesToMinor(1e-9)).toBe(0);
    expect(rupeesToMinor(Number.NaN)).toBeUndefined();
    expect(rupeesToMinor(1e22)).toBeUndefined();
    expect(minorToDecimalText(157315)).toBe('1573.15');
    expect(minorToDecimalText(5)).toBe('0.05');
    expect(minorToDecimalText(-5)).toBe('-0.05');
    expect(minorToDecimalText(830_123_4567, 7)).toBe('830.1234567');
    expect(decimalTextToMinor('1573.15')).toBe(157315);
  });

  it('a decimal with up to 15 significant digits converts like exact BigInt rounding', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9][0-9]{0,7}$|^0$/),
        fc.stringMatching(/^[0-9]{0,6}$/),
        fc.boolean(),
        fc.constantFrom(2, 4, 7),
        (intDigits, fracDigits, negative, decimals) => {
          const text = fracDigits === '' ? intDigits : `${intDigits}.${fracDigits}`;
          const value = Number((negative ? '-' : '') + text);
          const expected = refMinor(intDigits, fracDigits, negative, decimals);
          expect(BigInt(rupeesToMinor(value, decimals)!)).toBe(expected === 0n ? 0n : expected);
        },
      ),
      { seed, numRuns: 3000 },
    );
  });

  it('minor → text → number → minor is the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 14 - 1), max: 10 ** 14 - 1 }), fc.constantFrom(2, 4, 7), (m, d) => {
        expect(rupeesToMinor(Number(minorToDecimalText(m, d)), d)).toBe(m);
        expect(rupeesToMinor(minorToRupees(m, d), d)).toBe(m);
        if (m >= 0) expect(decimalTextToMinor(minorToDecimalText(m, d), d)).toBe(m);
      }),
      { seed, numRuns: 3000 },
    );
  });
});

describe('login', () => {
  it('checksum is hex(sha256(api_key + request_token + api_secret))', () => {
    // NIST vector: sha256("abc")
    expect(sessionChecksum('a', 'b', 'c')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (k, t, s) => {
        expect(sessionChecksum(k, t, s)).toBe(sessionChecksum('', k + t + s, ''));
        expect(sessionChecksum(k, t, s)).toMatch(/^[0-9a-f]{64}$/);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('login URL and request token from whatever the user pastes', () => {
    expect(loginUrl('kitekey')).toBe('https://kite.zerodha.com/connect/login?v=3&api_key=kitekey');
    expect(loginUrl('k', 'http://127.0.0.1:9', { a: '1' })).toBe('http://127.0.0.1:9/connect/login?v=3&api_key=k&redirect_params=a%3D1');
    expect(requestTokenFrom('https://app.example/cb?request_token=Ab12&action=login&status=success')).toBe('Ab12');
    expect(requestTokenFrom('  Ab12  ')).toBe('Ab12');
    expect(requestTokenFrom('?action=login&request_token=Zz9')).toBe('Zz9');
    expect(requestTokenFrom('https://app.example/cb?request_token=Ab12&status=error')).toBeUndefined();
    expect(requestTokenFrom('https://app.example/cb?status=success')).toBeUndefined();
    expect(requestTokenFrom('not a token!')).toBeUndefined();
    expect(requestTokenFrom('')).toBeUndefined();
  });
});

describe('order tag', () => {
  it('is deterministic, at most 20 alphanumerics, recognisably ours', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (key) => {
        const tag = orderTag(key);
        expect(tag).toBe(orderTag(key));
        expect(tag).toMatch(/^[A-Za-z0-9]{1,20}$/);
        expect(isOurTag(tag)).toBe(true);
      }),
      { seed, numRuns: 1000 },
    );
    expect(isOurTag('manual')).toBe(false);
    expect(isOurTag(null)).toBe(false);
    expect(() => orderTag('')).toThrow(RangeError);
  });

  it('distinct signal keys of a busy day get distinct tags', () => {
    const tags = new Set<string>();
    for (let i = 0; i < 20_000; i++) tags.add(orderTag(`momentum:408065:${i}`));
    expect(tags.size).toBe(20_000);
  });
});

describe('error mapping', () => {
  it('every Kite error_type maps to a catalogued code; 429 is rate-limited; unknown is general', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(KITE_ERROR_CODES), 'SomethingNew', 42, undefined),
        fc.constantFrom(400, 403, 404, 429, 500, 502, 503, 504),
        fc.string({ maxLength: 300 }),
        (type, status, message) => {
          const e = kiteError('GET /orders', status, type, message);
          expect(e.code in CATALOGUE).toBe(true);
          if (status === 429) expect(e.code).toBe('ERR_KITE_RATE_LIMITED');
          else if (typeof type === 'string' && type in KITE_ERROR_CODES) expect(e.code).toBe(KITE_ERROR_CODES[type]);
          else expect(e.code).toBe('ERR_KITE_GENERAL');
          expect(String(e.detail['reason']).length).toBeLessThanOrEqual(201);
          // Policies: a session error or a refusal is never retried nor counted as an outage
          if (e.code === 'ERR_KITE_TOKEN' || e.code === 'ERR_KITE_INPUT' || e.code === 'ERR_KITE_ORDER' || e.code === 'ERR_KITE_MARGIN') {
            expect(isRetryable(e)).toBe(false);
            expect(isOutage(e)).toBe(false);
          }
          if (e.code === 'ERR_KITE_GENERAL') expect(isRetryable(e)).toBe(status >= 500);
          if (e.code === 'ERR_KITE_RATE_LIMITED') expect([isRetryable(e), isOutage(e)]).toEqual([true, false]);
          if (e.code === 'ERR_KITE_NETWORK') expect([isRetryable(e), isOutage(e)]).toEqual([true, true]);
        },
      ),
      { seed, numRuns: 500 },
    );
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});
