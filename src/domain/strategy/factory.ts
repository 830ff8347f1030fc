// Strategy factory (docs/original-system.md §4.1 registry): parsed params → a StrategyLogic instance.
// Every instance is fresh (no shared state between strategies); ML predictors are built from
// the registry here, so a strategy with a bad predictor fails at startup, not on the first tick.
import { assertNever, err, ok, type Result } from '../../errors.js';
import { createHybrid } from './hybrid.js';
import { createLowFrequencyDemo } from './low-frequency.js';
import { createMl, type MlParams } from './ml.js';
import type { ParsedParams } from './params.js';
import type { PredictorRegistry } from './predictor.js';
import { createMeanReversion, createMomentum, createRsi } from './rules.js';
import type { StrategyLogic } from './types.js';

function buildMl(p: MlParams, predictors: PredictorRegistry): Result<StrategyLogic, string> {
  const factory = predictors.get(p.predictor);
  if (factory === undefined) return err(`unknown predictor "${p.predictor}"`);
  const predictor = factory(p.kind, p.predictorParams);
  return predictor.ok ? ok(createMl(p, predictor.value)) : err(predictor.error);
}

/** Builds the strategy described by `p`; fails only if its predictor cannot be built. */
export function buildStrategy(p: ParsedParams, predictors: PredictorRegistry): Result<StrategyLogic, string> {
  switch (p.type) {
    case 'momentum':
      return ok(createMomentum(p.rules));
    case 'rsi':
      return ok(createRsi(p.rules));
    case 'mean_reversion':
      return ok(createMeanReversion(p.rules));
    case 'low_frequency_demo':
      return ok(createLowFrequencyDemo(p.lowFrequency));
    case 'ml_momentum':
    case 'ml_mean_reversion':
    case 'ml_breakout':
      return buildMl(p.ml, predictors);
    case 'hybrid_momentum':
    case 'hybrid_mean_reversion': {
      const ml = buildMl(p.ml, predictors);
      if (!ml.ok) return ml;
      const rules = p.type === 'hybrid_momentum' ? createMomentum(p.rules) : createMeanReversion(p.rules);
      return ok(createHybrid(rules, ml.value, p.policy, p.minMlConfidence));
    }
    default:
      return assertNever(p);
  }
}
