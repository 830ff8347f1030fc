// The trading behaviours: strategy runner, risk manager and venue of one broker, and the step that
// composes them for the inline and fused topologies.
export { riskBehaviour, type RiskBook, type RiskConfig } from './risk.js';
export { parsePause, pausedList, restorePaused, setPaused, strategyBehaviour, type StrategyConfigSet, type StrategySnapshot, type StrategyState } from './strategy.js';
export { venueBehaviour, type VenueConfig, type VenueSnapshot, type VenueState } from './venue.js';
export { STEP_SNAPSHOT_VERSION, tradingStepBehaviour, type StepConfig, type StepSnapshot, type StepState } from './step.js';
export { tradingStepConfig } from './config.js';
export { FlattenReport } from './flatten.js';
