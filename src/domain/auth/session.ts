// Broker session records (original `trading_sessions`, docs/original-system.md §1.1) and their validity.
// PURE. Invariants: a session's token is never part of any view built here (see redactSession);
// a Kite access token expires at the first 06:00 IST after it was issued, so expiresAt is that instant.
import { err, ok, type Result } from '../../errors.js';
import { DAY_MS, clockMs, istDayNumber, istDayStartMs } from '../market-hours/ist.js';

/** Schema version of stored sessions. */
export const SESSION_VERSION = 1;

/** A stored Zerodha (Kite Connect) session. */
export interface BrokerSession {
  readonly v: typeof SESSION_VERSION;
  readonly apiKey: string;
  /** Secret: never logged, never returned by a status call. */
  readonly accessToken: string;
  readonly userId?: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms; the session is expired from this instant on. */
  readonly expiresAt: number;
}

/** A stored value that is not a usable session record (wrong version or shape). */
export interface SessionDecodeError {
  readonly code: 'ERR_STORE_SCHEMA';
  readonly key: string;
  readonly version: unknown;
  readonly expected: number;
}

/** What a status report may show about a session. */
export interface RedactedSession {
  /** Masked: only the last 4 characters are shown. */
  readonly apiKey: string;
  readonly userId?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Kite's daily token expiry: 06:00 IST. */
export const KITE_EXPIRY_TIME_MS = clockMs(6, 0);

/** The first 06:00 IST strictly after `nowMs` (a token issued at exactly 06:00 lives a full day). */
export function nextKiteExpiryMs(nowMs: number): number {
  const today = istDayStartMs(istDayNumber(nowMs)) + KITE_EXPIRY_TIME_MS;
  return nowMs < today ? today : today + DAY_MS;
}

/** Credentials a session is created from (config or a later login flow). */
export interface SessionSeed {
  readonly apiKey: string;
  readonly accessToken: string;
  readonly userId?: string;
}

/** A new session issued at `nowMs`, expiring at the next 06:00 IST. */
export function createSession(seed: SessionSeed, nowMs: number): BrokerSession {
  return {
    v: SESSION_VERSION,
    apiKey: seed.apiKey,
    accessToken: seed.accessToken,
    ...(seed.userId !== undefined ? { userId: seed.userId } : {}),
    createdAt: nowMs,
    expiresAt: nextKiteExpiryMs(nowMs),
  };
}

/** True from `expiresAt` on. */
export function isSessionExpired(s: BrokerSession, nowMs: number): boolean {
  return nowMs >= s.expiresAt;
}

/** The access token when the session exists and has not expired (original get_access_token). */
export function usableAccessToken(s: BrokerSession | undefined, nowMs: number): string | undefined {
  return s !== undefined && !isSessionExpired(s, nowMs) ? s.accessToken : undefined;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a stored value read at `key`; anything but a v1 session is ERR_STORE_SCHEMA. */
export function decodeSession(raw: unknown, key: string): Result<BrokerSession, SessionDecodeError> {
  const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const bad = (): Result<BrokerSession, SessionDecodeError> => err({ code: 'ERR_STORE_SCHEMA', key, version: r['v'], expected: SESSION_VERSION });
  if (r['v'] !== SESSION_VERSION) return bad();
  const { apiKey, accessToken, userId, createdAt, expiresAt } = r;
  if (!nonEmpty(apiKey) || !nonEmpty(accessToken) || !finite(createdAt) || !finite(expiresAt)) return bad();
  if (userId !== undefined && typeof userId !== 'string') return bad();
  return ok({ v: SESSION_VERSION, apiKey, accessToken, ...(userId !== undefined ? { userId } : {}), createdAt, expiresAt });
}

/** Masks a credential: `****` plus its last 4 characters (only `****` when it is 8 characters or shorter). */
export function maskSecret(s: string): string {
  return s.length > 8 ? `****${s.slice(-4)}` : '****';
}

/** The parts of a session a status report may show (no token). */
export function redactSession(s: BrokerSession): RedactedSession {
  return {
    apiKey: maskSecret(s.apiKey),
    ...(s.userId !== undefined ? { userId: s.userId } : {}),
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
  };
}
