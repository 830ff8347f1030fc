// Kite Connect login arithmetic. PURE apart from hashing.
// The session exchange proves knowledge of the api secret without sending it:
// checksum = hex(sha256(api_key + request_token + api_secret)) (kite-connect reference §1.3).
import { createHash } from 'node:crypto';

/** Where Kite's login page lives (not the API root). */
export const DEFAULT_LOGIN_ROOT = 'https://kite.zerodha.com';
/** Kite Connect API root. */
export const DEFAULT_REST_ROOT = 'https://api.kite.trade';

/** hex(sha256(apiKey + token + apiSecret)): the `checksum` of POST /session/token (and of a token refresh). */
export function sessionChecksum(apiKey: string, token: string, apiSecret: string): string {
  return createHash('sha256').update(apiKey + token + apiSecret, 'utf8').digest('hex');
}

/** hex(sha256(orderId + orderTimestamp + apiSecret)): the `checksum` of an order postback (webhook or ticker message). */
export function postbackChecksum(orderId: string, orderTimestamp: string, apiSecret: string): string {
  return createHash('sha256').update(orderId + orderTimestamp + apiSecret, 'utf8').digest('hex');
}

/** The login URL the user opens: `<loginRoot>/connect/login?v=3&api_key=...` (+ optional redirect_params). */
export function loginUrl(apiKey: string, loginRoot: string = DEFAULT_LOGIN_ROOT, redirectParams?: Readonly<Record<string, string>>): string {
  const url = new URL('/connect/login', loginRoot);
  url.searchParams.set('v', '3');
  url.searchParams.set('api_key', apiKey);
  if (redirectParams !== undefined && Object.keys(redirectParams).length > 0) {
    url.searchParams.set('redirect_params', new URLSearchParams(redirectParams).toString());
  }
  return url.toString();
}

/**
 * The request token from what the user pasted: the full redirect URL
 * (`https://app/cb?request_token=X&action=login&status=success`), a bare query string, or the token
 * itself. Undefined when a URL says the login did not succeed or carries no token, or the text is
 * not a plausible token (Kite tokens are alphanumeric).
 */
export function requestTokenFrom(input: string): string | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  if (/^[A-Za-z0-9]+$/.test(text)) return text;
  let query: URLSearchParams;
  try {
    query = text.includes('://') ? new URL(text).searchParams : new URLSearchParams(text.startsWith('?') ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  const status = query.get('status');
  if (status !== null && status !== 'success') return undefined;
  const token = query.get('request_token');
  return token !== null && /^[A-Za-z0-9]+$/.test(token) ? token : undefined;
}
