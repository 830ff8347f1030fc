// The zerodha venue: the pure half of trading through Kite Connect. PURE, no I/O, JSON state.
// Kite matches orders itself, so this venue does not model an exchange the way the paper broker does:
// it turns validated signals into local intents plus EFFECTS for the actor shell to perform, and folds
// what Kite reports back (placement answers, order states, trades) into our order records and fills.
//
// Flow (README "Trading live with Zerodha"):
//   submit(signal)      → order `Submitted` (orderId = orderTag(signalKey)) + intent {tag, params};
//                         the intent is part of exportState(), so it is persisted in the SAME LMDB
//                         commit as the order: the PlaceOrder effect cannot be lost, nor invented.
//   effects()           → PlaceOrder for intents not yet sent, CancelOrder / ModifyOrder for requested
//                         cancels and modifies; none before reconcileStart() (after a restart nothing
//                         is sent before reconciling).
//   modify(orderId, change) → a modify request on the intent (committed like a cancel, sent after the
//                         commit); our order's qty/prices change only when Kite reports them.
//   placed/placeFailed  → the answer of a placement; a failure with an unknown outcome (timeout,
//                         network) is NEVER re-sent in this process: the next poll adopts it by tag, or
//                         after UNKNOWN_GIVE_UP_POLLS polls without it the order is rejected locally.
//   applyOrderUpdate(one KiteTicker `order` message) → the same fold as a poll for one order, without
//                         counting towards giving up an unknown placement; it never makes a fill: it
//                         says whether Kite now reports more filled than we have (fetch the trades).
//   applyOrders(GET /orders), applyTrades(GET /trades) → order transitions and fills. A Kite trade
//                         enters the fill log exactly once: its trade_id is remembered in the state
//                         committed with the fill.
//   reconcileStart(orders, trades) → reconcile() (src/kite/rest/reconcile.ts): adopts what Kite has,
//                         applies new trades, and only `missing` intents become sendable again.
// Invariants: one intent and one order per tag; an intent is sent at most once per process, and a
// second time only when a start-up reconciliation proved Kite has no order with its tag.
import { appError, err, isAppError, ok, type ErrorCode, type Result } from '../../errors.js';
import { describeTradability } from '../../domain/instruments/index.js';
import { paperError } from '../../domain/paper/events.js';
import { applyOrderEvent, applyOrderFill, createOrder, type OrderRecord } from '../../domain/order/order.js';
import { isTerminal, type OrderEventType } from '../../domain/order/status.js';
import { signalKey } from '../../domain/order/ids.js';
import type { Fill, Paise } from '../../domain/types.js';
import { orderStatusOf, reconcile, type Reconciliation } from '../../kite/rest/reconcile.js';
import { KITE_TERMINAL_STATUSES } from '../../kite/rest/types.js';
import { orderTag } from '../../kite/rest/tag.js';
import type { KiteOrder, KiteOrderType, KiteProduct, KiteTrade, ModifyOrderParams, PlaceOrderParams } from '../../kite/rest/types.js';
import type { AdapterError, AdapterEvent, AdapterSubmit, BrokerAdapter } from './adapter.js';
import type { OrderChange } from '../../protocol/trading.js';

/** What the venue needs to know of an instrument to name it to Kite. */
export interface ZerodhaInstrument {
  readonly exchange: string;
  readonly tradingsymbol: string;
}

export interface ZerodhaVenueConfig {
  /** Registry instruments by token (the engine reads them once from LMDB). */
  readonly instruments: ReadonlyMap<number, ZerodhaInstrument>;
  /** Kite product of every order (MIS intraday by default). */
  readonly product?: KiteProduct;
}

/** Where an intent stands with Kite. */
export type IntentState = 'pending' | 'sent' | 'placed' | 'unknown' | 'done';

export interface ZerodhaIntent {
  readonly tag: string;
  readonly params: PlaceOrderParams;
  /** Kite's order id once known (placement answer or reconciliation). */
  readonly kiteOrderId: string | null;
  readonly state: IntentState;
  /** Creation order (1, 2, ...): the shell performs an intent only once a commit covered its seq. */
  readonly seq: number;
  /** Polls completed since an unknown outcome (state 'unknown' only). */
  readonly unknownPolls: number;
  /** A cancel was requested and not yet sent. */
  readonly cancelRequested: boolean;
  /** A modify was requested and not yet sent (absent in states written before modify existed). */
  readonly modifyRequested?: OrderChange | null;
  /** A modify was sent and Kite has not reported the changed order yet. */
  readonly modifySent?: boolean;
}


export interface ZerodhaState {
  readonly v: 1;
  readonly orders: Readonly<Record<string, OrderRecord>>;
  readonly intents: Readonly<Record<string, ZerodhaIntent>>;
  /** [Kite trade id, our order id] of every trade already in the fill log; trimmed at the session end
   *  with the finished orders (a live order keeps its trades: Kite lists them until the day ends). */
  readonly appliedTrades: readonly (readonly [string, string])[];
  readonly nextFillSeq: number;
  readonly lastIntentSeq: number;
}

/** How a placement call ended, when it did not return an order id. */
export type PlaceOutcome =
  /** Kite refused it: no order exists. */
  | { readonly kind: 'rejected'; readonly error: AdapterError }
  /** Kite may have it (timeout, dropped connection, 5xx): only a reconciliation can tell. */
  | { readonly kind: 'unknown'; readonly error: AdapterError }
  /** Never reached Kite's OMS (breaker open, rate limited, refused before sending): may be sent again. */
  | { readonly kind: 'not-sent'; readonly error: AdapterError };

const NOT_SENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ERR_CIRCUIT_OPEN', 'ERR_KITE_RATE_LIMITED']);
const UNKNOWN: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ERR_KITE_TIMEOUT', 'ERR_KITE_NETWORK', 'ERR_KITE_DATA']);

/** Classifies a failed placement call (the KiteRestClient's thrown error). */
export function placeOutcome(e: unknown): PlaceOutcome {
  if (!isAppError(e)) return { kind: 'unknown', error: paperError('ERR_KITE_GENERAL', { errorType: 'unknown', status: 0, reason: String(e) }) };
  const error = paperError(e.code, e.detail);
  if (NOT_SENT.has(e.code)) return { kind: 'not-sent', error };
  const status = e.detail['status'];
  if (UNKNOWN.has(e.code) || (e.code === 'ERR_KITE_GENERAL' && (typeof status !== 'number' || status >= 500))) return { kind: 'unknown', error };
  return { kind: 'rejected', error };
}

/** An I/O request for the actor shell. */
export type ZerodhaEffect =
  | { readonly kind: 'place'; readonly tag: string; readonly params: PlaceOrderParams }
  | { readonly kind: 'cancel'; readonly tag: string; readonly kiteOrderId: string; readonly variety: NonNullable<PlaceOrderParams['variety']> }
  | { readonly kind: 'modify'; readonly tag: string; readonly params: ModifyOrderParams };

/** Polls after an unknown placement outcome before the order is given up locally as rejected. */
export const UNKNOWN_GIVE_UP_POLLS = 10;

export interface ZerodhaAdapter extends BrokerAdapter {
  readonly broker: 'zerodha';
  /** Effects to perform now: of intents with seq ≤ durableSeq (committed), none before reconcileStart. */
  effects(durableSeq: number): readonly ZerodhaEffect[];
  /** Seq of the newest intent. */
  readonly lastIntentSeq: number;
  /** The shell is performing `effect` (a placement is never handed out twice). */
  markSending(effect: ZerodhaEffect): void;
  /** Kite accepted the placement of `tag` as `kiteOrderId`. */
  placed(tag: string, kiteOrderId: string, ts: number): readonly AdapterEvent[];
  /** The placement of `tag` failed (see placeOutcome). */
  placeFailed(tag: string, outcome: PlaceOutcome, ts: number): readonly AdapterEvent[];
  /** A cancel call failed: the cancel may be requested again. */
  cancelFailed(tag: string): void;
  /** Requests a modify of a resting order (ERR_ORDER_UNKNOWN, ERR_ORDER_MODIFY_INVALID otherwise). */
  modify(orderId: string, change: OrderChange, ts: number): Result<readonly AdapterEvent[], AdapterError>;
  /** A modify call was refused or failed: nothing changed at Kite; the order stays as Kite reports it. */
  modifyFailed(tag: string): void;
  /** One order update (KiteTicker `order` message); tradesDue: Kite reports more filled than we have. */
  applyOrderUpdate(order: KiteOrder, ts: number): { readonly events: readonly AdapterEvent[]; readonly tradesDue: boolean; readonly orderId: string | undefined };
  /** Our record of an order (undefined when unknown or trimmed). */
  orderOf(orderId: string): OrderRecord | undefined;
  /** Folds Kite's latest order states (GET /orders, ticker order updates). */
  applyOrders(orders: readonly KiteOrder[], ts: number): readonly AdapterEvent[];
  /** Folds Kite's trades (GET /trades): every new trade of ours becomes one fill. */
  applyTrades(trades: readonly KiteTrade[], ts: number): readonly AdapterEvent[];
  /** Start-up reconciliation; afterwards effects() may hand out placements. */
  reconcileStart(orders: readonly KiteOrder[], trades: readonly KiteTrade[], ts: number): { readonly events: readonly AdapterEvent[]; readonly report: Reconciliation };
  readonly reconciled: boolean;
  /** Intents not finished (for the shell: whether polling is needed). */
  liveIntents(): number;
  /** Kite trades of our orders that could not become fills (e.g. a late trade of an order given up locally). */
  unappliedTrades(): readonly string[];
}

/** True for the adapter createZerodhaAdapter made (the engine shell needs its effect interface). */
export function isZerodhaAdapter(a: BrokerAdapter): a is ZerodhaAdapter {
  return a.broker === 'zerodha' && typeof (a as Partial<ZerodhaAdapter>).effects === 'function';
}

function asState(state: unknown): ZerodhaState | undefined {
  if (state === undefined || state === null) return undefined;
  const v = typeof state === 'object' ? (state as { v?: unknown }).v : undefined;
  if (v !== 1) throw appError('ERR_STORE_SCHEMA', { key: 'engine/zerodha', version: String(v), expected: 1 });
  return state as ZerodhaState;
}

/** Kite's IST wall-clock stamp "YYYY-MM-DD HH:MM:SS" as epoch ms; undefined when unparsable. */
export function kiteTimestampMs(s: string | null): number | undefined {
  if (s === null) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (m === null) return undefined;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  // IST is UTC+05:30 all year (no daylight saving)
  return utc - 330 * 60_000;
}

type Plan = { readonly ok: true; readonly type: OrderRecord['type']; readonly kite: KiteOrderType; readonly price: Paise | null; readonly trigger: Paise | null } | { readonly ok: false; readonly reason: string };

/** Our order instructions as a Kite order type with prices (minor units). */
function planKiteOrder(input: AdapterSubmit): Plan {
  const o = input.signal.order;
  const type = o.orderType ?? 'market';
  const limit = o.limitPrice ?? (input.validatedPrice > 0 ? input.validatedPrice : undefined);
  switch (type) {
    case 'market':
      return { ok: true, type, kite: 'MARKET', price: null, trigger: null };
    case 'limit':
      return limit === undefined ? { ok: false, reason: 'a limit order needs a limit price' } : { ok: true, type, kite: 'LIMIT', price: limit, trigger: null };
    case 'stop':
      return o.stopPrice === undefined ? { ok: false, reason: 'a stop order needs a stop price' } : { ok: true, type, kite: 'SL-M', price: null, trigger: o.stopPrice };
    case 'stop_limit':
      return o.stopPrice === undefined || limit === undefined
        ? { ok: false, reason: 'a stop-limit order needs stop and limit prices' }
        : { ok: true, type, kite: 'SL', price: limit, trigger: o.stopPrice };
  }
}

/** Creates the zerodha venue, restoring `state` (undefined = fresh). */
export function createZerodhaAdapter(config: ZerodhaVenueConfig, state: unknown): ZerodhaAdapter {
  const restored = asState(state);
  const orders = new Map<string, OrderRecord>(Object.entries(restored?.orders ?? {}));
  const intents = new Map<string, ZerodhaIntent>(Object.entries(restored?.intents ?? {}));
  const applied = new Map<string, string>(restored?.appliedTrades ?? []);
  let nextFillSeq = restored?.nextFillSeq ?? 1;
  let lastIntentSeq = restored?.lastIntentSeq ?? 0;
  // Not persisted: every process reconciles before it sends (a restored 'sent' intent is unknown)
  let reconciled = false;
  // Not persisted: a report for the operator; the trades stay in Kite's list, so it is rebuilt by polls
  const unapplied = new Set<string>();
  const product = config.product ?? 'MIS';

  const setIntent = (tag: string, patch: Partial<ZerodhaIntent>): void => {
    const cur = intents.get(tag);
    if (cur !== undefined) intents.set(tag, { ...cur, ...patch });
  };

  /** Moves order `tag` by `event`; an impossible transition (stale report) is ignored. */
  function move(tag: string, event: Exclude<OrderEventType, 'fill' | 'partial-fill'>, ts: number, out: AdapterEvent[], error?: AdapterError): void {
    const cur = orders.get(tag);
    if (cur === undefined) return;
    const r = applyOrderEvent(cur, event, ts, error === undefined ? undefined : `${error.code}: ${error.message}`);
    if (!r.ok) return;
    const o = r.value;
    orders.set(tag, o);
    if (isTerminal(o.status)) setIntent(tag, { state: 'done', cancelRequested: false });
    switch (event) {
      case 'accept':
        out.push({ type: 'order-accepted', order: o });
        return;
      case 'trigger':
        out.push({ type: 'order-triggered', order: o });
        return;
      case 'cancel':
        out.push({ type: 'order-canceled', order: o, error: error ?? null });
        return;
      case 'reject':
        out.push({ type: 'order-rejected', order: o, error: error ?? paperError('ERR_KITE_ORDER', { status: 200, reason: 'rejected' }) });
        return;
      case 'expire':
        out.push({ type: 'order-expired', order: o, error: error ?? paperError('ERR_KITE_ORDER', { status: 200, reason: 'expired' }) });
        return;
      case 'submit':
        out.push({ type: 'order-submitted', order: o });
        return;
    }
  }

  function tagOfKiteOrder(kiteOrderId: string): string | undefined {
    for (const [tag, i] of intents) if (i.kiteOrderId === kiteOrderId) return tag;
    return undefined;
  }

  function foldOrder(k: KiteOrder, ts: number, out: AdapterEvent[]): void {
    const tag = k.tag !== null && intents.has(k.tag) ? k.tag : tagOfKiteOrder(k.orderId);
    if (tag === undefined) return;
    const intent = intents.get(tag)!;
    if (intent.kiteOrderId !== k.orderId || intent.state === 'sent' || intent.state === 'unknown' || intent.state === 'pending') {
      setIntent(tag, { kiteOrderId: k.orderId, state: intent.state === 'done' ? 'done' : 'placed', unknownPolls: 0 });
    }
    const cur0 = orders.get(tag);
    if (cur0 === undefined) return;
    // Before the status: a postback of a modify says UPDATE, which has no order status of ours
    const cur = foldModify(tag, cur0, k, ts, out);
    const status = orderStatusOf(k);
    if (status === undefined) return;
    const why = k.statusMessage ?? k.status;
    switch (status) {
      case 'Accepted':
      case 'PartiallyFilled':
        if (cur.status === 'Submitted') move(tag, 'accept', ts, out);
        return;
      case 'Triggered':
        if (cur.status === 'Submitted' || cur.status === 'Accepted') move(tag, 'trigger', ts, out);
        return;
      case 'Canceled':
        // Fills first (trades are folded after orders in the same poll): cancel only what is left
        if (cur.filledQty < cur.qty && k.filledQuantity <= cur.filledQty) move(tag, 'cancel', ts, out, k.statusMessage === null ? undefined : paperError('ERR_KITE_ORDER', { status: 200, reason: why }));
        return;
      case 'Rejected':
        move(tag, 'reject', ts, out, paperError('ERR_KITE_ORDER', { status: 200, reason: why }));
        return;
      case 'Filled':
      case 'Submitted':
      case 'Initialized':
      case 'Expired':
        // Filled is decided by the trades (quantities must add up), the rest by later states
        return;
    }
  }

  /**
   * After a modify we sent, Kite's quantity and prices of the resting order are the truth once it
   * reports them: the record takes them and 'order-modified' is emitted. Without a modify of ours in
   * flight Kite's values are not taken (a modify made in Kite's own UI is not followed). Prices a Kite
   * order type does not use (0 for a MARKET price) are not compared.
   */
  function foldModify(tag: string, cur: OrderRecord, k: KiteOrder, ts: number, out: AdapterEvent[]): OrderRecord {
    if (intents.get(tag)?.modifySent !== true) return cur;
    if (isTerminal(cur.status) || k.quantity < cur.filledQty || KITE_TERMINAL_STATUSES.has(k.status)) return cur;
    const limitPrice = cur.limitPrice !== null && k.price > 0 ? k.price : cur.limitPrice;
    const stopPrice = cur.stopPrice !== null && k.triggerPrice > 0 ? k.triggerPrice : cur.stopPrice;
    if (k.quantity === cur.qty && limitPrice === cur.limitPrice && stopPrice === cur.stopPrice) return cur;
    const next: OrderRecord = { ...cur, qty: k.quantity, limitPrice, stopPrice, updatedTs: ts };
    orders.set(tag, next);
    setIntent(tag, { modifySent: false });
    out.push({ type: 'order-modified', order: next });
    return next;
  }

  function foldTrade(t: KiteTrade, ts: number, out: AdapterEvent[]): void {
    if (applied.has(t.tradeId)) return;
    const tag = tagOfKiteOrder(t.orderId);
    if (tag === undefined) return;
    const cur = orders.get(tag);
    if (cur === undefined) return;
    const fillTs = kiteTimestampMs(t.fillTimestamp) ?? kiteTimestampMs(t.exchangeTimestamp) ?? ts;
    const r = applyOrderFill(cur, t.quantity, t.averagePrice, 0, ts);
    if (!r.ok) {
      // Our order cannot take it (given up as rejected, or an overfill): never invent a fill, report it
      unapplied.add(t.tradeId);
      return;
    }
    applied.set(t.tradeId, tag);
    // Kite's trades carry no charges: fees are 0 here (contract-note charges are not modelled)
    const fill: Fill = {
      tradeId: t.tradeId,
      orderId: tag,
      broker: 'zerodha',
      strategyId: cur.strategyId,
      token: cur.token,
      side: cur.side,
      quantity: t.quantity,
      price: t.averagePrice,
      fees: 0,
      ts: fillTs,
      fillSeq: nextFillSeq++,
    };
    orders.set(tag, r.value);
    out.push({ type: 'fill', fill });
    out.push({ type: r.value.status === 'Filled' ? 'order-filled' : 'order-partially-filled', order: r.value });
    if (isTerminal(r.value.status)) setIntent(tag, { state: 'done', cancelRequested: false });
  }

  const adapter: ZerodhaAdapter = {
    broker: 'zerodha',
    get reconciled() {
      return reconciled;
    },
    get lastIntentSeq() {
      return lastIntentSeq;
    },
    submit(input: AdapterSubmit, nowMs: number): Result<readonly AdapterEvent[], AdapterError> {
      const s = input.signal;
      const key = signalKey(s);
      const tag = orderTag(key);
      if (orders.has(tag)) return err(paperError('ERR_ORDER_DUPLICATE', { orderId: tag, signalKey: key }));
      const plan = planKiteOrder(input);
      const tif = s.order.tif ?? 'DAY';
      const order = createOrder(
        {
          orderId: tag,
          clientOrderId: tag,
          broker: 'zerodha',
          strategyId: s.strategyId,
          token: s.token,
          side: s.side,
          type: plan.ok ? plan.type : (s.order.orderType ?? 'market'),
          tif,
          qty: input.validatedQty,
          limitPrice: plan.ok ? plan.price : null,
          stopPrice: plan.ok ? plan.trigger : null,
          signalKey: key,
          parentOrderId: null,
          ...(s.tickSeq !== undefined ? { tickSeq: s.tickSeq } : {}),
        },
        nowMs,
      );
      orders.set(tag, order);
      const out: AdapterEvent[] = [];
      const instrument = config.instruments.get(s.token);
      const refuse = (error: AdapterError): Result<readonly AdapterEvent[], AdapterError> => {
        // Refused before anything is sent: the order is recorded as rejected, no intent, no effect
        const r = applyOrderEvent(order, 'reject', nowMs, `${error.code}: ${error.message}`);
        if (r.ok) {
          orders.set(tag, r.value);
          out.push({ type: 'order-rejected', order: r.value, error });
        }
        return ok(out);
      };
      if (input.notTradable !== undefined) return refuse(paperError('ERR_PAPER_NOT_TRADABLE', { token: s.token, reason: describeTradability(input.notTradable), problem: input.notTradable }));
      if (instrument === undefined) return refuse(paperError('ERR_KITE_BAD_ARGUMENT', { route: 'POST /orders/{variety}', reason: `instrument ${s.token} is not in the registry` }));
      if (!plan.ok) return refuse(paperError('ERR_KITE_BAD_ARGUMENT', { route: 'POST /orders/{variety}', reason: plan.reason }));
      if (tif === 'FOK') return refuse(paperError('ERR_KITE_BAD_ARGUMENT', { route: 'POST /orders/{variety}', reason: 'Kite has no FOK validity' }));
      if (!Number.isSafeInteger(input.validatedQty) || input.validatedQty < 1) {
        return refuse(paperError('ERR_KITE_BAD_ARGUMENT', { route: 'POST /orders/{variety}', reason: `quantity ${input.validatedQty}` }));
      }
      const params: PlaceOrderParams = {
        variety: 'regular',
        exchange: instrument.exchange,
        tradingsymbol: instrument.tradingsymbol,
        transactionType: s.side,
        orderType: plan.kite,
        quantity: input.validatedQty,
        product,
        validity: tif,
        ...(plan.price !== null ? { price: plan.price } : {}),
        ...(plan.trigger !== null ? { triggerPrice: plan.trigger } : {}),
        tag,
      };
      lastIntentSeq += 1;
      intents.set(tag, { tag, params, kiteOrderId: null, state: 'pending', seq: lastIntentSeq, unknownPolls: 0, cancelRequested: false });
      move(tag, 'submit', nowMs, out);
      return ok(out);
    },
    // Kite matches orders and expires DAY orders itself; ticks and session ends change nothing here
    onTick: () => [],
    endOfDay() {
      // Session end: forget finished orders' trade ids and records (their fills are in the fill log)
      for (const [tag, o] of orders) {
        if (isTerminal(o.status)) {
          orders.delete(tag);
          intents.delete(tag);
        }
      }
      for (const [tradeId, tag] of applied) if (!orders.has(tag)) applied.delete(tradeId);
      return [];
    },
    cancel(orderId, _ts) {
      const o = orders.get(orderId);
      const i = intents.get(orderId);
      if (o === undefined || i === undefined || isTerminal(o.status)) return err(paperError('ERR_ORDER_UNKNOWN', { orderId }));
      setIntent(orderId, { cancelRequested: true });
      return ok([]);
    },
    exportState: (): ZerodhaState => ({
      v: 1,
      orders: Object.fromEntries(orders),
      intents: Object.fromEntries(intents),
      appliedTrades: [...applied],
      nextFillSeq,
      lastIntentSeq,
    }),
    openOrders: () => [...orders.values()].filter((o) => !isTerminal(o.status)),
    effects(durableSeq) {
      if (!reconciled) return [];
      const out: ZerodhaEffect[] = [];
      for (const i of intents.values()) {
        if (i.state === 'pending' && i.seq <= durableSeq) out.push({ kind: 'place', tag: i.tag, params: i.params });
        else if (i.cancelRequested && i.kiteOrderId !== null && i.state === 'placed') out.push({ kind: 'cancel', tag: i.tag, kiteOrderId: i.kiteOrderId, variety: i.params.variety ?? 'regular' });
        else if (i.modifyRequested != null && i.kiteOrderId !== null && i.state === 'placed' && i.seq <= durableSeq) {
          const m = i.modifyRequested;
          out.push({
            kind: 'modify',
            tag: i.tag,
            params: {
              variety: i.params.variety ?? 'regular',
              orderId: i.kiteOrderId,
              exchange: i.params.exchange,
              orderType: i.params.orderType,
              ...(m.quantity !== undefined ? { quantity: m.quantity } : {}),
              ...(m.price !== undefined ? { price: m.price } : {}),
              ...(m.triggerPrice !== undefined ? { triggerPrice: m.triggerPrice } : {}),
            },
          });
        }
      }
      return out;
    },
    markSending(effect) {
      if (effect.kind === 'place') setIntent(effect.tag, { state: 'sent' });
      else if (effect.kind === 'cancel') setIntent(effect.tag, { cancelRequested: false });
      else setIntent(effect.tag, { modifyRequested: null, modifySent: true });
    },
    placed(tag, kiteOrderId, ts) {
      const i = intents.get(tag);
      if (i === undefined) return [];
      if (i.state !== 'done') setIntent(tag, { kiteOrderId, state: 'placed', unknownPolls: 0 });
      const out: AdapterEvent[] = [];
      if (orders.get(tag)?.status === 'Submitted') move(tag, 'accept', ts, out);
      return out;
    },
    placeFailed(tag, outcome, ts) {
      const i = intents.get(tag);
      if (i === undefined || i.state === 'done' || i.state === 'placed') return [];
      if (outcome.kind === 'unknown') {
        setIntent(tag, { state: 'unknown', unknownPolls: 0 });
        return [];
      }
      if (outcome.kind === 'not-sent') {
        setIntent(tag, { state: 'pending' });
        return [];
      }
      const out: AdapterEvent[] = [];
      move(tag, 'reject', ts, out, outcome.error);
      return out;
    },
    cancelFailed(tag) {
      const i = intents.get(tag);
      if (i !== undefined && i.state === 'placed') setIntent(tag, { cancelRequested: true });
    },
    modify(orderId: string, change: OrderChange, _ts: number): Result<readonly AdapterEvent[], AdapterError> {
      const o = orders.get(orderId);
      const i = intents.get(orderId);
      if (o === undefined || i === undefined || isTerminal(o.status) || i.state === 'done') return err(paperError('ERR_ORDER_UNKNOWN', { orderId }));
      const invalid = (reason: string): Result<readonly AdapterEvent[], AdapterError> => err(paperError('ERR_ORDER_MODIFY_INVALID', { orderId, reason }));
      const { quantity, price, triggerPrice } = change;
      if (quantity === undefined && price === undefined && triggerPrice === undefined) return invalid('nothing to change: give quantity, price or triggerPrice');
      if (quantity !== undefined && (!Number.isSafeInteger(quantity) || quantity <= o.filledQty)) return invalid(`quantity ${quantity} must be an integer above the filled ${o.filledQty}`);
      const kind = i.params.orderType;
      if (price !== undefined && (!Number.isSafeInteger(price) || price <= 0)) return invalid(`price ${price} must be a positive integer (paise)`);
      if (price !== undefined && kind !== 'LIMIT' && kind !== 'SL') return invalid(`a ${kind} order has no price`);
      if (triggerPrice !== undefined && (!Number.isSafeInteger(triggerPrice) || triggerPrice <= 0)) return invalid(`triggerPrice ${triggerPrice} must be a positive integer (paise)`);
      if (triggerPrice !== undefined && kind !== 'SL' && kind !== 'SL-M') return invalid(`a ${kind} order has no trigger price`);
      if (i.cancelRequested) return invalid('a cancel is pending');
      // A later request replaces one not yet sent; it is sent after the commit that holds it (seq)
      lastIntentSeq += 1;
      intents.set(orderId, { ...i, seq: lastIntentSeq, modifyRequested: { ...(i.modifyRequested ?? {}), ...change } });
      return ok([]);
    },
    modifyFailed(tag) {
      setIntent(tag, { modifyRequested: null, modifySent: false });
    },
    applyOrderUpdate(k, ts) {
      const out: AdapterEvent[] = [];
      foldOrder(k, ts, out);
      const tag = k.tag !== null && intents.has(k.tag) ? k.tag : tagOfKiteOrder(k.orderId);
      const cur = tag === undefined ? undefined : orders.get(tag);
      return { events: out, tradesDue: cur !== undefined && k.filledQuantity > cur.filledQty, orderId: tag };
    },
    orderOf: (orderId) => orders.get(orderId),
    applyOrders(kiteOrders, ts) {
      const out: AdapterEvent[] = [];
      for (const k of kiteOrders) foldOrder(k, ts, out);
      // A poll that still does not show an unknown placement counts towards giving it up
      for (const [tag, i] of intents) {
        if (i.state !== 'unknown') continue;
        if (i.unknownPolls + 1 >= UNKNOWN_GIVE_UP_POLLS) {
          move(tag, 'reject', ts, out, paperError('ERR_KITE_ORDER', { status: 0, reason: `placement outcome unknown and Kite shows no order tagged ${tag} after ${UNKNOWN_GIVE_UP_POLLS} polls` }));
        } else setIntent(tag, { unknownPolls: i.unknownPolls + 1 });
      }
      return out;
    },
    applyTrades(trades, ts) {
      const out: AdapterEvent[] = [];
      for (const t of trades) foldTrade(t, ts, out);
      return out;
    },
    reconcileStart(kiteOrders, trades, ts) {
      const live = [...intents.values()].filter((i) => i.state !== 'done').map((i) => (i.kiteOrderId === null ? { tag: i.tag } : { tag: i.tag, orderId: i.kiteOrderId }));
      const report = reconcile(live, kiteOrders, trades, new Set(applied.keys()));
      const out: AdapterEvent[] = [];
      for (const a of report.adopted) foldOrder(a.order, ts, out);
      for (const t of report.newTrades) foldTrade(t, ts, out);
      // Only what Kite provably does not have may be sent again
      for (const m of report.missing) setIntent(m.tag, { state: 'pending', unknownPolls: 0 });
      reconciled = true;
      return { events: out, report };
    },
    liveIntents: () => [...intents.values()].filter((i) => i.state !== 'done').length,
    unappliedTrades: () => [...unapplied],
  };
  return adapter;
}
