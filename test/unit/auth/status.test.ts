import { describe, expect, it } from 'vitest';
import { ok } from '../../../src/errors.js';
import { createSession, decodeSession } from '../../../src/domain/auth/session.js';
import {
  applyOutcome,
  authView,
  isReady,
  paperState,
  planZerodhaStart,
  refreshExpiry,
  stateWithout,
} from '../../../src/domain/auth/status.js';
import { expiryValidator } from '../../../src/domain/auth/validator.js';
import { clockMs, istMidnightMs } from '../../../src/domain/market-hours/index.js';

const NOW = istMidnightMs(2024, 3, 12) + clockMs(9, 0);
const creds = { apiKey: 'api-key-abcdefgh', accessToken: 'tok-1' };
const live = createSession(creds, NOW - 1000);
const old = createSession(creds, NOW - 2 * 86_400_000);

describe('planZerodhaStart', () => {
  it('needs an api key', () => {
    expect(planZerodhaStart(undefined, {}, NOW)).toEqual({ kind: 'none', status: 'error', reason: 'missing_api_key' });
  });

  it('is unauthenticated without a stored session or a configured token', () => {
    expect(planZerodhaStart(undefined, { apiKey: creds.apiKey }, NOW)).toEqual({ kind: 'none', status: 'unauthenticated', reason: 'no_session' });
  });

  it('creates (and persists) a session from a configured token', () => {
    const p = planZerodhaStart(undefined, creds, NOW);
    expect(p.kind).toBe('check');
    if (p.kind === 'check') {
      expect(p.persist).toBe(true);
      expect(p.session).toMatchObject({ apiKey: creds.apiKey, accessToken: 'tok-1', createdAt: NOW });
    }
    // A new token replaces an older stored one
    const q = planZerodhaStart(ok(old), { ...creds, accessToken: 'tok-2' }, NOW);
    expect(q.kind === 'check' && q.persist && q.session.accessToken === 'tok-2').toBe(true);
  });

  it('reuses a live stored session, with or without the same configured token', () => {
    expect(planZerodhaStart(ok(live), { apiKey: creds.apiKey }, NOW)).toEqual({ kind: 'check', session: live, persist: false });
    expect(planZerodhaStart(ok(live), creds, NOW)).toEqual({ kind: 'check', session: live, persist: false });
  });

  it('does not renew the same token after its expiry, and reports stored expiry', () => {
    expect(planZerodhaStart(ok(old), creds, NOW)).toEqual({ kind: 'none', status: 'expired', reason: 'session_expired' });
    expect(planZerodhaStart(ok(old), { apiKey: creds.apiKey }, NOW)).toEqual({ kind: 'none', status: 'expired', reason: 'session_expired' });
  });

  it('ignores a stored session of another api key and reports a corrupt record', () => {
    expect(planZerodhaStart(ok(live), { apiKey: 'other-key' }, NOW)).toMatchObject({ kind: 'none', reason: 'api_key_changed' });
    const corrupt = decodeSession({ v: 9 }, 'auth');
    expect(planZerodhaStart(corrupt, { apiKey: creds.apiKey }, NOW)).toEqual({ kind: 'none', status: 'error', reason: 'stored_session_invalid' });
    // A configured token still recovers from a corrupt record
    expect(planZerodhaStart(corrupt, creds, NOW).kind).toBe('check');
  });
});

describe('auth state', () => {
  it('paper is always ready', () => {
    const p = paperState(NOW);
    expect(isReady(p, NOW)).toBe(true);
    expect(authView(p, NOW)).toEqual({ broker: 'paper', status: 'authenticated', ready: true, changedAt: NOW });
  });

  it('maps validator outcomes to statuses', async () => {
    const valid = applyOutcome('zerodha', live, await expiryValidator.validate(live, NOW), NOW);
    expect(valid.status).toBe('authenticated');
    expect(isReady(valid, NOW)).toBe(true);
    const expired = applyOutcome('zerodha', old, await expiryValidator.validate(old, NOW), NOW);
    expect(expired).toMatchObject({ status: 'expired', reason: 'session_expired' });
    expect(applyOutcome('zerodha', live, { kind: 'rejected', reason: 'TokenException' }, NOW)).toMatchObject({
      status: 'unauthenticated',
      reason: 'token_rejected',
      detail: 'TokenException',
    });
    const down = applyOutcome('zerodha', live, { kind: 'unavailable', reason: 'circuit_open' }, NOW);
    expect(down).toMatchObject({ status: 'error', reason: 'validator_unavailable' });
    expect(isReady(down, NOW)).toBe(false);
    const named = applyOutcome('zerodha', live, { kind: 'valid', userId: 'ZX1' }, NOW);
    expect(named.session?.userId).toBe('ZX1');
  });

  it('an authenticated session turns expired once its expiry passes', () => {
    const s = applyOutcome('zerodha', live, { kind: 'valid' }, NOW);
    expect(refreshExpiry(s, live.expiresAt - 1)).toBe(s);
    const e = refreshExpiry(s, live.expiresAt);
    expect(e).toMatchObject({ status: 'expired', reason: 'session_expired', changedAt: live.expiresAt });
    expect(isReady(s, live.expiresAt)).toBe(false);
    const none = stateWithout('zerodha', 'unauthenticated', 'no_session', NOW);
    expect(refreshExpiry(none, NOW + 1)).toBe(none);
  });

  it('the view never carries the token', () => {
    const v = authView(applyOutcome('zerodha', live, { kind: 'valid' }, NOW), NOW);
    expect(JSON.stringify(v)).not.toContain('tok-1');
    expect(v.session).toMatchObject({ apiKey: '****efgh', expiresInMs: live.expiresAt - NOW });
    expect(v.ready).toBe(true);
  });
});
