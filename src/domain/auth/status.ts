// Per-broker authentication state (original AuthStatus, §1.1) and its transitions. PURE.
// Invariants: paper needs no session and is always ready; zerodha is `authenticated` only with an
// unexpired session the last check accepted; a state never exposes the token (see authView).
import { assertNever, type Result } from '../../errors.js';
import type { Broker } from '../types.js';
import { createSession, isSessionExpired, redactSession, type BrokerSession, type RedactedSession, type SessionDecodeError } from './session.js';
import type { ValidationOutcome } from './validator.js';

/** Session status of one broker. */
export type AuthStatus = 'unauthenticated' | 'authenticated' | 'expired' | 'error';

/** Why a broker is not ready (stable strings for status reports and tests). */
export type AuthReason =
  | 'no_session'
  | 'session_expired'
  | 'missing_api_key'
  | 'api_key_changed'
  | 'stored_session_invalid'
  | 'token_rejected'
  | 'validator_unavailable';

/** Internal state of one broker (holds the session; never sent out as is). */
export interface BrokerAuthState {
  readonly broker: Broker;
  readonly status: AuthStatus;
  readonly reason?: AuthReason;
  /** Detail of the last check that failed (validator reason), when there is one. */
  readonly detail?: string;
  readonly session?: BrokerSession;
  readonly changedAt: number;
}

/** What `call('status')` returns per broker. */
export interface BrokerAuthView {
  readonly broker: Broker;
  readonly status: AuthStatus;
  readonly ready: boolean;
  readonly reason?: AuthReason;
  readonly detail?: string;
  readonly session?: RedactedSession & { readonly expiresInMs: number };
  readonly changedAt: number;
}

/** Zerodha credentials from config (all optional: config validation decides what is required). */
export interface ZerodhaCredentials {
  readonly apiKey?: string | undefined;
  readonly accessToken?: string | undefined;
}

/** How to begin: a session to check (and whether it is new and must be stored), or a final status. */
export type StartPlan =
  | { readonly kind: 'check'; readonly session: BrokerSession; readonly persist: boolean }
  | { readonly kind: 'none'; readonly status: AuthStatus; readonly reason: AuthReason };

/** Paper trading needs no session: always authenticated and ready. */
export function paperState(nowMs: number): BrokerAuthState {
  return { broker: 'paper', status: 'authenticated', changedAt: nowMs };
}

/**
 * Decides the zerodha start: a stored session is reused while it matches the configured api key
 * and token; a configured token that differs from the stored one makes a new session expiring at the
 * next 06:00 IST; the SAME token as an expired stored session is not renewed by a restart.
 */
export function planZerodhaStart(
  stored: Result<BrokerSession, SessionDecodeError> | undefined,
  creds: ZerodhaCredentials,
  nowMs: number,
): StartPlan {
  const apiKey = creds.apiKey;
  if (apiKey === undefined || apiKey === '') return { kind: 'none', status: 'error', reason: 'missing_api_key' };
  const prev = stored?.ok === true ? stored.value : undefined;
  const token = creds.accessToken;
  if (token !== undefined && token !== '') {
    if (prev !== undefined && prev.accessToken === token && prev.apiKey === apiKey) {
      return isSessionExpired(prev, nowMs) ? { kind: 'none', status: 'expired', reason: 'session_expired' } : { kind: 'check', session: prev, persist: false };
    }
    return { kind: 'check', session: createSession({ apiKey, accessToken: token }, nowMs), persist: true };
  }
  if (stored !== undefined && !stored.ok) return { kind: 'none', status: 'error', reason: 'stored_session_invalid' };
  if (prev === undefined) return { kind: 'none', status: 'unauthenticated', reason: 'no_session' };
  if (prev.apiKey !== apiKey) return { kind: 'none', status: 'unauthenticated', reason: 'api_key_changed' };
  if (isSessionExpired(prev, nowMs)) return { kind: 'none', status: 'expired', reason: 'session_expired' };
  return { kind: 'check', session: prev, persist: false };
}

/** State after a final start plan (no session to check). */
export function stateWithout(broker: Broker, status: AuthStatus, reason: AuthReason, nowMs: number): BrokerAuthState {
  return { broker, status, reason, changedAt: nowMs };
}

/** State after a validator outcome for `session`; a reported user id is kept on the session. */
export function applyOutcome(broker: Broker, session: BrokerSession, outcome: ValidationOutcome, nowMs: number): BrokerAuthState {
  switch (outcome.kind) {
    case 'valid': {
      const s = outcome.userId !== undefined && outcome.userId !== session.userId ? { ...session, userId: outcome.userId } : session;
      return { broker, status: 'authenticated', session: s, changedAt: nowMs };
    }
    case 'rejected':
      return outcome.reason === 'session_expired'
        ? { broker, status: 'expired', reason: 'session_expired', session, changedAt: nowMs }
        : { broker, status: 'unauthenticated', reason: 'token_rejected', detail: outcome.reason, session, changedAt: nowMs };
    case 'unavailable':
      return { broker, status: 'error', reason: 'validator_unavailable', detail: outcome.reason, session, changedAt: nowMs };
    default:
      return assertNever(outcome);
  }
}

/** Re-evaluates expiry at `nowMs`: an authenticated session past its expiry becomes `expired`. */
export function refreshExpiry(state: BrokerAuthState, nowMs: number): BrokerAuthState {
  if (state.status !== 'authenticated' || state.session === undefined || !isSessionExpired(state.session, nowMs)) return state;
  return { ...state, status: 'expired', reason: 'session_expired', changedAt: nowMs };
}

/** True when the broker can trade now. */
export function isReady(state: BrokerAuthState, nowMs: number): boolean {
  if (state.status !== 'authenticated') return false;
  return state.session === undefined ? state.broker === 'paper' : !isSessionExpired(state.session, nowMs);
}

/** The redacted status view (no token; api key masked). */
export function authView(state: BrokerAuthState, nowMs: number): BrokerAuthView {
  const s = state.session;
  return {
    broker: state.broker,
    status: state.status,
    ready: isReady(state, nowMs),
    ...(state.reason !== undefined ? { reason: state.reason } : {}),
    ...(state.detail !== undefined ? { detail: state.detail } : {}),
    ...(s !== undefined ? { session: { ...redactSession(s), expiresInMs: Math.max(0, s.expiresAt - nowMs) } } : {}),
    changedAt: state.changedAt,
  };
}
