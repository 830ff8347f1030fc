// Hybrid strategies of docs/original-system.md §4.3: a rules processor and an ML processor run on
// every tick and a decision policy combines them. Fixes the original's quirk: the ML side really
// runs (through the Predictor port) instead of silently always returning nothing. ML failures
// are reported via ctx.warn and treated as "no ML signal", as the original swallowed them.
import { assertNever } from '../../errors.js';
import type { Decision, StrategyContext, StrategyLogic } from './types.js';

/** How rules and ML signals are combined. */
export type HybridPolicy = 'majority_vote' | 'conservative';

/**
 * majority_vote: both present and agreeing ⇒ that side, confidence min(1, mean + 0.1), quantity
 * max, ML price; else ML with confidence ≥ minMl ⇒ ML; else the rules signal; else ML with
 * confidence × 0.8; else nothing.
 */
export function majorityVote(rules: Decision | null, ml: Decision | null, minMlConfidence: number): Decision | null {
  if (rules !== null && ml !== null && rules.side === ml.side) {
    return {
      side: rules.side,
      confidence: Math.min(1, (rules.confidence + ml.confidence) / 2 + 0.1),
      quantity: Math.max(rules.quantity, ml.quantity),
      price: ml.price,
      metadata: { policy: 'majority_vote', decision: 'agreement', rules: rules.metadata, ml: ml.metadata },
    };
  }
  if (ml !== null && ml.confidence >= minMlConfidence) {
    return { ...ml, metadata: { policy: 'majority_vote', decision: 'ml', ml: ml.metadata } };
  }
  if (rules !== null) {
    return { ...rules, metadata: { policy: 'majority_vote', decision: 'rules', rules: rules.metadata } };
  }
  if (ml !== null) {
    return {
      ...ml,
      confidence: ml.confidence * 0.8,
      metadata: { policy: 'majority_vote', decision: 'ml_low_confidence', ml: ml.metadata },
    };
  }
  return null;
}

/**
 * conservative: only when both are present and agree ⇒ confidence min(1, mean + 0.2),
 * quantity min, rules price; otherwise nothing.
 */
export function conservative(rules: Decision | null, ml: Decision | null): Decision | null {
  if (rules === null || ml === null || rules.side !== ml.side) return null;
  return {
    side: rules.side,
    confidence: Math.min(1, (rules.confidence + ml.confidence) / 2 + 0.2),
    quantity: Math.min(rules.quantity, ml.quantity),
    price: rules.price,
    metadata: { policy: 'conservative', decision: 'agreement', rules: rules.metadata, ml: ml.metadata },
  };
}

/** Applies `policy` to the two sides' outputs. */
export function decide(
  policy: HybridPolicy,
  rules: Decision | null,
  ml: Decision | null,
  minMlConfidence: number,
): Decision | null {
  switch (policy) {
    case 'majority_vote':
      return majorityVote(rules, ml, minMlConfidence);
    case 'conservative':
      return conservative(rules, ml);
    default:
      return assertNever(policy);
  }
}

/** Combines a rules strategy and an ML strategy sharing one per-instrument history. */
export function createHybrid(
  rules: StrategyLogic,
  ml: StrategyLogic,
  policy: HybridPolicy,
  minMlConfidence: number,
): StrategyLogic {
  return {
    historyLength: Math.max(rules.historyLength, ml.historyLength),
    evaluate(ctx: StrategyContext): Decision | null {
      const r = rules.evaluate(ctx);
      let m: Decision | null = null;
      try {
        m = ml.evaluate(ctx);
      } catch (e: unknown) {
        ctx.warn(`ml side failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      return decide(policy, r, m, minMlConfidence);
    },
  };
}
