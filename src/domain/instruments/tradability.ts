// Which instruments may be ordered, as reference data the trading layers are given (never read
// from a store here). PURE. The registry is the authority: an instrument it marks `tradable: false`
// (an index) or does not know at all is refused by the strategy runner at load, by risk and by the
// engine. Without a registry (an empty store, tests) there is no lookup and nothing is refused.

import { isIndexToken, type Instrument } from './instrument.js';

/** Whether an instrument may be ordered: true / false from the registry, undefined when it does not know it. */
export type TradableLookup = (token: number) => boolean | undefined;

/** Why an instrument may not be ordered. */
export type TradabilityProblem = 'not_tradable' | 'unknown_instrument';

/** Builds a lookup over `instruments`; a record without a boolean `tradable` follows the token's segment. */
export function tradableLookup(instruments: Iterable<Pick<Instrument, 'token'> & { readonly tradable?: boolean }>): TradableLookup {
  const map = new Map<number, boolean>();
  for (const i of instruments) map.set(i.token, i.tradable ?? !isIndexToken(i.token));
  return (token) => map.get(token);
}

/** The problem with ordering `token`, or null when it may be ordered (or when there is no lookup). */
export function tradabilityProblem(lookup: TradableLookup | undefined, token: number): TradabilityProblem | null {
  if (lookup === undefined) return null;
  const t = lookup(token);
  if (t === true) return null;
  return t === false ? 'not_tradable' : 'unknown_instrument';
}

/** Human wording of a {@link TradabilityProblem}, for catalogued error details. */
export function describeTradability(problem: TradabilityProblem): string {
  return problem === 'not_tradable' ? 'the instrument registry marks it not tradable' : 'the instrument registry does not know it';
}
