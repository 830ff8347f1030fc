// Start-up check of the strategies' instruments against the instrument registry. PURE (the
// registry's tradability is passed in). A strategy listing an index (tradable: false) or a token
// the registry does not know could only ever produce signals that no venue may execute, so the
// whole file is refused with one catalogued problem per (strategy, instrument).
import { describeTradability, tradabilityProblem, type TradableLookup } from '../instruments/tradability.js';
import type { StrategyConfig } from './config.js';
import { configError, type StrategyConfigError } from './types.js';

/** Every (strategy, instrument) the registry refuses; empty when all may be ordered or without a registry. */
export function checkStrategyInstruments(configs: readonly StrategyConfig[], tradable: TradableLookup | undefined): StrategyConfigError[] {
  if (tradable === undefined) return [];
  const problems: StrategyConfigError[] = [];
  for (const c of configs) {
    for (const token of c.instruments) {
      const problem = tradabilityProblem(tradable, token);
      if (problem !== null) problems.push(configError(c.id, `instruments: token ${token} may not be ordered: ${describeTradability(problem)}`));
    }
  }
  return problems;
}
