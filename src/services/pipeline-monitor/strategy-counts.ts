// Enabled strategies per broker, from the strategies file (the original read
// `pipeline:strategies:{broker}:count`, written by the strategy runner). The signal stage needs it:
// a broker without strategies is not expected to produce signals. Parsing is the runner's own
// (src/services/strategy/load.ts), so both read the file the same way. No worker APIs.
import type { StrategyConfig } from '../../domain/strategy/index.js';
import type { Broker } from '../../domain/types.js';
import { parseStrategiesText } from '../strategy/load.js';

/** Enabled strategies of each broker in `brokers` (0 for a broker no strategy targets). */
export function countStrategies(configs: readonly StrategyConfig[], brokers: readonly Broker[]): Partial<Record<Broker, number>> {
  const out: Partial<Record<Broker, number>> = {};
  for (const b of brokers) out[b] = configs.filter((c) => c.enabled && c.broker === b).length;
  return out;
}

/** Counts from the text of a strategies file (YAML, or JSON by extension); undefined when invalid (counts unknown). */
export function strategyCountsFromText(text: string, path: string, brokers: readonly Broker[]): Partial<Record<Broker, number>> | undefined {
  const parsed = parseStrategiesText(text, path);
  return parsed.ok ? countStrategies(parsed.value, brokers) : undefined;
}
