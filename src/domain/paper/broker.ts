// The pure paper broker: a deterministic venue simulator with a JSON-serialisable state. PURE: time
// comes in as arguments, randomness from seededRng(signal key). Same config + same state + same
// calls ⇒ same events, so exportState() mid-stream and a restored broker continue identically.
// Invariants: cash ≥ 0 and held ≥ 0 per strategy; Σ fill qty of an order ≤ its qty; fillSeq strictly
// increasing; ledger cash = starting − Σ BUY (price·qty + fees) + Σ SELL (price·qty − fees).

import { err, ok, type Result } from '../../errors.js';
import type { OrderRecord } from '../order/order.js';
import { isTerminal, transition } from '../order/status.js';
import type { Paise } from '../types.js';
import { resolvePaperConfig, type PaperConfig, type PaperParams } from './config.js';
import { paperError, type Bracket, type PaperError, type PaperEvent } from './events.js';
import { cancelOrder, expireOrder, type ExecCtx } from './execute.js';
import { submitSignal, type PaperSubmitInput } from './submit.js';
import { processTick } from './tick.js';
import { isResting, PaperBook, type PaperState } from './state.js';

const NO_EVENTS: readonly PaperEvent[] = Object.freeze([]);
/** Order records kept in the book beyond the working ones (see pruneFinished). */
const FINISHED_KEPT = 64;

/** Deterministic paper venue. Create with `createPaperBroker`. */
export class PaperBroker {
  private readonly params: PaperParams;
  private readonly book: PaperBook;

  /** `state` (from exportState) restores a broker mid-stream; omitted = fresh book. */
  constructor(config: Partial<PaperConfig> = {}, state?: PaperState) {
    this.params = resolvePaperConfig(config);
    this.book = state === undefined
      ? new PaperBook(this.params.startingCash)
      : PaperBook.fromState(state, this.params.startingCash);
  }

  private ctx(): ExecCtx {
    return { book: this.book, params: this.params, events: [] };
  }

  /**
   * Submits a validated signal at `nowMs`. A signal whose key was already seen (or is older than
   * the remembered horizon) is ERR_ORDER_DUPLICATE and creates nothing; any other outcome is an
   * order whose events (submitted, then accepted / triggered / fills / rejected …) are returned.
   */
  submit(input: PaperSubmitInput, nowMs: number): Result<PaperEvent[], PaperError> {
    const ctx = this.ctx();
    const r = submitSignal(ctx, input, nowMs);
    this.pruneFinished();
    return r.ok ? ok(ctx.events) : err(r.error);
  }

  /**
   * Finished orders were emitted (the actor persists them) and never change again: once there are
   * more than FINISHED_KEPT, they leave the book so the exported state — saved with every commit —
   * stays small instead of growing with every order of the session. Deterministic (size-based), so
   * a restored broker prunes at the same points. A cancel of a pruned order is ERR_ORDER_UNKNOWN.
   */
  private pruneFinished(): void {
    if (this.book.orders.size <= FINISHED_KEPT * 2) return;
    for (const [id, w] of [...this.book.orders]) if (isTerminal(w.order.status)) this.book.orders.delete(id);
  }

  /** Records the last price and works brackets and resting orders of `token`. Hot path. */
  onTick(token: number, ltp: Paise, ts: number): readonly PaperEvent[] {
    // Only positive integer prices are prices; anything else would poison the market reference
    if (!Number.isSafeInteger(ltp) || ltp <= 0) return NO_EVENTS;
    if (!this.book.resting.has(token) && !this.book.brackets.has(token)) {
      this.book.lastPrice.set(token, ltp);
      return NO_EVENTS;
    }
    const ctx = this.ctx();
    processTick(ctx, token, ltp, ts);
    if (ctx.events.length > 0) this.pruneFinished();
    return ctx.events;
  }

  /**
   * Session end: every resting DAY order expires (ERR_PAPER_EXPIRED). Finished orders then leave
   * the book (they were emitted for persistence), and signal keys older than `ts − dedupRetentionMs`
   * are forgotten: signals at or before the newest forgotten ts are refused as duplicates from then
   * on, so forgetting never lets a replay through. Brackets persist: they protect open positions.
   */
  endOfDay(ts: number): PaperEvent[] {
    const ctx = this.ctx();
    for (const w of [...this.book.orders.values()]) {
      if (isResting(w.order) && w.order.tif === 'DAY') expireOrder(ctx, w, ts, paperError('ERR_PAPER_EXPIRED'));
    }
    for (const [id, w] of [...this.book.orders]) if (isTerminal(w.order.status)) this.book.orders.delete(id);
    this.book.pruneKeys(ts - this.params.dedupRetentionMs);
    return ctx.events;
  }

  /** Cancels a working order; unknown ⇒ ERR_ORDER_UNKNOWN, finished ⇒ ERR_ORDER_BAD_TRANSITION. */
  cancel(orderId: string, ts: number): Result<PaperEvent[], PaperError> {
    const w = this.book.orders.get(orderId);
    if (w === undefined) return err(paperError('ERR_ORDER_UNKNOWN', { orderId }));
    const t = transition(w.order.status, 'cancel');
    if (!t.ok || w.order.status === 'Initialized') {
      return err(paperError('ERR_ORDER_BAD_TRANSITION', { orderId, from: w.order.status, event: 'cancel' }));
    }
    const ctx = this.ctx();
    cancelOrder(ctx, w, ts, null);
    return ok(ctx.events);
  }

  /** JSON-serialisable snapshot; `createPaperBroker(config, state)` continues from it. */
  exportState(): PaperState {
    return this.book.exportState();
  }

  /** Working orders (accepted or triggered), in creation order. */
  openOrders(): OrderRecord[] {
    return [...this.book.orders.values()].filter((w) => isResting(w.order)).map((w) => w.order);
  }

  /** An order of the current session (working or finished since the last endOfDay). */
  order(orderId: string): OrderRecord | undefined {
    return this.book.orders.get(orderId)?.order;
  }

  /** Cash of a strategy in paise (starting cash until its first fill). */
  cash(strategyId: string): Paise {
    return this.book.cashOf(strategyId);
  }

  /** Quantity a strategy holds in an instrument. */
  held(strategyId: string, token: number): number {
    return this.book.heldOf(strategyId, token);
  }

  /** The armed bracket of (strategy, instrument), if any. */
  bracket(strategyId: string, token: number): Bracket | undefined {
    return this.book.bracketOf(strategyId, token);
  }

  /** All armed brackets. */
  brackets(): Bracket[] {
    return [...this.book.brackets.values()].flatMap((m) => [...m.values()]);
  }

  /** Last tick price seen for an instrument. */
  lastPrice(token: number): Paise | undefined {
    return this.book.lastPrice.get(token);
  }
}

/** Creates a paper broker from (partial) config, optionally restoring an exported state. */
export function createPaperBroker(config: Partial<PaperConfig> = {}, state?: PaperState): PaperBroker {
  return new PaperBroker(config, state);
}
