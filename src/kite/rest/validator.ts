// The live session check the auth actor runs behind its circuit breaker (src/domain/auth/validator.ts):
// GET /user/profile with the stored token. Kite's answer decides: a profile is `valid` (and names the
// user), a TokenException is `rejected` (logged out, expired at 06:00 IST, or a login elsewhere), and
// anything that says nothing about the session (network, timeout, 5xx, 429, open circuit) is
// `unavailable`, so the actor retries instead of discarding a good session. Reasons are error codes:
// never a token.
import { isAppError } from '../../errors.js';
import type { BrokerSession } from '../../domain/auth/session.js';
import type { SessionValidator, ValidationOutcome } from '../../domain/auth/validator.js';
import { KiteRestClient, type KiteRestOptions } from './client.js';

/** A validator asking Kite; `options` are the client's (root, timeout, shared breaker and limiter). */
export function kiteProfileValidator(options: Omit<KiteRestOptions, 'apiKey' | 'accessToken'> = {}): SessionValidator {
  return {
    name: 'kite-profile',
    async validate(session: BrokerSession): Promise<ValidationOutcome> {
      // One attempt: the caller's breaker and retry timer decide when to ask again
      const client = new KiteRestClient({ ...options, apiKey: session.apiKey, accessToken: session.accessToken, maxAttempts: 1 });
      try {
        const profile = await client.profile();
        return { kind: 'valid', userId: profile.userId };
      } catch (e) {
        if (isAppError(e, 'ERR_KITE_TOKEN')) return { kind: 'rejected', reason: 'token_rejected' };
        return { kind: 'unavailable', reason: isAppError(e) ? e.code : 'validator_error' };
      }
    },
  };
}
