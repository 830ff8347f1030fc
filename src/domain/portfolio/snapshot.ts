// PnL snapshot builders: plain JSON objects for the portfolio actor to publish and the gateway to
// format. PURE. Money stays integer paise; `currencyDivisor` (100) tells readers how to show rupees.

import type { Broker } from '../types.js';
import type { PortfolioState } from './state.js';
import { brokerTotals, listPositions, strategyIds, strategyTotals, type PnlTotals, type PositionView } from './totals.js';

/** Minor units per rupee: paise amounts divide by this for display. */
export const CURRENCY_DIVISOR = 100;

/** One instrument row of a strategy snapshot. */
export type PnlSnapshotRow = Omit<PositionView, 'broker' | 'strategyId'>;

/** Per-(broker, strategy) PnL snapshot (fixes the original's missing strategy id, §3.8). */
export interface PnlSnapshot {
  readonly kind: 'pnl-snapshot';
  readonly v: 1;
  readonly broker: Broker;
  readonly strategyId: string;
  /** Snapshot time, epoch ms (passed in: domain code has no clock). */
  readonly ts: number;
  readonly currencyDivisor: number;
  /** Rows sorted by token, flat positions included (they carry realized PnL). */
  readonly positions: readonly PnlSnapshotRow[];
  readonly totals: PnlTotals;
}

/** Per-broker snapshot: totals of each strategy plus the broker's total. */
export interface BrokerPnlSnapshot {
  readonly kind: 'broker-pnl-snapshot';
  readonly v: 1;
  readonly broker: Broker;
  readonly ts: number;
  readonly currencyDivisor: number;
  readonly strategies: readonly { readonly strategyId: string; readonly totals: PnlTotals }[];
  readonly totals: PnlTotals;
}

/** Builds the PnL snapshot of one strategy at one broker. */
export function pnlSnapshot(state: PortfolioState, broker: Broker, strategyId: string, ts: number): PnlSnapshot {
  const positions = listPositions(state, broker, strategyId).map(
    ({ broker: _b, strategyId: _s, ...row }): PnlSnapshotRow => row,
  );
  return {
    kind: 'pnl-snapshot',
    v: 1,
    broker,
    strategyId,
    ts,
    currencyDivisor: CURRENCY_DIVISOR,
    positions,
    totals: strategyTotals(state, broker, strategyId),
  };
}

/** Builds the per-broker snapshot (every strategy that has a book at `broker`). */
export function brokerPnlSnapshot(state: PortfolioState, broker: Broker, ts: number): BrokerPnlSnapshot {
  return {
    kind: 'broker-pnl-snapshot',
    v: 1,
    broker,
    ts,
    currencyDivisor: CURRENCY_DIVISOR,
    strategies: strategyIds(state, broker).map((strategyId) => ({
      strategyId,
      totals: strategyTotals(state, broker, strategyId),
    })),
    totals: brokerTotals(state, broker),
  };
}
