// Standard signal validator (docs/original-system.md §4.1) and confidence normalisation (§1.4).
// The validator sees the RAW confidence (0..max_confidence, default 100, so strategies may speak
// percent); normalisation to [0, 1] happens after it, exactly in the original's order.
import { err, ok, type Result } from '../../errors.js';
import type { Decision, SignalInvalidError } from './types.js';

/** Limits of the `standard` validator (params `max_confidence` = 100, `min_quantity` = 1). */
export interface ValidatorLimits {
  readonly maxConfidence: number;
  readonly minQuantity: number;
}

/** The original's defaults. */
export const DEFAULT_VALIDATOR_LIMITS: ValidatorLimits = { maxConfidence: 100, minQuantity: 1 };

const invalid = (reason: string): { readonly ok: false; readonly error: SignalInvalidError } =>
  err({ code: 'ERR_SIGNAL_INVALID', reason });

/**
 * Accepts a decision iff: 0 ≤ confidence ≤ maxConfidence, quantity is an integer ≥ minQuantity,
 * the tick price > 0 and the signal price is a positive integer. Non-finite numbers are rejected
 * too (NaN slips through a plain `< 0 || > max` test, which the original relied on).
 */
export function validateDecision(
  d: Decision,
  tickPrice: number,
  limits: ValidatorLimits,
): Result<Decision, SignalInvalidError> {
  if (!Number.isFinite(d.confidence) || d.confidence < 0 || d.confidence > limits.maxConfidence) {
    return invalid(`expected confidence in [0, ${limits.maxConfidence}], was ${d.confidence}`);
  }
  if (!Number.isSafeInteger(d.quantity) || d.quantity < limits.minQuantity) {
    return invalid(`expected an integer quantity ≥ ${limits.minQuantity}, was ${d.quantity}`);
  }
  if (!Number.isFinite(tickPrice) || tickPrice <= 0) {
    return invalid(`expected a tick price > 0, was ${tickPrice}`);
  }
  if (!Number.isSafeInteger(d.price) || d.price <= 0) {
    return invalid(`expected a positive integer signal price, was ${d.price}`);
  }
  return ok(d);
}

/** Confidence normalisation of the runner: values above 1 are percent (÷ 100), then clamp to [0, 1]. */
export function normaliseConfidence(c: number): number {
  const v = c > 1 ? c / 100 : c;
  return Math.min(1, Math.max(0, v));
}
