// Messages of the portfolio manager: the `pnl_snapshot` payload it publishes on
// `{b}.pnl.snapshots` (key `portfolio_snapshot_{b}:{strategy}`, docs/original-system.md §3.8 plus the
// strategy id the original lacked), the records it keeps in LMDB for the dashboard, and its
// control commands. All money is integer paise; `divisor` (100) converts to rupees for display.
import type { Broker, Paise } from '../domain/types.js';
import type { PnlTotals } from '../domain/portfolio/index.js';

/** Payload of a `pnl_snapshot` event: one strategy at one broker (positions stay in LMDB). */
export interface PnlSnapshotPayload {
  readonly broker: Broker;
  readonly strategyId: string;
  /** Snapshot time, epoch ms. */
  readonly ts: number;
  /** Gross realized PnL, paise. */
  readonly realizedPnl: Paise;
  readonly unrealizedPnl: Paise;
  /** realized + unrealized − fees, paise. */
  readonly totalPnl: Paise;
  readonly totals: PnlTotals;
  readonly currencyDivisor: number;
}

/** One point of a broker's equity curve (`K.equityPoint(broker, ts)`). */
export interface EquityPoint {
  readonly broker: Broker;
  readonly ts: number;
  readonly equity: Paise;
  readonly cash: Paise;
  readonly netPnl: Paise;
  readonly realizedPnl: Paise;
  readonly unrealizedPnl: Paise;
  readonly fees: Paise;
  readonly divisor: number;
}

/** Reply of `call('equity')`, summed over brokers; the main job's summary line reads exactly this. */
export interface EquitySummary {
  readonly equity: Paise;
  readonly netPnl: Paise;
  readonly divisor: 100;
}

/** Argument of `call('positions', …)`: both filters optional. */
export interface PositionsQuery {
  readonly broker?: Broker;
  readonly strategyId?: string;
}

/** Argument of `call('portfolio', …)`. */
export interface PortfolioQuery {
  readonly broker: Broker;
}

/** Partition key of a broker strategy's snapshots. */
export function pnlSnapshotKey(broker: Broker, strategyId: string): string {
  return `portfolio_snapshot_${broker}:${strategyId}`;
}

/** How long equity points are kept (the dashboard draws at most a week). */
export const EQUITY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Control commands the portfolio manager accepts. */
export const PORTFOLIO_COMMANDS = ['equity', 'positions', 'portfolio'] as const;
