// JSON (LMDB) form of one broker's risk state. PURE. Export is canonical (sorted keys) so two
// states are equal iff their exports are deep-equal.

import { appError } from '../../errors.js';
import { BROKERS, type Broker, type Paise } from '../types.js';
import { exportDedup, importDedup, type FillDedupJson } from '../portfolio/dedup.js';
import type { Lot } from '../portfolio/position-math.js';
import type { DayCount, RiskState } from './state.js';

/** Schema version of {@link RiskStateJson}. */
export const RISK_STATE_VERSION = 1;

/** Serialised risk state of one broker (schema v1). */
export interface RiskStateJson {
  readonly v: 1;
  readonly broker: Broker;
  readonly positions: readonly { readonly strategyId: string; readonly token: number; readonly qty: number; readonly costBasis: Paise }[];
  readonly lastPrices: readonly (readonly [number, Paise])[];
  readonly dailyTrades: readonly { readonly strategyId: string; readonly day: number; readonly count: number }[];
  readonly dailyPnl: { readonly day: number; readonly netRealized: Paise };
  readonly killSwitch: { readonly engaged: boolean; readonly reason: string };
  readonly dedup: FillDedupJson;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical JSON-serialisable copy of the state. */
export function exportRiskState(state: RiskState): RiskStateJson {
  const positions: { strategyId: string; token: number; qty: number; costBasis: Paise }[] = [];
  for (const strategyId of [...state.positions.keys()].sort(byString)) {
    const byToken = state.positions.get(strategyId);
    for (const [token, lot] of [...(byToken ?? [])].sort((a, b) => a[0] - b[0])) {
      positions.push({ strategyId, token, qty: lot.qty, costBasis: lot.costBasis });
    }
  }
  return {
    v: 1,
    broker: state.broker,
    positions,
    lastPrices: [...state.lastPrices].sort((a, b) => a[0] - b[0]),
    dailyTrades: [...state.dailyTrades]
      .sort((a, b) => byString(a[0], b[0]))
      .map(([strategyId, c]) => ({ strategyId, day: c.day, count: c.count })),
    dailyPnl: { ...state.dailyPnl },
    killSwitch: { ...state.killSwitch },
    dedup: exportDedup(state.dedup),
  };
}

/** Rebuilds a risk state from {@link exportRiskState}; throws ERR_STORE_SCHEMA on a bad version/broker. */
export function importRiskState(json: RiskStateJson): RiskState {
  if (json.v !== RISK_STATE_VERSION || !BROKERS.includes(json.broker)) {
    throw appError('ERR_STORE_SCHEMA', { key: `risk/${String(json.broker)}`, version: json.v, expected: RISK_STATE_VERSION });
  }
  const positions = new Map<string, Map<number, Lot>>();
  for (const p of json.positions) {
    let byToken = positions.get(p.strategyId);
    if (byToken === undefined) {
      byToken = new Map();
      positions.set(p.strategyId, byToken);
    }
    byToken.set(p.token, { qty: p.qty, costBasis: p.costBasis });
  }
  const dailyTrades = new Map<string, DayCount>();
  for (const c of json.dailyTrades) dailyTrades.set(c.strategyId, { day: c.day, count: c.count });
  return {
    broker: json.broker,
    positions,
    lastPrices: new Map(json.lastPrices.map(([t, p]) => [t, p] as [number, Paise])),
    dailyTrades,
    dailyPnl: { ...json.dailyPnl },
    killSwitch: { ...json.killSwitch },
    dedup: importDedup(json.dedup),
  };
}
