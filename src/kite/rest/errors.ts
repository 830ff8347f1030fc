// Kite's error envelope → the error catalogue, and the policies that depend on the kind of error. PURE.
// Kite answers `{status:"error", message, error_type}` with a 4xx/5xx code; `error_type` names the
// exception class (kite-connect reference §1.2). Policies:
//   retry   - only idempotent calls (GETs) are retried, and only for transient kinds (network, data,
//             general 5xx, 429, timeout). A TokenException is never retried: the session is gone.
//   breaker - only evidence that Kite is down or unreachable counts against the circuit; an answer that
//             refuses our request (input, order, margin, token, 429) proves the system is up.
import { appError, isAppError, type AlphaPandaError, type ErrorCode } from '../../errors.js';

/** Kite exception class names (error_type) and the catalogued code each maps to. */
export const KITE_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  TokenException: 'ERR_KITE_TOKEN',
  InputException: 'ERR_KITE_INPUT',
  OrderException: 'ERR_KITE_ORDER',
  MarginException: 'ERR_KITE_MARGIN',
  HoldingException: 'ERR_KITE_HOLDING',
  PermissionException: 'ERR_KITE_PERMISSION',
  UserException: 'ERR_KITE_USER',
  NetworkException: 'ERR_KITE_NETWORK',
  DataException: 'ERR_KITE_DATA',
  GeneralException: 'ERR_KITE_GENERAL',
};

/** Longest Kite message quoted in an error (Kite messages are short; this bounds a hostile body). */
const MAX_REASON = 200;

function reasonText(message: unknown): string {
  const text = typeof message === 'string' && message.length > 0 ? message : 'no message';
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}

/**
 * The catalogued error for a Kite error answer. HTTP 429 is ERR_KITE_RATE_LIMITED whatever the body
 * says; an unknown or missing error_type is ERR_KITE_GENERAL with the type kept in the detail.
 */
export function kiteError(route: string, status: number, errorType: unknown, message: unknown): AlphaPandaError {
  const reason = reasonText(message);
  const type = typeof errorType === 'string' ? errorType : 'GeneralException';
  if (status === 429) return appError('ERR_KITE_RATE_LIMITED', { route, status, errorType: type, reason });
  const code = KITE_ERROR_CODES[type] ?? 'ERR_KITE_GENERAL';
  return appError(code, { route, status, errorType: type, reason });
}

const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ERR_KITE_NETWORK',
  'ERR_KITE_DATA',
  'ERR_KITE_RATE_LIMITED',
  'ERR_KITE_TIMEOUT',
]);

/** True when an idempotent call may be retried after `e` (never a TokenException, never a refusal). */
export function isRetryable(e: unknown): boolean {
  if (!isAppError(e)) return false;
  if (TRANSIENT.has(e.code)) return true;
  // A GeneralException with a 5xx is Kite's own failure; with a 4xx it is our request's fault
  return e.code === 'ERR_KITE_GENERAL' && typeof e.detail['status'] === 'number' && e.detail['status'] >= 500;
}

/** True when `e` is evidence that Kite is down or unreachable (counts against the circuit breaker). */
export function isOutage(e: unknown): boolean {
  return isRetryable(e) && !isAppError(e, 'ERR_KITE_RATE_LIMITED');
}
