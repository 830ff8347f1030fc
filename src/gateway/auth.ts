// Authentication and authorization decisions, independent of uWS: bearer token (or `?token=` where
// allowed: the WebSocket upgrade only, since browsers cannot set its headers), scope checks, and the
// Origin check that stops other web pages from opening sockets with a user's token (CSWSH).
import type { ErrorCode } from '../errors.js';
import type { Principal, TokenStore } from './tokens.js';

/** Scopes a route may require; 'none' = public. */
export type Scope = 'none' | 'read' | 'trade';

/** Credentials found in a request. */
export interface Credentials {
  /** The Authorization header value ('' when absent). */
  readonly authorization: string;
  /** The `token` query parameter ('' when absent); ignored unless allowQuery. */
  readonly queryToken: string;
}

/** Outcome of authorize(): the principal (null on public routes) or a 401/403 code with its reason. */
export type AuthDecision =
  | { readonly ok: true; readonly principal: Principal | null }
  | { readonly ok: false; readonly code: Extract<ErrorCode, 'ERR_WS_UNAUTHORIZED' | 'ERR_WS_FORBIDDEN'>; readonly reason: string };

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(authorization: string): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m?.[1];
}

/** Decides whether a request with `creds` may use something that needs `scope`. */
export function authorize(store: TokenStore, creds: Credentials, scope: Scope, allowQuery: boolean): AuthDecision {
  if (scope === 'none') return { ok: true, principal: null };
  const token = bearerToken(creds.authorization) ?? (allowQuery && creds.queryToken !== '' ? creds.queryToken : undefined);
  if (token === undefined) {
    const reason = creds.authorization !== '' ? 'a malformed Authorization header' : creds.queryToken !== '' ? 'a query-string token (only accepted for /ws)' : 'missing';
    return { ok: false, code: 'ERR_WS_UNAUTHORIZED', reason };
  }
  const principal = store.authenticate(token);
  if (principal === undefined) return { ok: false, code: 'ERR_WS_UNAUTHORIZED', reason: 'an unknown token' };
  if (!principal.scopes.has(scope)) {
    return { ok: false, code: 'ERR_WS_FORBIDDEN', reason: `token "${principal.name}" lacks scope "${scope}"` };
  }
  return { ok: true, principal };
}

/**
 * Whether a browser Origin may use the API. No Origin (curl, server clients) is allowed; otherwise
 * the page must come from this gateway itself (same host) or from a configured CORS origin.
 */
export function originAllowed(origin: string, host: string, corsOrigins: readonly string[]): boolean {
  if (origin === '') return true;
  if (corsOrigins.includes('*') || corsOrigins.includes(origin)) return true;
  return host !== '' && (origin === `http://${host}` || origin === `https://${host}`);
}

/** The CORS origin to echo back for `origin`, or undefined when CORS does not apply. */
export function corsOrigin(origin: string, corsOrigins: readonly string[]): string | undefined {
  if (origin === '') return undefined;
  if (corsOrigins.includes(origin)) return origin;
  return corsOrigins.includes('*') ? '*' : undefined;
}
