// The registry's tradability as a lookup for the trading actors, read once at their start from the
// instrument records the registry actor wrote (it runs before the trading subtree). The domain
// gets the lookup passed in and never reads LMDB itself.
import type { RootDatabase } from 'lmdb';
import { tradableLookup, type TradableLookup } from '../../domain/instruments/index.js';
import { instrumentsFromStore } from '../feed/instruments.js';

/**
 * The lookup over every instrument record in `store`, or undefined when there is none (no registry
 * in this tree, e.g. a test or the bench): then nothing is refused for tradability.
 */
export function tradableFromStore(store: RootDatabase | undefined): TradableLookup | undefined {
  if (store === undefined) return undefined;
  const instruments = instrumentsFromStore(store);
  return instruments.length === 0 ? undefined : tradableLookup(instruments);
}
