// Portfolio state: broker → strategy → instrument token → average-cost position, cash per
// (broker, strategy), last market price per token, fill dedup per broker. PURE data, mutated in
// place by apply.ts (hot path). Invariant per (broker, strategy), exact in paise:
//   cash = startingCash + Σ realized − Σ costBasis − Σ fees.

import { appError } from '../../errors.js';
import type { Broker, Paise } from '../types.js';
import { createDedup, DEFAULT_DEDUP_WINDOW, type FillDedup } from './dedup.js';

/** Default starting cash per (broker, strategy): 1,000,000 rupees in paise. */
export const DEFAULT_STARTING_CASH: Paise = 100_000_000;

/** Mutable state of one (broker, strategy, token) position. */
export interface PositionState {
  /** Signed quantity (> 0 long, < 0 short, 0 flat). */
  qty: number;
  /** Signed total cost in paise, same sign as qty, average-cost method. */
  costBasis: Paise;
  /** Cumulative gross realized PnL (fees excluded), paise. */
  realizedPnl: Paise;
  /** Cumulative fees paid on this position's fills, paise. */
  fees: Paise;
  /** Number of fills applied. */
  fillCount: number;
  /** Timestamp (epoch ms) of the last fill applied. */
  updatedTs: number;
}

/** One strategy's book at one broker. */
export interface StrategyBook {
  readonly startingCash: Paise;
  cash: Paise;
  readonly positions: Map<number, PositionState>;
}

/** One broker's books plus its fill dedup state. */
export interface BrokerBook {
  readonly strategies: Map<string, StrategyBook>;
  readonly dedup: FillDedup;
}

/** Whole portfolio state. Serialise with `exportState`, never with JSON.stringify directly. */
export interface PortfolioState {
  readonly startingCash: Paise;
  readonly dedupWindow: number;
  readonly brokers: Map<Broker, BrokerBook>;
  /** Last traded price per token from ticks (market data is broker-independent). */
  readonly lastPrices: Map<number, Paise>;
}

/** Construction options for {@link createPortfolio} and `foldFills`. */
export interface PortfolioOptions {
  /** Cash each (broker, strategy) starts with, paise. Default {@link DEFAULT_STARTING_CASH}. */
  readonly startingCash?: Paise;
  /** Recent tradeIds remembered per broker beyond the fillSeq watermark (see dedup.ts). */
  readonly dedupWindow?: number;
}

/** An empty portfolio. */
export function createPortfolio(opts: PortfolioOptions = {}): PortfolioState {
  const startingCash = opts.startingCash ?? DEFAULT_STARTING_CASH;
  if (!Number.isSafeInteger(startingCash)) {
    throw appError('ERR_CONFIG_INVALID', { summary: `startingCash must be integer paise, was ${startingCash}` });
  }
  return {
    startingCash,
    dedupWindow: opts.dedupWindow ?? DEFAULT_DEDUP_WINDOW,
    brokers: new Map(),
    lastPrices: new Map(),
  };
}

/** The broker's book, created on first use. */
export function brokerBook(state: PortfolioState, broker: Broker): BrokerBook {
  let book = state.brokers.get(broker);
  if (book === undefined) {
    book = { strategies: new Map(), dedup: createDedup(state.dedupWindow) };
    state.brokers.set(broker, book);
  }
  return book;
}

/** The strategy's book at a broker, created lazily with the configured starting cash. */
export function strategyBook(state: PortfolioState, broker: Broker, strategyId: string): StrategyBook {
  const book = brokerBook(state, broker);
  let sb = book.strategies.get(strategyId);
  if (sb === undefined) {
    sb = { startingCash: state.startingCash, cash: state.startingCash, positions: new Map() };
    book.strategies.set(strategyId, sb);
  }
  return sb;
}

/** A flat position with no history. */
export function emptyPosition(): PositionState {
  return { qty: 0, costBasis: 0, realizedPnl: 0, fees: 0, fillCount: 0, updatedTs: 0 };
}

/** Highest fillSeq applied for `broker` (-1 when none): where a replay of the fill log resumes. */
export function fillWatermark(state: PortfolioState, broker: Broker): number {
  return state.brokers.get(broker)?.dedup.watermark ?? -1;
}
