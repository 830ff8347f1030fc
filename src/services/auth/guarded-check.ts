// Runs a SessionValidator through the CircuitBreaker: an unreachable broker counts as a breaker
// failure, an open circuit becomes an `unavailable` outcome instead of an exception, and no error
// text from a validator is passed on (it could quote the token); only its code is.
import { isAppError } from '../../errors.js';
import type { CircuitBreaker } from '../../runtime/circuit-breaker.js';
import type { BrokerSession } from '../../domain/auth/session.js';
import type { SessionValidator, ValidationOutcome } from '../../domain/auth/validator.js';

class Unavailable extends Error {
  constructor(readonly outcome: ValidationOutcome) {
    super('validator unavailable');
  }
}

/** Checks `session` with `validator` behind `breaker`; never rejects. */
export async function guardedValidate(
  breaker: CircuitBreaker,
  validator: SessionValidator,
  session: BrokerSession,
  nowMs: () => number,
): Promise<ValidationOutcome> {
  try {
    return await breaker.call(async () => {
      const outcome = await validator.validate(session, nowMs());
      // Unreachable counts against the breaker; a rejection proves the broker answered
      if (outcome.kind === 'unavailable') throw new Unavailable(outcome);
      return outcome;
    });
  } catch (e) {
    if (e instanceof Unavailable) return e.outcome;
    if (isAppError(e, 'ERR_CIRCUIT_OPEN')) return { kind: 'unavailable', reason: 'circuit_open' };
    const code = isAppError(e) ? e.code : (e as { code?: unknown } | null)?.code;
    return { kind: 'unavailable', reason: typeof code === 'string' ? code : 'validator_error' };
  }
}
