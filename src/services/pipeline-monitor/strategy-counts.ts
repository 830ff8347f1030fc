// Enabled strategies per broker, from the strategies document (the original read
// `pipeline:strategies:{broker}:count`, written by the strategy runner). The signal stage needs it:
// a broker without strategies is not expected to produce signals. No worker APIs, no file I/O.
import { parse } from 'yaml';
import { parseStrategiesDocument, type StrategyConfig } from '../../domain/strategy/index.js';
import type { Broker } from '../../domain/types.js';

/** Enabled strategies of each broker in `brokers` (0 for a broker no strategy targets). */
export function countStrategies(configs: readonly StrategyConfig[], brokers: readonly Broker[]): Partial<Record<Broker, number>> {
  const out: Partial<Record<Broker, number>> = {};
  for (const b of brokers) out[b] = configs.filter((c) => c.enabled && c.broker === b).length;
  return out;
}

/** Counts from the YAML text of a strategies file; undefined when it does not parse (counts unknown). */
export function strategyCountsFromYaml(text: string, brokers: readonly Broker[]): Partial<Record<Broker, number>> | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  const parsed = parseStrategiesDocument(doc);
  return parsed.ok ? countStrategies(parsed.value, brokers) : undefined;
}
