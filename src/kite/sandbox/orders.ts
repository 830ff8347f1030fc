// The Kite sandbox's order book: validation, the OMS status sequence, matching against prices, fills
// (trades), positions, and the wire shapes Kite answers with (kite-connect reference §1.5–1.7).
// Deterministic: ids are counters, time comes from the injected clock, prices from onPrice().
// Matching rules (a simulation, not an exchange):
//   MARKET           fills on the NEXT price of its instrument, at that price
//   LIMIT            BUY fills when price <= limit, SELL when price >= limit, at the tick price
//   SL / SL-M        BUY triggers when price >= trigger (SELL: <=); SL then rests as its limit, SL-M fills
//                    as a market order at the triggering price
//   IOC              whatever the first price after placement does not fill is cancelled
//   partial fills    at most `partialFillQty` per order per price (unset: the whole remainder)
// Invariants: filled + pending + cancelled = quantity; a terminal order (COMPLETE, CANCELLED,
// REJECTED) never changes; every fill is one trade; positions are a fold of the trades.
import { postbackChecksum } from '../rest/checksum.js';
import type { Clock } from '../../runtime/clock.js';
import { divisorForExchange, type Instrument } from '../../domain/instruments/instrument.js';
import { decimalsOf, minorToRupees } from '../rest/money.js';

/** A placement as parsed from the form (prices already in minor units). */
export interface SandboxOrderRequest {
  readonly variety: string;
  readonly exchange: string;
  readonly tradingsymbol: string;
  readonly transactionType: 'BUY' | 'SELL';
  readonly orderType: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  readonly quantity: number;
  readonly product: string;
  readonly validity: 'DAY' | 'IOC';
  readonly price: number;
  readonly triggerPrice: number;
  readonly disclosedQuantity: number;
  readonly tag: string | null;
}

export interface SandboxModify {
  readonly orderType?: SandboxOrderRequest['orderType'];
  readonly quantity?: number;
  readonly price?: number;
  readonly triggerPrice?: number;
  readonly validity?: SandboxOrderRequest['validity'];
}

/** A refusal the server turns into Kite's error envelope. */
export interface SandboxRefusal {
  readonly httpStatus: number;
  readonly errorType: string;
  readonly message: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: SandboxRefusal };

interface Order {
  readonly id: string;
  readonly exchangeOrderId: string;
  readonly instrument: Instrument;
  req: SandboxOrderRequest;
  status: string;
  statusMessage: string | null;
  filled: number;
  cancelled: number;
  /** Σ price × qty of fills, minor units. */
  fillValue: number;
  triggered: boolean;
  /** Set at placement; the first price after it is this order's "next price". */
  awaitingFirstPrice: boolean;
  readonly placedAt: string;
  updatedAt: string;
  modified: boolean;
  readonly history: Record<string, unknown>[];
}

interface Trade {
  readonly tradeId: string;
  readonly order: Order;
  readonly quantity: number;
  readonly price: number;
  readonly at: string;
}

export interface OrderBookOptions {
  readonly instruments: readonly Instrument[];
  readonly clock: Clock;
  readonly lastPrice: (token: number) => number | undefined;
  /** Largest quantity one price fills per order; unset = no partial fills. */
  readonly partialFillQty?: number;
  readonly userId?: string;
  /** Called after every order change with the order's wire object (for the ticker's order updates). */
  readonly onOrderUpdate?: (order: Record<string, unknown>) => void;
}

const TERMINAL = new Set(['COMPLETE', 'CANCELLED', 'REJECTED']);
const refuse = <T>(httpStatus: number, errorType: string, message: string): Outcome<T> => ({ ok: false, refusal: { httpStatus, errorType, message } });
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** The states Kite sends postbacks (and ticker `order` messages) for; interim OMS states are not sent. */
export const POSTBACK_STATUSES: ReadonlySet<string> = new Set(['OPEN', 'TRIGGER PENDING', 'COMPLETE', 'CANCELLED', 'REJECTED']);

/**
 * An order's wire object as a postback (kite-connect reference §2.5): the order fields plus user_id,
 * unfilled_quantity, app_id and checksum = sha256(order_id + order_timestamp + api_secret). Undefined
 * for a state Kite sends no postback for. The sandbox sends the order's own status (OPEN after a
 * partial fill or a modify, where Kite's postback says UPDATE); a consumer must handle both.
 */
export function orderPostback(wire: Readonly<Record<string, unknown>>, appId: string, apiSecret: string): Record<string, unknown> | undefined {
  if (typeof wire['status'] !== 'string' || !POSTBACK_STATUSES.has(wire['status'])) return undefined;
  const orderId = String(wire['order_id']);
  const placedAt = typeof wire['order_timestamp'] === 'string' ? wire['order_timestamp'] : '';
  return {
    ...wire,
    user_id: wire['placed_by'],
    unfilled_quantity: wire['pending_quantity'],
    app_id: appId,
    checksum: postbackChecksum(orderId, placedAt, apiSecret),
  };
}

/** Kite's timestamp format, in IST. */
export function istTimestamp(epochMs: number): string {
  return new Date(epochMs + 19_800_000).toISOString().slice(0, 19).replace('T', ' ');
}

export class SandboxOrderBook {
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly orders = new Map<string, Order>();
  /** Non-terminal orders per instrument token, in placement order: a price touches only these. */
  private readonly working = new Map<number, Set<Order>>();
  private readonly tradeList: Trade[] = [];
  private nextOrder = 1;
  private nextTrade = 1;
  partialFillQty: number | undefined;

  constructor(private readonly opts: OrderBookOptions) {
    for (const i of opts.instruments) this.bySymbol.set(`${i.exchange}:${i.tradingsymbol}`, i);
    this.partialFillQty = opts.partialFillQty;
  }

  instrument(exchange: string, tradingsymbol: string): Instrument | undefined {
    return this.bySymbol.get(`${exchange}:${tradingsymbol}`);
  }

  /** Validates and accepts an order; a business refusal after acceptance is status REJECTED, like the OMS. */
  place(req: SandboxOrderRequest): Outcome<string> {
    const inst = this.instrument(req.exchange, req.tradingsymbol);
    if (inst === undefined) return refuse(400, 'InputException', `Invalid \`tradingsymbol\` ${req.exchange}:${req.tradingsymbol}.`);
    if (!inst.tradable) return refuse(400, 'InputException', `${req.tradingsymbol} is an index and cannot be traded.`);
    const shape = checkPrices(req.orderType, req.price, req.triggerPrice);
    if (shape !== undefined) return refuse(400, 'InputException', shape);
    const now = istTimestamp(this.opts.clock.nowMs());
    const seq = this.nextOrder++;
    const order: Order = {
      id: String(260_000_000_000_000 + seq),
      exchangeOrderId: String(1_100_000_000_000_000 + seq),
      instrument: inst,
      req,
      status: 'PUT ORDER REQ RECEIVED',
      statusMessage: null,
      filled: 0,
      cancelled: 0,
      fillValue: 0,
      triggered: false,
      awaitingFirstPrice: true,
      placedAt: now,
      updatedAt: now,
      modified: false,
      history: [],
    };
    this.orders.set(order.id, order);
    this.record(order, 'PUT ORDER REQ RECEIVED');
    this.record(order, 'VALIDATION PENDING');
    if (req.quantity % inst.lotSize !== 0) {
      order.cancelled = 0;
      this.record(order, 'REJECTED', `RMS:Rule: quantity ${req.quantity} is not a multiple of the lot size ${inst.lotSize}`);
      return ok(order.id);
    }
    const tick = inst.tickSize;
    if ((req.price > 0 && req.price % tick !== 0) || (req.triggerPrice > 0 && req.triggerPrice % tick !== 0)) {
      this.record(order, 'REJECTED', `Tick size for this script is ${minorToRupees(tick, decimalsOf(divisorForExchange(inst.exchange)))}. Kindly enter a price in multiples of the tick size.`);
      return ok(order.id);
    }
    this.record(order, 'OPEN PENDING');
    this.record(order, req.orderType === 'SL' || req.orderType === 'SL-M' ? 'TRIGGER PENDING' : 'OPEN');
    return ok(order.id);
  }

  modify(id: string, m: SandboxModify): Outcome<string> {
    const order = this.orders.get(id);
    if (order === undefined) return refuse(400, 'InputException', `Couldn't find that \`order_id\`.`);
    if (TERMINAL.has(order.status)) return refuse(400, 'InputException', `Order cannot be modified as it is ${order.status.toLowerCase()}.`);
    const next: SandboxOrderRequest = {
      ...order.req,
      ...(m.orderType !== undefined ? { orderType: m.orderType } : {}),
      ...(m.quantity !== undefined ? { quantity: m.quantity } : {}),
      ...(m.validity !== undefined ? { validity: m.validity } : {}),
      ...(m.price !== undefined ? { price: m.price } : {}),
      ...(m.triggerPrice !== undefined ? { triggerPrice: m.triggerPrice } : {}),
    };
    // Fields an order type does not take are dropped, as the OMS does on a type change
    const cleaned: SandboxOrderRequest = {
      ...next,
      price: next.orderType === 'LIMIT' || next.orderType === 'SL' ? next.price : 0,
      triggerPrice: next.orderType === 'SL' || next.orderType === 'SL-M' ? next.triggerPrice : 0,
    };
    const shape = checkPrices(cleaned.orderType, cleaned.price, cleaned.triggerPrice);
    if (shape !== undefined) return refuse(400, 'InputException', shape);
    if (cleaned.quantity <= order.filled) return refuse(400, 'InputException', `Quantity must exceed the filled quantity ${order.filled}.`);
    if (cleaned.quantity % order.instrument.lotSize !== 0) return refuse(400, 'InputException', `Quantity should be a multiple of the lot size ${order.instrument.lotSize}.`);
    this.record(order, 'MODIFY VALIDATION PENDING');
    this.record(order, 'MODIFY PENDING');
    order.req = cleaned;
    order.modified = true;
    if (!(cleaned.orderType === 'SL' || cleaned.orderType === 'SL-M')) order.triggered = false;
    this.record(order, 'MODIFIED');
    this.record(order, cleaned.orderType === 'SL' || cleaned.orderType === 'SL-M' ? (order.triggered ? 'OPEN' : 'TRIGGER PENDING') : 'OPEN');
    return ok(order.id);
  }

  cancel(id: string): Outcome<string> {
    const order = this.orders.get(id);
    if (order === undefined) return refuse(400, 'InputException', `Couldn't find that \`order_id\`.`);
    if (TERMINAL.has(order.status)) return refuse(400, 'InputException', `Order cannot be cancelled as it is ${order.status.toLowerCase()}.`);
    this.record(order, 'CANCEL PENDING');
    order.cancelled = order.req.quantity - order.filled;
    this.record(order, 'CANCELLED');
    return ok(order.id);
  }

  /** A new price of `token`: matches every working order of that instrument, oldest first. */
  onPrice(token: number, price: number): void {
    const live = this.working.get(token);
    if (live === undefined) return;
    for (const order of [...live]) {
      const first = order.awaitingFirstPrice;
      order.awaitingFirstPrice = false;
      this.match(order, price);
      if (first && order.req.validity === 'IOC' && !TERMINAL.has(order.status)) {
        order.cancelled = order.req.quantity - order.filled;
        this.record(order, 'CANCELLED', 'IOC: unfilled quantity cancelled');
      }
    }
  }

  private match(order: Order, price: number): void {
    const { req } = order;
    const buy = req.transactionType === 'BUY';
    if ((req.orderType === 'SL' || req.orderType === 'SL-M') && !order.triggered) {
      if (buy ? price < req.triggerPrice : price > req.triggerPrice) return;
      order.triggered = true;
      this.record(order, 'OPEN');
    }
    const market = req.orderType === 'MARKET' || req.orderType === 'SL-M';
    if (!market && (buy ? price > req.price : price < req.price)) return;
    const remaining = req.quantity - order.filled;
    const qty = this.partialFillQty === undefined ? remaining : Math.min(remaining, this.partialFillQty);
    this.fill(order, qty, price);
  }

  private fill(order: Order, qty: number, price: number): void {
    const at = istTimestamp(this.opts.clock.nowMs());
    order.filled += qty;
    order.fillValue += qty * price;
    this.tradeList.push({ tradeId: String(50_000_000 + this.nextTrade++), order, quantity: qty, price, at });
    this.record(order, order.filled === order.req.quantity ? 'COMPLETE' : 'OPEN');
  }

  private record(order: Order, status: string, message: string | null = null): void {
    const token = order.instrument.token;
    if (TERMINAL.has(status)) {
      this.working.get(token)?.delete(order);
    } else {
      let live = this.working.get(token);
      if (live === undefined) {
        live = new Set();
        this.working.set(token, live);
      }
      live.add(order);
    }
    order.status = status;
    order.statusMessage = message;
    order.updatedAt = istTimestamp(this.opts.clock.nowMs());
    const wire = this.wireOrder(order);
    order.history.push(wire);
    this.opts.onOrderUpdate?.(wire);
  }

  private wireOrder(o: Order): Record<string, unknown> {
    const d = decimalsOf(divisorForExchange(o.instrument.exchange));
    const r = (m: number): number => minorToRupees(m, d);
    const pending = TERMINAL.has(o.status) ? 0 : o.req.quantity - o.filled;
    return {
      placed_by: this.opts.userId ?? 'AP0001',
      order_id: o.id,
      exchange_order_id: o.status === 'PUT ORDER REQ RECEIVED' || o.status === 'VALIDATION PENDING' ? null : o.exchangeOrderId,
      parent_order_id: null,
      status: o.status,
      status_message: o.statusMessage,
      status_message_raw: o.statusMessage,
      order_timestamp: o.placedAt,
      exchange_update_timestamp: o.updatedAt,
      exchange_timestamp: o.status === 'PUT ORDER REQ RECEIVED' || o.status === 'VALIDATION PENDING' ? null : o.placedAt,
      variety: o.req.variety,
      modified: o.modified,
      exchange: o.instrument.exchange,
      tradingsymbol: o.instrument.tradingsymbol,
      instrument_token: o.instrument.token,
      order_type: o.req.orderType,
      transaction_type: o.req.transactionType,
      validity: o.req.validity,
      validity_ttl: 0,
      product: o.req.product,
      quantity: o.req.quantity,
      disclosed_quantity: o.req.disclosedQuantity,
      price: r(o.req.price),
      trigger_price: r(o.req.triggerPrice),
      average_price: o.filled === 0 ? 0 : r(Math.round(o.fillValue / o.filled)),
      filled_quantity: o.filled,
      pending_quantity: pending,
      cancelled_quantity: o.cancelled,
      market_protection: 0,
      meta: {},
      tag: o.req.tag,
      tags: o.req.tag === null ? [] : [o.req.tag],
      guid: `sandbox-${o.id}`,
    };
  }

  /** GET /orders: the latest state of every order, in placement order. */
  orderList(): Record<string, unknown>[] {
    return [...this.orders.values()].map((o) => o.history[o.history.length - 1]!);
  }

  /** GET /orders/{id}: every state, oldest first; undefined for an unknown id. */
  history(id: string): Record<string, unknown>[] | undefined {
    return this.orders.get(id)?.history.slice();
  }

  trades(orderId?: string): Record<string, unknown>[] {
    return this.tradeList
      .filter((t) => orderId === undefined || t.order.id === orderId)
      .map((t) => {
        const d = decimalsOf(divisorForExchange(t.order.instrument.exchange));
        return {
          trade_id: t.tradeId,
          order_id: t.order.id,
          exchange: t.order.instrument.exchange,
          tradingsymbol: t.order.instrument.tradingsymbol,
          instrument_token: t.order.instrument.token,
          product: t.order.req.product,
          average_price: minorToRupees(t.price, d),
          quantity: t.quantity,
          exchange_order_id: t.order.exchangeOrderId,
          transaction_type: t.order.req.transactionType,
          fill_timestamp: t.at,
          order_timestamp: t.order.placedAt,
          exchange_timestamp: t.at,
        };
      });
  }

  hasOrder(id: string): boolean {
    return this.orders.has(id);
  }

  /** GET /portfolio/positions: one row per (exchange, symbol, product), a fold of the trades. */
  positions(): { net: Record<string, unknown>[]; day: Record<string, unknown>[] } {
    interface Acc {
      inst: Instrument;
      product: string;
      buyQty: number;
      buyValue: number;
      sellQty: number;
      sellValue: number;
    }
    const accs = new Map<string, Acc>();
    for (const t of this.tradeList) {
      const key = `${t.order.instrument.exchange}:${t.order.instrument.tradingsymbol}:${t.order.req.product}`;
      let a = accs.get(key);
      if (a === undefined) {
        a = { inst: t.order.instrument, product: t.order.req.product, buyQty: 0, buyValue: 0, sellQty: 0, sellValue: 0 };
        accs.set(key, a);
      }
      if (t.order.req.transactionType === 'BUY') {
        a.buyQty += t.quantity;
        a.buyValue += t.quantity * t.price;
      } else {
        a.sellQty += t.quantity;
        a.sellValue += t.quantity * t.price;
      }
    }
    const rows = [...accs.values()].map((a) => {
      const d = decimalsOf(divisorForExchange(a.inst.exchange));
      const r = (m: number): number => minorToRupees(Math.round(m), d);
      const qty = a.buyQty - a.sellQty;
      const last = this.opts.lastPrice(a.inst.token) ?? a.inst.lastPrice ?? 0;
      const buyAvg = a.buyQty === 0 ? 0 : a.buyValue / a.buyQty;
      const sellAvg = a.sellQty === 0 ? 0 : a.sellValue / a.sellQty;
      const avg = qty > 0 ? buyAvg : qty < 0 ? sellAvg : 0;
      const pnl = a.sellValue - a.buyValue + qty * last;
      const unrealised = qty * (last - avg);
      return {
        tradingsymbol: a.inst.tradingsymbol,
        exchange: a.inst.exchange,
        instrument_token: a.inst.token,
        product: a.product,
        quantity: qty,
        overnight_quantity: 0,
        multiplier: 1,
        average_price: r(avg),
        close_price: 0,
        last_price: r(last),
        value: r(a.sellValue - a.buyValue),
        pnl: r(pnl),
        m2m: r(pnl),
        unrealised: r(unrealised),
        realised: r(pnl - unrealised),
        buy_quantity: a.buyQty,
        buy_price: r(buyAvg),
        buy_value: r(a.buyValue),
        buy_m2m: r(a.buyValue),
        sell_quantity: a.sellQty,
        sell_price: r(sellAvg),
        sell_value: r(a.sellValue),
        sell_m2m: r(a.sellValue),
        day_buy_quantity: a.buyQty,
        day_buy_price: r(buyAvg),
        day_buy_value: r(a.buyValue),
        day_sell_quantity: a.sellQty,
        day_sell_price: r(sellAvg),
        day_sell_value: r(a.sellValue),
      };
    });
    // Every sandbox position was opened today: net and day are the same rows
    return { net: rows, day: rows.map((x) => ({ ...x })) };
  }
}

/** Kite's rules of which price fields an order type takes (a refusal message, or undefined). */
function checkPrices(orderType: string, price: number, trigger: number): string | undefined {
  if ((orderType === 'LIMIT' || orderType === 'SL') && !(price > 0)) return `\`price\` is required for ${orderType} orders.`;
  if ((orderType === 'SL' || orderType === 'SL-M') && !(trigger > 0)) return `\`trigger_price\` is required for ${orderType} orders.`;
  return undefined;
}
