// The paper broker's book: ledger (cash per strategy, held qty per strategy+instrument), working
// orders, brackets, last prices and remembered signal keys. PURE. Invariants: cash ≥ 0 and held ≥ 0
// after every fill (a violation throws ERR_FILL_INVALID); iteration order is insertion order and is
// preserved by exportState/fromState, so a restored book replays bit-for-bit the same events.

import { appError } from '../../errors.js';
import { isTerminal } from '../order/status.js';
import type { OrderRecord } from '../order/order.js';
import type { Fill, Paise } from '../types.js';
import type { Bracket } from './events.js';

/** A stored order plus the paper-only facts needed to execute it later. */
export interface PaperOrderEntry {
  readonly order: OrderRecord;
  readonly tickSize: Paise;
  readonly takeProfitBps: number;
  readonly stopLossBps: number;
}

/** Exported broker state: plain JSON (arrays of tuples, so no key can collide with `__proto__`). */
export interface PaperState {
  readonly v: 1;
  readonly nextFillSeq: number;
  readonly cash: readonly (readonly [strategyId: string, cash: Paise])[];
  readonly held: readonly (readonly [strategyId: string, token: number, qty: number])[];
  readonly lastPrice: readonly (readonly [token: number, price: Paise])[];
  /** Orders of the current session (working and finished), in creation order. */
  readonly orders: readonly PaperOrderEntry[];
  readonly brackets: readonly Bracket[];
  /** Remembered signal keys with their signal ts. */
  readonly knownKeys: readonly (readonly [key: string, ts: number])[];
  /** Signals with ts ≤ this are treated as duplicates: their keys were forgotten. null = none. */
  readonly dedupHorizonTs: number | null;
}

/** Mutable working copy of a PaperOrderEntry (the order record itself stays immutable). */
export interface WorkingOrder {
  order: OrderRecord;
  readonly tickSize: Paise;
  readonly takeProfitBps: number;
  readonly stopLossBps: number;
}

/** In-memory book with Map indexes; only the broker's modules touch it. */
export class PaperBook {
  nextFillSeq = 1;
  dedupHorizonTs: number | null = null;
  readonly cash = new Map<string, Paise>();
  readonly held = new Map<string, Map<number, number>>();
  readonly lastPrice = new Map<number, Paise>();
  readonly orders = new Map<string, WorkingOrder>();
  /** token → ids of resting orders on it, in creation order. */
  readonly resting = new Map<number, string[]>();
  /** token → strategyId → bracket. */
  readonly brackets = new Map<number, Map<string, Bracket>>();
  readonly knownKeys = new Map<string, number>();

  constructor(private readonly startingCash: Paise) {}

  /** Cash of a strategy; strategies start lazily with the configured starting cash. */
  cashOf(strategyId: string): Paise {
    return this.cash.get(strategyId) ?? this.startingCash;
  }

  /** Quantity held by a strategy in an instrument. */
  heldOf(strategyId: string, token: number): number {
    return this.held.get(strategyId)?.get(token) ?? 0;
  }

  /** BUY: cash −= price·qty + fees, held += qty. SELL: cash += price·qty − fees, held −= qty. */
  applyToLedger(fill: Fill): void {
    const notional = fill.price * fill.quantity;
    const buy = fill.side === 'BUY';
    const cash = this.cashOf(fill.strategyId) + (buy ? -notional : notional) - fill.fees;
    const held = this.heldOf(fill.strategyId, fill.token) + (buy ? fill.quantity : -fill.quantity);
    if (cash < 0 || held < 0 || !Number.isSafeInteger(cash)) {
      throw appError('ERR_FILL_INVALID', { tradeId: fill.tradeId, reason: `paper ledger would reach cash ${cash}, held ${held}` });
    }
    this.cash.set(fill.strategyId, cash);
    let byToken = this.held.get(fill.strategyId);
    if (byToken === undefined) {
      byToken = new Map();
      this.held.set(fill.strategyId, byToken);
    }
    byToken.set(fill.token, held);
  }

  /** The bracket of (strategy, instrument), if armed. */
  bracketOf(strategyId: string, token: number): Bracket | undefined {
    return this.brackets.get(token)?.get(strategyId);
  }

  /** Arms a bracket (at most one per strategy+instrument). */
  setBracket(b: Bracket): void {
    let byStrategy = this.brackets.get(b.token);
    if (byStrategy === undefined) {
      byStrategy = new Map();
      this.brackets.set(b.token, byStrategy);
    }
    byStrategy.set(b.strategyId, b);
  }

  /** Disarms the bracket of (strategy, instrument). */
  removeBracket(strategyId: string, token: number): void {
    const byStrategy = this.brackets.get(token);
    byStrategy?.delete(strategyId);
    if (byStrategy?.size === 0) this.brackets.delete(token);
  }

  /** Adds an order to the resting index of its instrument. */
  addResting(w: WorkingOrder): void {
    const ids = this.resting.get(w.order.token);
    if (ids === undefined) this.resting.set(w.order.token, [w.order.orderId]);
    else if (!ids.includes(w.order.orderId)) ids.push(w.order.orderId);
  }

  /** Removes an order from the resting index. */
  removeResting(w: WorkingOrder): void {
    const ids = this.resting.get(w.order.token);
    if (ids === undefined) return;
    const i = ids.indexOf(w.order.orderId);
    if (i >= 0) ids.splice(i, 1);
    if (ids.length === 0) this.resting.delete(w.order.token);
  }

  /** True when the signal key was seen, or is older than what the book still remembers. */
  isKnownKey(key: string, ts: number): boolean {
    return this.knownKeys.has(key) || (this.dedupHorizonTs !== null && ts <= this.dedupHorizonTs);
  }

  /** Remembers a key; past `maxKeys` the oldest quarter is forgotten (horizon moves up). */
  rememberKey(key: string, ts: number, maxKeys: number): void {
    this.knownKeys.set(key, ts);
    if (this.knownKeys.size <= maxKeys) return;
    const byAge = [...this.knownKeys].sort((a, b) => a[1] - b[1]);
    const drop = byAge.length - Math.floor(maxKeys * 0.75);
    for (let i = 0; i < drop; i++) this.forgetKey(byAge[i]![0], byAge[i]![1]);
  }

  /** Forgets keys with signal ts < cutoffTs. */
  pruneKeys(cutoffTs: number): void {
    for (const [key, ts] of [...this.knownKeys]) if (ts < cutoffTs) this.forgetKey(key, ts);
  }

  private forgetKey(key: string, ts: number): void {
    this.knownKeys.delete(key);
    if (this.dedupHorizonTs === null || ts > this.dedupHorizonTs) this.dedupHorizonTs = ts;
  }

  /** Deep, JSON-safe snapshot. */
  exportState(): PaperState {
    const state: PaperState = {
      v: 1,
      nextFillSeq: this.nextFillSeq,
      cash: [...this.cash],
      held: [...this.held].flatMap(([s, m]) => [...m].map(([t, q]) => [s, t, q] as const)),
      lastPrice: [...this.lastPrice],
      orders: [...this.orders.values()].map((w) => ({ ...w })),
      brackets: [...this.brackets.values()].flatMap((m) => [...m.values()]),
      knownKeys: [...this.knownKeys],
      dedupHorizonTs: this.dedupHorizonTs,
    };
    return JSON.parse(JSON.stringify(state)) as PaperState;
  }

  /** Rebuilds a book (and its derived resting index) from an exported state. */
  static fromState(raw: PaperState, startingCash: Paise): PaperBook {
    if (raw.v !== 1) throw appError('ERR_STORE_SCHEMA', { key: 'paper-state', version: raw.v, expected: 1 });
    const s = JSON.parse(JSON.stringify(raw)) as PaperState;
    const book = new PaperBook(startingCash);
    book.nextFillSeq = s.nextFillSeq;
    book.dedupHorizonTs = s.dedupHorizonTs;
    for (const [id, c] of s.cash) book.cash.set(id, c);
    for (const [id, token, q] of s.held) {
      const m = book.held.get(id) ?? new Map<number, number>();
      m.set(token, q);
      book.held.set(id, m);
    }
    for (const [t, p] of s.lastPrice) book.lastPrice.set(t, p);
    for (const e of s.orders) {
      const w: WorkingOrder = { ...e };
      book.orders.set(e.order.orderId, w);
      if (isResting(e.order)) book.addResting(w);
    }
    for (const b of s.brackets) book.setBracket(b);
    for (const [k, ts] of s.knownKeys) book.knownKeys.set(k, ts);
    return book;
  }
}

/** Working on the venue: accepted or triggered, not yet finished. */
export function isResting(order: OrderRecord): boolean {
  return !isTerminal(order.status) && order.status !== 'Initialized' && order.status !== 'Submitted';
}
