// Pluggable ML inference (docs/original-system.md §4.4 "predictor" port): a Predictor maps a feature
// vector to BUY/SELL/HOLD with a confidence. The built-in `logistic` predictor is a deterministic
// logistic model with configurable weights (no model files); a registry lets callers plug in
// others (ONNX, external service adapters) by name. Predictors must be pure and synchronous.
import { z } from 'zod';
import { err, ok, type Result } from '../../errors.js';
import { FEATURE_COUNT, type FeatureKind } from './features.js';

/** A model's answer; confidence in [0, 1] (the original's max class probability). */
export interface Prediction {
  readonly label: 'BUY' | 'SELL' | 'HOLD';
  readonly confidence: number;
}

/** ML inference port. Returns null when it cannot predict (e.g. feature count mismatch). */
export interface Predictor {
  predict(features: readonly number[]): Prediction | null;
}

/** Builds a predictor for a feature kind from its config params; returns a reason on bad params. */
export type PredictorFactory = (kind: FeatureKind, params: Readonly<Record<string, unknown>>) => Result<Predictor, string>;

/** Name → factory lookup used by the strategy factory and config validation. */
export interface PredictorRegistry {
  get(name: string): PredictorFactory | undefined;
  /** Adds or replaces a factory. */
  register(name: string, factory: PredictorFactory): void;
  names(): string[];
}

/** Weights of a logistic model: P(BUY) = σ(bias + Σ wᵢ·xᵢ). */
export interface LogisticModel {
  readonly weights: readonly number[];
  readonly bias: number;
}

/**
 * Default weights per feature kind. They only look at scale-free features (returns, z-score),
 * never at the raw price or history length, so they work for any instrument:
 * momentum: a +1% move over the window plus +0.5% over 5 ticks gives logit 0.8 ⇒ P(BUY) ≈ 0.69;
 * mean reversion: z = −1 ⇒ logit 1.2 ⇒ P(BUY) ≈ 0.77 (buy the dip);
 * breakout: at a window high spanning 1% ⇒ logit 0.6 ⇒ P(BUY) ≈ 0.65.
 */
export const DEFAULT_LOGISTIC_MODELS: Readonly<Record<FeatureKind, LogisticModel>> = {
  momentum: { weights: [40, 80, 0, 0, 0], bias: 0 },
  mean_reversion: { weights: [-1.2, 0, 0, 0], bias: 0 },
  breakout: { weights: [60, 60, 0, 0], bias: 0 },
};

/**
 * Logistic predictor: p = σ(bias + w·x); p > 0.5 ⇒ BUY with confidence p, p < 0.5 ⇒ SELL with
 * confidence 1 − p, p = 0.5 ⇒ HOLD. A feature vector of the wrong length or with a non-finite
 * value yields null (the original skipped inference on `n_features_in_` mismatch).
 */
export function createLogisticPredictor(model: LogisticModel): Predictor {
  const w = [...model.weights];
  return {
    predict(features: readonly number[]): Prediction | null {
      if (features.length !== w.length) return null;
      let z = model.bias;
      for (let i = 0; i < w.length; i++) z += (w[i] ?? 0) * (features[i] ?? NaN);
      if (!Number.isFinite(z)) return null;
      const p = 1 / (1 + Math.exp(-z));
      if (p === 0.5) return { label: 'HOLD', confidence: 0.5 };
      return p > 0.5 ? { label: 'BUY', confidence: p } : { label: 'SELL', confidence: 1 - p };
    },
  };
}

const LogisticParams = z.strictObject({
  weights: z.array(z.number()).optional(),
  bias: z.number().optional(),
});

/** Factory of the built-in `logistic` predictor: params `{ weights?: number[], bias?: number }`. */
export const logisticFactory: PredictorFactory = (kind, params) => {
  const parsed = LogisticParams.safeParse(params);
  if (!parsed.success) {
    return err(parsed.error.issues.map((i) => `${['predictor_params', ...i.path].join('.')}: ${i.message}`).join('; '));
  }
  const base = DEFAULT_LOGISTIC_MODELS[kind];
  const weights = parsed.data.weights ?? base.weights;
  if (weights.length !== FEATURE_COUNT[kind]) {
    return err(`predictor_params.weights: expected ${FEATURE_COUNT[kind]} weights for ${kind} features, was ${weights.length}`);
  }
  return ok(createLogisticPredictor({ weights, bias: parsed.data.bias ?? base.bias }));
};

/** A fresh registry holding the built-in predictors (`logistic`) plus `extra` ones. */
export function createPredictorRegistry(extra: Readonly<Record<string, PredictorFactory>> = {}): PredictorRegistry {
  const factories = new Map<string, PredictorFactory>([['logistic', logisticFactory]]);
  for (const [name, f] of Object.entries(extra)) factories.set(name, f);
  return {
    get: (name) => factories.get(name),
    register: (name, factory) => {
      factories.set(name, factory);
    },
    names: () => [...factories.keys()].sort(),
  };
}
