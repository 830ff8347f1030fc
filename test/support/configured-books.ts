// The portfolio books the portfolio manager opens at start (src/services/portfolio/books.ts): one per
// enabled strategy of an active broker in the strategies file, so expected states built with
// foldFills (which opens a book at a strategy's first fill) match the live manager's.
import { AppConfigSchema } from '../../src/config.js';
import type { PortfolioState } from '../../src/domain/portfolio/index.js';
import type { Broker } from '../../src/domain/types.js';
import { openStrategyBooks } from '../../src/services/portfolio/books.js';
import { readStrategiesFile } from '../../src/services/strategy/load.js';

/** Opens in `state` the books of the enabled `broker` strategies of `file` (default: the default file). */
export function withConfiguredBooks(state: PortfolioState, broker: Broker = 'paper', file: string = AppConfigSchema.parse({}).strategies.file): PortfolioState {
  const listed = readStrategiesFile(file);
  if (!listed.ok) throw new Error(`${file} does not parse`);
  openStrategyBooks(new Map([[broker, state]]), listed.value.filter((c) => c.enabled && c.broker === broker));
  return state;
}
