// The trading step's typed config from the application config: what the fused core (and the
// benchmarks that run the step in one thread) hand to tradingStepBehaviour.init.
import type { AppConfig } from '../../config.js';
import type { StrategyConfig } from '../../domain/strategy/index.js';
import type { TradableLookup } from '../../domain/instruments/index.js';
import type { Broker, Paise } from '../../domain/types.js';
import { calendarFrom, paperConfigFrom } from '../engine/config.js';
import { riskLimitsFromConfig } from '../risk/limits.js';
import type { StepConfig } from './step.js';

/** What the instrument registry knows, read by the shell at start (the step never reads storage). */
export interface RegistryFacts {
  readonly tickSizes: ReadonlyMap<number, Paise>;
  /** Absent when there is no registry (tests, benches): nothing is refused for tradability. */
  readonly tradable: TradableLookup | undefined;
}

/** Step config of `broker` over its validated `strategies`. Session ends always follow tick time. */
export function tradingStepConfig(config: AppConfig, broker: Broker, strategies: readonly StrategyConfig[], registry: RegistryFacts): StepConfig {
  const calendar = calendarFrom(config.feed);
  const tradable = registry.tradable !== undefined ? { tradable: registry.tradable } : {};
  return {
    broker,
    strategy: { strategies, calendar },
    risk: { limits: riskLimitsFromConfig(config.risk), reference: tradable },
    venue: { adapter: { paper: paperConfigFrom(config.paper) }, calendar, endOfDay: true, tickSizes: registry.tickSizes, ...tradable },
  };
}
