// The pluggable session check (the live Kite `profile()` call comes later behind this interface,
// guarded by the CircuitBreaker). PURE: the interface and the local expiry check only.
import { isSessionExpired, type BrokerSession } from './session.js';

/** Outcome of one check: valid, refused by the broker, or not decidable now (broker unreachable). */
export type ValidationOutcome =
  | { readonly kind: 'valid'; readonly userId?: string }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Checks a session against its broker. Implementations must never put the token in a reason. */
export interface SessionValidator {
  readonly name: string;
  validate(session: BrokerSession, nowMs: number): Promise<ValidationOutcome>;
}

/** Offline validator: a session is valid until its expiry instant. */
export const expiryValidator: SessionValidator = {
  name: 'local-expiry',
  validate: (session, nowMs) =>
    Promise.resolve(isSessionExpired(session, nowMs) ? { kind: 'rejected', reason: 'session_expired' } : { kind: 'valid' }),
};
