// The portfolio manager's state: one PortfolioState per broker (each holds only that broker's
// book), loaded from `K.portfolioState(broker)` and advanced from the broker's fill log. The
// fill watermark lives inside the state (its dedup), so state and watermark persist atomically:
// a fill is applied exactly once across restarts.
import { applyFill, createPortfolio, exportState, fillWatermark, importState, strategyBook, type PortfolioOptions, type PortfolioState, type PortfolioStateJson } from '../../domain/portfolio/index.js';
import type { Broker } from '../../domain/types.js';
import { K } from '../../store/keyspace.js';
import { readFillsAfter, type StoreReader, type StoreWrite } from './fill-log.js';

/** broker → its portfolio state. */
export type Books = Map<Broker, PortfolioState>;

/** Outcome of one catch-up pass over a fill log. */
export interface CatchUp {
  readonly applied: number;
  /** Fills skipped by the dedup rule (a tradeId re-logged under a new fillSeq). */
  readonly duplicates: number;
}

/** Loads each broker's stored state, or a fresh one with `optsFor(broker)` (starting cash). */
export function loadBooks(db: StoreReader, brokers: readonly Broker[], optsFor: (broker: Broker) => PortfolioOptions): Books {
  const books: Books = new Map();
  for (const b of brokers) {
    const json = db.get(K.portfolioState(b)) as PortfolioStateJson | undefined;
    books.set(b, json === undefined ? createPortfolio(optsFor(b)) : importState(json));
  }
  return books;
}

/** A strategy that trades at a broker: its book exists from the start, not from its first fill. */
export interface EnabledStrategy {
  readonly id: string;
  readonly broker: Broker;
}

/**
 * Opens the book of every enabled strategy of an active broker (a no-op for a book that exists).
 * Without this a book appeared at the strategy's first fill, so the broker's equity started at 0
 * and jumped by one starting cash per strategy as each made its first trade. Invariant after it:
 * a broker's equity = Σ over its enabled strategies of startingCash + net PnL, from the first
 * point of the curve. Returns the brokers whose state changed (they need a commit).
 */
export function openStrategyBooks(books: Books, strategies: readonly EnabledStrategy[]): Set<Broker> {
  const changed = new Set<Broker>();
  for (const s of strategies) {
    const state = books.get(s.broker);
    if (state === undefined || state.brokers.get(s.broker)?.strategies.has(s.id) === true) continue;
    strategyBook(state, s.broker, s.id);
    changed.add(s.broker);
  }
  return changed;
}

/** Applies every logged fill of `broker` after the state's watermark, in fillSeq order. */
export function catchUpFills(db: StoreReader, broker: Broker, state: PortfolioState): CatchUp {
  let applied = 0;
  let duplicates = 0;
  for (const fill of readFillsAfter(db, broker, fillWatermark(state, broker))) {
    if (applyFill(state, fill).ok) applied += 1;
    else duplicates += 1;
  }
  return { applied, duplicates };
}

/** The writes that persist the given brokers' states. */
export function bookWrites(books: Books, brokers: Iterable<Broker>): StoreWrite[] {
  const out: StoreWrite[] = [];
  for (const b of brokers) {
    const state = books.get(b);
    if (state !== undefined) out.push({ kind: 'put', key: K.portfolioState(b), value: exportState(state) });
  }
  return out;
}
