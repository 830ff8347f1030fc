// ML strategies of docs/original-system.md §4.4 (ml_momentum, ml_mean_reversion, ml_breakout): feature
// extraction + a pluggable Predictor. Signal only when the predictor says BUY/SELL with
// confidence strictly above `confidence_threshold`; confidence = the predictor's confidence.
import type { Side } from '../types.js';
import { extractFeatures, type FeatureKind } from './features.js';
import type { Predictor } from './predictor.js';
import type { Decision, StrategyContext, StrategyLogic } from './types.js';

/** Parameters of an ML strategy (defaults: lookback 20/20/30, threshold 0.6, size 100, `logistic`). */
export interface MlParams {
  readonly kind: FeatureKind;
  readonly lookbackPeriods: number;
  readonly confidenceThreshold: number;
  readonly positionSize: number;
  /** Registry name of the predictor. */
  readonly predictor: string;
  readonly predictorParams: Readonly<Record<string, unknown>>;
}

/** Runs features → predictor → threshold for one tick. Predictor exceptions propagate. */
export function evaluateMl(p: MlParams, predictor: Predictor, ctx: StrategyContext): Decision | null {
  const features = extractFeatures(p.kind, ctx.history, p.lookbackPeriods);
  if (features === null) return null;
  const prediction = predictor.predict(features);
  if (prediction === null || prediction.label === 'HOLD') return null;
  if (!(prediction.confidence > p.confidenceThreshold)) return null;
  const side: Side = prediction.label;
  return {
    side,
    confidence: prediction.confidence,
    quantity: p.positionSize,
    price: ctx.ltp,
    metadata: {
      ml_prediction: prediction.label,
      ml_confidence: prediction.confidence,
      predictor: p.predictor,
      features,
    },
  };
}

/** ML strategy instance over an already-built predictor. */
export function createMl(p: MlParams, predictor: Predictor): StrategyLogic {
  return { historyLength: p.lookbackPeriods, evaluate: (ctx) => evaluateMl(p, predictor, ctx) };
}
