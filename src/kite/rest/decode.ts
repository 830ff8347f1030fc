// Decoders from Kite's JSON `data` to the views of types.ts. PURE.
// Kite's answers are untrusted input: a missing or mistyped field is ERR_KITE_DATA naming the field
// (Kite's own DataException means "could not understand the response"), never a crash later on.
// Amounts are converted exactly with the divisor of the row's exchange (money.ts).
import { appError } from '../../errors.js';
import { divisorForExchange } from '../../domain/instruments/instrument.js';
import { decimalsOf, rupeesToMinor } from './money.js';
import type { KiteMargins, KiteOrder, KitePosition, KitePositions, KiteProfile, KiteSegmentMargins, KiteSession, KiteTrade } from './types.js';

type Obj = Readonly<Record<string, unknown>>;

/** Reads fields of one JSON object; every failure names `where.field`. */
class Fields {
  constructor(
    private readonly o: Obj,
    private readonly where: string,
    private readonly route: string,
    private readonly decimals = 2,
  ) {}

  fail(field: string, expected: string): never {
    const value = this.o[field];
    const shown = value === undefined ? 'missing' : JSON.stringify(value)?.slice(0, 40);
    throw appError('ERR_KITE_DATA', { route: this.route, status: 200, reason: `${this.where}.${field}: expected ${expected}, was ${shown}` });
  }

  str(f: string): string {
    const v = this.o[f];
    return typeof v === 'string' ? v : this.fail(f, 'a string');
  }

  /** A string, or null when absent/null/empty. */
  optStr(f: string): string | null {
    const v = this.o[f];
    if (v === undefined || v === null || v === '') return null;
    if (typeof v === 'number') return String(v);
    return typeof v === 'string' ? v : this.fail(f, 'a string or null');
  }

  /** An id Kite sends as a string (order ids) or, in some answers, a number. */
  id(f: string): string {
    const v = this.o[f];
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    return this.fail(f, 'an id');
  }

  int(f: string, fallback?: number): number {
    const v = this.o[f];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : this.fail(f, 'an integer');
  }

  /** Rupees → minor units; absent/null counts as 0 (Kite sends 0 or null for "no price"). */
  money(f: string): number {
    const v = this.o[f];
    if (v === undefined || v === null) return 0;
    const m = typeof v === 'number' ? rupeesToMinor(v, this.decimals) : undefined;
    return m ?? this.fail(f, 'a decimal number');
  }

  strings(f: string): string[] {
    const v = this.o[f];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    return this.fail(f, 'a list of strings');
  }
}

function obj(v: unknown, where: string, route: string): Obj {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  throw appError('ERR_KITE_DATA', { route, status: 200, reason: `${where}: expected an object` });
}

function list(v: unknown, where: string, route: string): readonly unknown[] {
  if (Array.isArray(v)) return v;
  throw appError('ERR_KITE_DATA', { route, status: 200, reason: `${where}: expected a list` });
}

/** Fields reader whose amounts use the divisor of the row's `exchange`. */
function rowFields(o: Obj, where: string, route: string): Fields {
  const exchange = typeof o['exchange'] === 'string' ? o['exchange'] : '';
  return new Fields(o, where, route, decimalsOf(divisorForExchange(exchange)));
}

export function decodeSession(data: unknown, route: string): KiteSession {
  const f = new Fields(obj(data, 'session', route), 'session', route);
  return {
    userId: f.str('user_id'),
    userName: f.optStr('user_name') ?? '',
    apiKey: f.str('api_key'),
    accessToken: f.str('access_token'),
    publicToken: f.optStr('public_token') ?? '',
    loginTime: f.optStr('login_time'),
  };
}

export function decodeProfile(data: unknown, route: string): KiteProfile {
  const f = new Fields(obj(data, 'profile', route), 'profile', route);
  return {
    userId: f.str('user_id'),
    userName: f.optStr('user_name') ?? '',
    userShortname: f.optStr('user_shortname') ?? '',
    email: f.optStr('email') ?? '',
    userType: f.optStr('user_type') ?? '',
    broker: f.optStr('broker') ?? '',
    exchanges: f.strings('exchanges'),
    products: f.strings('products'),
    orderTypes: f.strings('order_types'),
  };
}

function moneyLeaves(v: unknown, where: string, route: string): Record<string, number> {
  const o = obj(v ?? {}, where, route);
  const f = new Fields(o, where, route);
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(o)) if (typeof x === 'number') out[k] = f.money(k);
  return out;
}

function decodeSegmentMargins(v: unknown, where: string, route: string): KiteSegmentMargins {
  const o = obj(v, where, route);
  const f = new Fields(o, where, route);
  return {
    enabled: o['enabled'] === true,
    net: f.money('net'),
    available: moneyLeaves(o['available'], `${where}.available`, route),
    utilised: moneyLeaves(o['utilised'], `${where}.utilised`, route),
  };
}

/** GET /user/margins (both segments) or /user/margins/{segment} (one, given as `segment`). */
export function decodeMargins(data: unknown, route: string, segment?: 'equity' | 'commodity'): KiteMargins {
  if (segment !== undefined) return { [segment]: decodeSegmentMargins(data, segment, route) };
  const o = obj(data, 'margins', route);
  return {
    ...(o['equity'] !== undefined ? { equity: decodeSegmentMargins(o['equity'], 'equity', route) } : {}),
    ...(o['commodity'] !== undefined ? { commodity: decodeSegmentMargins(o['commodity'], 'commodity', route) } : {}),
  };
}

export function decodeOrder(v: unknown, where: string, route: string): KiteOrder {
  const f = rowFields(obj(v, where, route), where, route);
  return {
    orderId: f.id('order_id'),
    exchangeOrderId: f.optStr('exchange_order_id'),
    parentOrderId: f.optStr('parent_order_id'),
    status: f.str('status'),
    statusMessage: f.optStr('status_message'),
    tag: f.optStr('tag'),
    variety: f.str('variety'),
    exchange: f.str('exchange'),
    tradingsymbol: f.str('tradingsymbol'),
    instrumentToken: f.int('instrument_token', 0),
    orderType: f.str('order_type'),
    transactionType: f.str('transaction_type'),
    validity: f.str('validity'),
    product: f.str('product'),
    quantity: f.int('quantity'),
    filledQuantity: f.int('filled_quantity', 0),
    pendingQuantity: f.int('pending_quantity', 0),
    cancelledQuantity: f.int('cancelled_quantity', 0),
    price: f.money('price'),
    triggerPrice: f.money('trigger_price'),
    averagePrice: f.money('average_price'),
    orderTimestamp: f.optStr('order_timestamp'),
    exchangeTimestamp: f.optStr('exchange_timestamp'),
  };
}

export function decodeOrders(data: unknown, route: string): KiteOrder[] {
  return list(data, 'orders', route).map((o, i) => decodeOrder(o, `orders[${i}]`, route));
}

export function decodeTrade(v: unknown, where: string, route: string): KiteTrade {
  const f = rowFields(obj(v, where, route), where, route);
  return {
    tradeId: f.id('trade_id'),
    orderId: f.id('order_id'),
    exchangeOrderId: f.optStr('exchange_order_id'),
    exchange: f.str('exchange'),
    tradingsymbol: f.str('tradingsymbol'),
    instrumentToken: f.int('instrument_token', 0),
    product: f.str('product'),
    transactionType: f.str('transaction_type'),
    quantity: f.int('quantity'),
    averagePrice: f.money('average_price'),
    fillTimestamp: f.optStr('fill_timestamp'),
    orderTimestamp: f.optStr('order_timestamp'),
    exchangeTimestamp: f.optStr('exchange_timestamp'),
  };
}

export function decodeTrades(data: unknown, route: string): KiteTrade[] {
  return list(data, 'trades', route).map((t, i) => decodeTrade(t, `trades[${i}]`, route));
}

function decodePosition(v: unknown, where: string, route: string): KitePosition {
  const f = rowFields(obj(v, where, route), where, route);
  return {
    tradingsymbol: f.str('tradingsymbol'),
    exchange: f.str('exchange'),
    instrumentToken: f.int('instrument_token', 0),
    product: f.str('product'),
    quantity: f.int('quantity'),
    overnightQuantity: f.int('overnight_quantity', 0),
    multiplier: f.int('multiplier', 1),
    averagePrice: f.money('average_price'),
    lastPrice: f.money('last_price'),
    pnl: f.money('pnl'),
    realised: f.money('realised'),
    unrealised: f.money('unrealised'),
    m2m: f.money('m2m'),
    buyQuantity: f.int('buy_quantity', 0),
    buyPrice: f.money('buy_price'),
    buyValue: f.money('buy_value'),
    sellQuantity: f.int('sell_quantity', 0),
    sellPrice: f.money('sell_price'),
    sellValue: f.money('sell_value'),
  };
}

export function decodePositions(data: unknown, route: string): KitePositions {
  const o = obj(data, 'positions', route);
  return {
    net: list(o['net'] ?? [], 'positions.net', route).map((p, i) => decodePosition(p, `net[${i}]`, route)),
    day: list(o['day'] ?? [], 'positions.day', route).map((p, i) => decodePosition(p, `day[${i}]`, route)),
  };
}

/** The `order_id` of a place/modify/cancel answer. */
export function decodeOrderId(data: unknown, route: string): string {
  return new Fields(obj(data, 'order', route), 'order', route).id('order_id');
}
