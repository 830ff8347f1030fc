// Public surface of the pure strategy engine (docs/original-system.md §4, §1.4). Actors import from
// here only; internal modules may change shape without touching callers.
export { createStrategyEngine } from './engine.js';
export type {
  EngineOptions,
  EngineStats,
  SignalRejection,
  StrategyEngine,
  StrategyFailure,
  StrategyStats,
  TickOutcome,
} from './engine.js';
export type { EngineState, ImportReport, StateSchemaError } from './engine-state.js';
export { parseStrategies, parseStrategiesDocument } from './config.js';
export { checkStrategyInstruments } from './tradable.js';
export type { ParsedStrategy, StrategyConfig } from './config.js';
export { createLogisticPredictor, createPredictorRegistry, DEFAULT_LOGISTIC_MODELS } from './predictor.js';
export type { LogisticModel, Prediction, Predictor, PredictorFactory, PredictorRegistry } from './predictor.js';
export { FEATURE_COUNT, extractFeatures } from './features.js';
export type { FeatureKind } from './features.js';
export { normaliseConfidence, validateDecision, DEFAULT_VALIDATOR_LIMITS } from './validator.js';
export type { ValidatorLimits } from './validator.js';
export { STRATEGY_TYPES, isStrategyType } from './types.js';
export type { Decision, SignalInvalidError, StrategyConfigError, StrategyContext, StrategyLogic, StrategyType } from './types.js';
