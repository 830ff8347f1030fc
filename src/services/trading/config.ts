// The trading step's typed config from the application config: what the fused core (and the
// benchmarks that run the step in one thread) hand to tradingStepBehaviour.init.
import type { AppConfig } from '../../config.js';
import type { StrategyConfig } from '../../domain/strategy/index.js';
import type { Broker, Paise } from '../../domain/types.js';
import { calendarFrom, paperConfigFrom } from '../engine/config.js';
import { riskLimitsFromConfig } from '../risk/limits.js';
import type { StepConfig } from './step.js';

/** Step config of `broker` over its validated `strategies`; tick sizes come from the registry. */
export function tradingStepConfig(config: AppConfig, broker: Broker, strategies: readonly StrategyConfig[], tickSizes: ReadonlyMap<number, Paise>): StepConfig {
  const calendar = calendarFrom(config.feed);
  return {
    broker,
    strategy: { strategies, calendar },
    risk: { limits: riskLimitsFromConfig(config.risk) },
    venue: { adapter: { paper: paperConfigFrom(config.paper) }, calendar, endOfDay: true, tickSizes },
  };
}
