// Read-side views of the portfolio: per-position marks and PnL, per-strategy and per-broker totals.
// PURE, no mutation. All amounts are integer paise. Invariant (tested), exact:
//   equity = cash + marketValue = startingCash + realized + unrealized − fees.
// Before the first tick of a token, positions are marked at their average cost rounded half away
// from zero, so unrealized PnL is 0 up to that rounding (|error| ≤ |qty|/2 paise).

import type { Broker, Paise } from '../types.js';
import { addExact, mulExact } from './money.js';
import { averagePrice, roundedAveragePrice } from './position-math.js';
import type { PortfolioState, PositionState, StrategyBook } from './state.js';

/** One position as the outside world sees it. */
export interface PositionView {
  readonly broker: Broker;
  readonly strategyId: string;
  readonly token: number;
  readonly qty: number;
  readonly costBasis: Paise;
  /** costBasis / qty, fractional paise, display only (0 when flat). */
  readonly avgPrice: number;
  readonly realizedPnl: Paise;
  readonly fees: Paise;
  /** realizedPnl − fees. */
  readonly netRealizedPnl: Paise;
  /** Mark used: the last tick price, or the rounded average cost when `marked` is false. */
  readonly lastPrice: Paise;
  /** True when `lastPrice` comes from a tick. */
  readonly marked: boolean;
  /** lastPrice × qty (negative for shorts). */
  readonly marketValue: Paise;
  /** lastPrice × qty − costBasis. */
  readonly unrealizedPnl: Paise;
  /** realized + unrealized − fees. */
  readonly netPnl: Paise;
  readonly fillCount: number;
  readonly updatedTs: number;
}

/** Aggregate PnL of a strategy (or of a whole broker: sums over its strategies). */
export interface PnlTotals {
  readonly startingCash: Paise;
  readonly cash: Paise;
  readonly realizedPnl: Paise;
  readonly unrealizedPnl: Paise;
  readonly fees: Paise;
  /** realized − fees. */
  readonly netRealizedPnl: Paise;
  /** realized + unrealized − fees. */
  readonly netPnl: Paise;
  readonly marketValue: Paise;
  /** cash + marketValue. */
  readonly equity: Paise;
  /** Positions with qty ≠ 0. */
  readonly openPositions: number;
}

function viewOf(state: PortfolioState, broker: Broker, strategyId: string, token: number, p: PositionState): PositionView {
  const tick = state.lastPrices.get(token);
  const lastPrice = tick ?? roundedAveragePrice(p);
  const ref = `mark:${token}`;
  const marketValue = mulExact(lastPrice, p.qty, ref);
  const unrealizedPnl = addExact(marketValue, -p.costBasis, ref);
  const netRealizedPnl = addExact(p.realizedPnl, -p.fees, ref);
  return {
    broker,
    strategyId,
    token,
    qty: p.qty,
    costBasis: p.costBasis,
    avgPrice: averagePrice(p),
    realizedPnl: p.realizedPnl,
    fees: p.fees,
    netRealizedPnl,
    lastPrice,
    marked: tick !== undefined,
    marketValue,
    unrealizedPnl,
    netPnl: addExact(netRealizedPnl, unrealizedPnl, ref),
    fillCount: p.fillCount,
    updatedTs: p.updatedTs,
  };
}

/** The position of (broker, strategy, token), or undefined when it never traded. */
export function positionView(
  state: PortfolioState,
  broker: Broker,
  strategyId: string,
  token: number,
): PositionView | undefined {
  const p = state.brokers.get(broker)?.strategies.get(strategyId)?.positions.get(token);
  return p === undefined ? undefined : viewOf(state, broker, strategyId, token, p);
}

/** All positions (flat ones included: they carry realized PnL) of a strategy, by token. */
export function listPositions(state: PortfolioState, broker: Broker, strategyId: string): PositionView[] {
  const sb = state.brokers.get(broker)?.strategies.get(strategyId);
  if (sb === undefined) return [];
  const entries = [...sb.positions].sort((a, b) => a[0] - b[0]);
  return entries.map(([token, p]) => viewOf(state, broker, strategyId, token, p));
}

/** Strategy ids that have a book at `broker`, sorted. */
export function strategyIds(state: PortfolioState, broker: Broker): string[] {
  return [...(state.brokers.get(broker)?.strategies.keys() ?? [])].sort();
}

/** Totals of one strategy at one broker; a strategy that never traded has only its starting cash. */
export function strategyTotals(state: PortfolioState, broker: Broker, strategyId: string): PnlTotals {
  const sb = state.brokers.get(broker)?.strategies.get(strategyId);
  if (sb === undefined) return totalsOf(state.startingCash, state.startingCash, []);
  return bookTotals(state, broker, strategyId, sb);
}

/** Totals of a broker: the sum over its strategies (all zero when the broker never traded). */
export function brokerTotals(state: PortfolioState, broker: Broker): PnlTotals {
  const parts: PnlTotals[] = [];
  for (const [id, sb] of state.brokers.get(broker)?.strategies ?? []) parts.push(bookTotals(state, broker, id, sb));
  return sumTotals(parts);
}

/** Field-wise sum of totals (e.g. several strategies, or both brokers). */
export function sumTotals(parts: readonly PnlTotals[]): PnlTotals {
  const acc = { startingCash: 0, cash: 0, realizedPnl: 0, unrealizedPnl: 0, fees: 0, netRealizedPnl: 0, netPnl: 0, marketValue: 0, equity: 0, openPositions: 0 };
  for (const t of parts) {
    for (const k of Object.keys(acc) as (keyof typeof acc)[]) acc[k] = addExact(acc[k], t[k], 'totals');
  }
  return acc;
}

function bookTotals(state: PortfolioState, broker: Broker, strategyId: string, sb: StrategyBook): PnlTotals {
  const views: PositionView[] = [];
  for (const [token, p] of sb.positions) views.push(viewOf(state, broker, strategyId, token, p));
  return totalsOf(sb.startingCash, sb.cash, views);
}

function totalsOf(startingCash: Paise, cash: Paise, views: readonly PositionView[]): PnlTotals {
  let realizedPnl = 0;
  let unrealizedPnl = 0;
  let fees = 0;
  let marketValue = 0;
  let openPositions = 0;
  for (const v of views) {
    realizedPnl = addExact(realizedPnl, v.realizedPnl, 'totals');
    unrealizedPnl = addExact(unrealizedPnl, v.unrealizedPnl, 'totals');
    fees = addExact(fees, v.fees, 'totals');
    marketValue = addExact(marketValue, v.marketValue, 'totals');
    if (v.qty !== 0) openPositions += 1;
  }
  const netRealizedPnl = addExact(realizedPnl, -fees, 'totals');
  return {
    startingCash,
    cash,
    realizedPnl,
    unrealizedPnl,
    fees,
    netRealizedPnl,
    netPnl: addExact(netRealizedPnl, unrealizedPnl, 'totals'),
    marketValue,
    equity: addExact(cash, marketValue, 'totals'),
    openPositions,
  };
}
