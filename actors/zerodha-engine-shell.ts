// The I/O shell of the zerodha venue (src/services/engine/zerodha-venue.ts) inside the split
// topology's trading engine: it performs the venue's effects with KiteRestClient and feeds the
// answers back, polls GET /orders and GET /trades, folds the KiteTicker's `order` messages (forwarded
// by the market feed on zerodha.orders.updates) and runs the start-up reconciliation before it sends
// anything. Every event it gets from the venue goes through the engine's committer, so order
// records, fills (exactly once, keyed by Kite's trade_id) and the venue state land in one LMDB commit.
// Invariants:
//   - an effect is performed only after the commit that persisted its intent (durableSeq);
//   - a placement whose outcome is unknown is never re-sent by this process (the venue decides);
//   - a TokenException halts the shell: no call is made again, health reports it, the engine (and
//     every other broker's engine) keeps running;
//   - an order update never makes a fill: when it reports more filled than we have, the trades are
//     fetched (one fetch at a time, repeated a few times if Kite's trade list lags its order state);
//     the poll stays the fallback and the reconciliation authority.
import { isAppError } from '../src/errors.js';
import type { Logger } from 'pino';
import type { ActorHealth } from '../src/runtime/actor.js';
import type { KiteRestClient } from '../src/kite/rest/client.js';
import type { AdapterEvent } from '../src/services/engine/adapter.js';
import type { CommitPhase } from '../src/services/engine/committer.js';
import { placeOutcome, type ZerodhaAdapter, type ZerodhaEffect } from '../src/services/engine/zerodha-venue.js';
import type { KiteOrder } from '../src/kite/rest/types.js';

/** Trade fetches after an order update while Kite's trades still lag the filled quantity it reported. */
const TRADES_RETRIES = 8;
const TRADES_RETRY_MS = 250;

export interface ZerodhaShellDeps {
  readonly adapter: ZerodhaAdapter;
  readonly client: KiteRestClient;
  /** Commits (and publishes) the events; resolves after the commit. */
  readonly commit: (events: readonly AdapterEvent[]) => Promise<void>;
  readonly nowMs: () => number;
  readonly log: Logger;
  readonly countError: (code: string, detail: Record<string, unknown>) => void;
  /** Test hook: called right after Kite answered a placement, before the answer is committed. */
  readonly afterPlaceAnswer?: () => void;
}

export interface ZerodhaShell {
  /** Committer phases: effects become performable once the commit that holds them is done. */
  onPhase(phase: CommitPhase): void;
  /** Reconciles (once), then polls; call on a timer. */
  poll(): Promise<void>;
  /** Performs the effects that are durable now. */
  kick(): void;
  health(): ActorHealth;
  snapshot(): Record<string, unknown>;
  /** Marks the session dead (the client's onTokenException). */
  tokenExpired(): void;
  /** Folds one KiteTicker order update; fetches the trades when it reports new fills. */
  onOrderUpdate(order: KiteOrder): Promise<void>;
}

export function createZerodhaShell(deps: ZerodhaShellDeps): ZerodhaShell {
  const { adapter, client, log } = deps;
  let halted: string | null = null;
  let sealingSeq = 0;
  let durableSeq = adapter.lastIntentSeq;
  let polling = false;
  let lastPollError: string | null = null;
  const counts = { placed: 0, placeFailed: 0, unknown: 0, canceled: 0, modified: 0, modifyFailed: 0, polls: 0, pollErrors: 0, reconciled: 0, updates: 0, updatesIgnored: 0, tradeFetches: 0, tradeFetchErrors: 0 };
  let inFlight = 0;

  const commit = (events: readonly AdapterEvent[]): void => {
    if (events.length > 0) void deps.commit(events);
  };

  async function perform(e: ZerodhaEffect): Promise<void> {
    adapter.markSending(e);
    inFlight += 1;
    try {
      if (e.kind === 'place') {
        try {
          const kiteOrderId = await client.placeOrder(e.params);
          deps.afterPlaceAnswer?.();
          counts.placed += 1;
          commit(adapter.placed(e.tag, kiteOrderId, deps.nowMs()));
        } catch (err) {
          const outcome = placeOutcome(err);
          counts.placeFailed += 1;
          if (outcome.kind === 'unknown') counts.unknown += 1;
          if (isAppError(err)) deps.countError(err.code, { tag: e.tag });
          commit(adapter.placeFailed(e.tag, outcome, deps.nowMs()));
        }
        return;
      }
      if (e.kind === 'modify') {
        // Sent once: a failed modify changes nothing of ours; Kite's next report is the truth
        try {
          await client.modifyOrder(e.params);
          counts.modified += 1;
        } catch (err) {
          counts.modifyFailed += 1;
          if (isAppError(err)) deps.countError(err.code, { tag: e.tag });
          adapter.modifyFailed(e.tag);
        }
        return;
      }
      try {
        await client.cancelOrder(e.kiteOrderId, e.variety);
        counts.canceled += 1;
      } catch (err) {
        if (isAppError(err)) deps.countError(err.code, { tag: e.tag });
        adapter.cancelFailed(e.tag);
      }
    } finally {
      inFlight -= 1;
    }
  }

  function kick(): void {
    if (halted !== null || !adapter.reconciled) return;
    for (const e of adapter.effects(durableSeq)) void perform(e);
  }

  async function poll(): Promise<void> {
    if (halted !== null || polling) return;
    polling = true;
    try {
      if (!adapter.reconciled) {
        // Before anything new is sent: adopt what Kite has for our tags, apply trades we missed
        const [orders, trades] = await Promise.all([client.orders(), client.trades()]);
        const { events, report } = adapter.reconcileStart(orders, trades, deps.nowMs());
        counts.reconciled += 1;
        log.info(
          { adopted: report.adopted.length, missing: report.missing.length, newTrades: report.newTrades.length, orphans: report.orphans.length, foreign: report.foreign.length },
          'zerodha reconciled with Kite',
        );
        if (events.length > 0) await deps.commit(events);
        kick();
        return;
      }
      if (adapter.liveIntents() === 0) return;
      // Orders first, then trades: a trade always finds its order's id already learnt
      const orders = await client.orders();
      const trades = await client.trades();
      counts.polls += 1;
      const now = deps.nowMs();
      const events = [...adapter.applyOrders(orders, now), ...adapter.applyTrades(trades, now)];
      if (events.length > 0) await deps.commit(events);
      lastPollError = null;
      kick();
    } catch (err) {
      counts.pollErrors += 1;
      lastPollError = isAppError(err) ? err.code : String(err);
    } finally {
      polling = false;
    }
  }

  // Order updates: the filled quantity Kite reported per order, until our fills catch up with it
  const fillsDue = new Map<string, number>();
  let fetching = false;
  let fetchAgain = false;

  async function fetchTrades(): Promise<void> {
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    try {
      for (let attempt = 0; halted === null && attempt <= TRADES_RETRIES; attempt++) {
        if (attempt > 0 && !fetchAgain) await new Promise<void>((r) => setTimeout(r, TRADES_RETRY_MS).unref());
        fetchAgain = false;
        counts.tradeFetches += 1;
        const trades = await client.trades();
        const events = adapter.applyTrades(trades, deps.nowMs());
        if (events.length > 0) await deps.commit(events);
        for (const [tag, qty] of fillsDue) if ((adapter.orderOf(tag)?.filledQty ?? Infinity) >= qty) fillsDue.delete(tag);
        if (fillsDue.size === 0 && !fetchAgain) return;
      }
    } catch (err) {
      counts.tradeFetchErrors += 1;
      if (isAppError(err)) deps.countError(err.code, { route: 'GET /trades', cause: 'order update' });
    } finally {
      fetching = false;
    }
    // An update that came during the last fetch still gets its own
    if (fetchAgain && halted === null) await fetchTrades();
  }

  async function onOrderUpdate(order: KiteOrder): Promise<void> {
    // Before the start-up reconciliation the poll owns every report; after a halt nothing is called
    if (halted !== null || !adapter.reconciled) {
      counts.updatesIgnored += 1;
      return;
    }
    counts.updates += 1;
    const { events, tradesDue, orderId } = adapter.applyOrderUpdate(order, deps.nowMs());
    if (events.length > 0) await deps.commit(events);
    if (tradesDue && orderId !== undefined) {
      fillsDue.set(orderId, Math.max(fillsDue.get(orderId) ?? 0, order.filledQuantity));
      await fetchTrades();
    }
    kick();
  }

  return {
    onOrderUpdate,
    onPhase(phase) {
      // snapshot() ran synchronously just before 'before-commit': every intent up to this seq is in the batch
      if (phase === 'before-commit') sealingSeq = adapter.lastIntentSeq;
      else if (phase === 'after-commit') {
        if (sealingSeq > durableSeq) durableSeq = sealingSeq;
        queueMicrotask(kick);
      }
    },
    poll,
    kick,
    health: () => {
      if (halted !== null) return { status: 'unhealthy', detail: halted };
      if (!adapter.reconciled) return { status: 'degraded', detail: `zerodha: not reconciled with Kite yet${lastPollError === null ? '' : ` (${lastPollError})`}` };
      if (lastPollError !== null) return { status: 'degraded', detail: `zerodha: polling Kite fails (${lastPollError})` };
      const unapplied = adapter.unappliedTrades();
      if (unapplied.length > 0) return { status: 'degraded', detail: `zerodha: ${unapplied.length} Kite trade(s) of our orders could not be applied (first ${unapplied[0]}); compare with Kite's positions` };
      return { status: 'healthy' };
    },
    snapshot: () => ({ ...counts, unappliedTrades: adapter.unappliedTrades().length, inFlight, halted, reconciled: adapter.reconciled, liveIntents: adapter.liveIntents(), durableSeq, lastPollError }),
    tokenExpired() {
      if (halted !== null) return;
      halted = 'ERR_KITE_TOKEN: zerodha halted, Kite refused the session (expired at 06:00 IST, revoked, or missing); no order is sent. Run npm run login, then restart';
      log.error({ code: 'ERR_KITE_TOKEN' }, 'zerodha halted: Kite session is no longer valid; paper trading continues');
    },
  };
}
