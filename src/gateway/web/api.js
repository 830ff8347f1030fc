// REST client of the gateway (/api/v1). Every request carries `Authorization: Bearer <token>`;
// responses are the gateway envelope `{ ok, data | error, requestId }`. Failures become ApiError
// with the HTTP status and the catalogued code, so callers can tell 401/403 from an outage.

/** A failed API call: `status` 0 means the gateway was unreachable. */
export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId ?? null;
  }
}

/**
 * Creates the client. `getToken()` returns the current token; `onAuthError(err)` is told about
 * 401 answers (the app shows the login box) — 403 is left to the caller (missing scope).
 */
export function createApi(getToken, onAuthError = () => {}) {
  async function request(method, path, { query, body, timeoutMs = 8000 } = {}) {
    const token = getToken();
    // Panels poll on timers: before login (or while re-authenticating) nothing is sent at all
    if (!token) throw new ApiError(0, 'ERR_NO_TOKEN', 'not authenticated yet');
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    let res;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'ERR_NETWORK', `gateway unreachable (${e?.name === 'AbortError' ? 'timeout' : e?.message ?? e})`);
    } finally {
      clearTimeout(timer);
    }
    let json = null;
    try {
      json = await res.json();
    } catch {
      // Non-JSON answer (proxy error page, empty 503): reported with the status alone
    }
    const requestId = json?.requestId ?? res.headers.get('X-Request-ID');
    if (!res.ok || json === null || json.ok === false) {
      const code = json?.error?.code ?? `HTTP_${res.status}`;
      const message = json?.error?.message ?? res.statusText ?? 'request failed';
      const err = new ApiError(res.status, code, message, requestId);
      if (res.status === 401) onAuthError(err);
      throw err;
    }
    return json.data;
  }
  return {
    get: (path, query, opts) => request('GET', path, { ...opts, query }),
    post: (path, body, opts) => request('POST', path, { ...opts, body: body ?? {} }),
  };
}

/**
 * The items of a list answer whatever its wrapping: a bare array, a page `{ items }`, or a record
 * keyed by `key` (`{ points: [...] }`). Anything else is an empty list.
 */
export function itemsOf(data, ...keys) {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const k of ['items', ...keys]) if (Array.isArray(data[k])) return data[k];
  }
  return [];
}
