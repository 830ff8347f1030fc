// JSON (LMDB) form of the portfolio state. PURE. Export is canonical (keys sorted) so two states
// are equal iff their exports are deep-equal; import rebuilds Maps and the dedup ring exactly.

import { appError } from '../../errors.js';
import { BROKERS, type Broker, type Paise } from '../types.js';
import { exportDedup, importDedup, type FillDedupJson } from './dedup.js';
import type { PortfolioState, PositionState, StrategyBook } from './state.js';

/** Schema version of {@link PortfolioStateJson}. */
export const PORTFOLIO_STATE_VERSION = 1;

/** One position in {@link PortfolioStateJson}. */
export interface PositionJson extends PositionState {
  readonly token: number;
}

/** Serialised portfolio state (schema v1). */
export interface PortfolioStateJson {
  readonly v: 1;
  readonly startingCash: Paise;
  readonly dedupWindow: number;
  /** [token, last price] pairs, by token. */
  readonly lastPrices: readonly (readonly [number, Paise])[];
  readonly brokers: readonly {
    readonly broker: Broker;
    readonly dedup: FillDedupJson;
    readonly strategies: readonly {
      readonly strategyId: string;
      readonly startingCash: Paise;
      readonly cash: Paise;
      readonly positions: readonly PositionJson[];
    }[];
  }[];
}

/** Canonical JSON-serialisable copy of the state (shares nothing with it). */
export function exportState(state: PortfolioState): PortfolioStateJson {
  const brokers = [...state.brokers]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([broker, book]) => ({
      broker,
      dedup: exportDedup(book.dedup),
      strategies: [...book.strategies]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([strategyId, sb]) => ({
          strategyId,
          startingCash: sb.startingCash,
          cash: sb.cash,
          positions: [...sb.positions].sort((a, b) => a[0] - b[0]).map(([token, p]) => ({ token, ...p })),
        })),
    }));
  return {
    v: 1,
    startingCash: state.startingCash,
    dedupWindow: state.dedupWindow,
    lastPrices: [...state.lastPrices].sort((a, b) => a[0] - b[0]),
    brokers,
  };
}

/** Rebuilds a state from {@link exportState} output; throws ERR_STORE_SCHEMA on another version. */
export function importState(json: PortfolioStateJson): PortfolioState {
  if (json.v !== PORTFOLIO_STATE_VERSION) {
    throw appError('ERR_STORE_SCHEMA', { key: 'portfolio', version: json.v, expected: PORTFOLIO_STATE_VERSION });
  }
  const state: PortfolioState = {
    startingCash: json.startingCash,
    dedupWindow: json.dedupWindow,
    brokers: new Map(),
    lastPrices: new Map(json.lastPrices.map(([t, p]) => [t, p] as [number, Paise])),
  };
  for (const b of json.brokers) {
    if (!BROKERS.includes(b.broker)) {
      throw appError('ERR_STORE_SCHEMA', { key: `portfolio/${String(b.broker)}`, version: json.v, expected: PORTFOLIO_STATE_VERSION });
    }
    const strategies = new Map<string, StrategyBook>();
    for (const s of b.strategies) {
      const positions = new Map<number, PositionState>();
      for (const { token, ...p } of s.positions) positions.set(token, { ...p });
      strategies.set(s.strategyId, { startingCash: s.startingCash, cash: s.cash, positions });
    }
    state.brokers.set(b.broker, { strategies, dedup: importDedup(b.dedup) });
  }
  return state;
}
