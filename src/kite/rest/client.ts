// Kite Connect v3 REST client (kite-connect reference §1): session, profile, margins, instruments,
// orders, trades, positions. Every call goes through the rate limiter (limiter.ts), then the circuit
// breaker, then one HTTP request with a timeout. Policies:
// - GET calls are idempotent and are retried with exponential backoff on transient errors (errors.ts);
//   POST/PUT/DELETE are sent exactly once: a failed or timed-out placement has an UNKNOWN outcome and
//   must be reconciled through the order book and the order's tag, never re-sent blindly.
// - A TokenException (403) is never retried; `onTokenException` lets the owner halt the broker.
// - Amounts cross this boundary as integer minor units (money.ts); Kite sees exact decimal text.
// - Secrets (api secret, access token) never appear in an error: routes are method + path only.
import { gunzipSync } from 'node:zlib';
import { appError, isAppError } from '../../errors.js';
import { CircuitBreaker } from '../../runtime/circuit-breaker.js';
import { realClock, type Clock } from '../../runtime/clock.js';
import { divisorForExchange } from '../../domain/instruments/instrument.js';
import { parseInstrumentsCsv, type InstrumentsParseResult } from '../../domain/instruments/csv-parser.js';
import { DEFAULT_LOGIN_ROOT, DEFAULT_REST_ROOT, loginUrl, sessionChecksum } from './checksum.js';
import { isOutage, isRetryable, kiteError } from './errors.js';
import { KiteLimiter, realSleep, type KiteCallClass, type Sleep } from './limiter.js';
import { decimalsOf, minorToDecimalText } from './money.js';
import { KITE_TAG_MAX } from './tag.js';
import {
  decodeMargins,
  decodeOrderId,
  decodeOrders,
  decodePositions,
  decodeProfile,
  decodeSession,
  decodeTrades,
} from './decode.js';
import type { KiteMargins, KiteOrder, KitePositions, KiteProfile, KiteSession, KiteTrade, ModifyOrderParams, PlaceOrderParams } from './types.js';

export interface KiteRestOptions {
  readonly apiKey: string;
  /** Set after a login (generateSession sets it too). */
  readonly accessToken?: string;
  /** API root, default https://api.kite.trade (the sandbox's URL in tests). */
  readonly root?: string;
  /** Login page root, default https://kite.zerodha.com. */
  readonly loginRoot?: string;
  readonly clock?: Clock;
  /** Per-request timeout, default 7 000 ms (the official clients' default). */
  readonly timeoutMs?: number;
  /** Attempts of an idempotent call (1 = no retry), default 3. */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt. Default 250 ms. */
  readonly retryBaseMs?: number;
  /** Shared breaker (e.g. with the auth actor); default one of its own named "kite-rest". */
  readonly breaker?: CircuitBreaker;
  /** Shared limiter (limits are per API key); default one of its own with Kite's limits. */
  readonly limiter?: KiteLimiter;
  readonly sleep?: Sleep;
  /** Called once per TokenException answer, before the error is thrown. Must not throw. */
  readonly onTokenException?: () => void;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Params = Readonly<Record<string, string | number | undefined>>;

interface Call {
  readonly method: Method;
  readonly path: string;
  /** Path with ids replaced by placeholders (`/orders/{order_id}`): the name in errors and logs. */
  readonly name?: string;
  readonly cls: KiteCallClass;
  readonly params?: Params;
  /** Counts against the daily placement cap. */
  readonly placement?: boolean;
  readonly csv?: boolean;
  /** Sent without the Authorization header (the session exchange). */
  readonly anonymous?: boolean;
}

const USER_AGENT = 'alpha-panda-kite/1';
const TAG_RE = /^[A-Za-z0-9]{1,20}$/;

export class KiteRestClient {
  readonly apiKey: string;
  readonly root: string;
  private accessToken: string | undefined;
  private readonly loginRoot: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  readonly breaker: CircuitBreaker;
  readonly limiter: KiteLimiter;
  private readonly sleep: Sleep;
  private readonly onTokenException: (() => void) | undefined;

  constructor(opts: KiteRestOptions) {
    if (opts.apiKey.length === 0) throw appError('ERR_KITE_BAD_ARGUMENT', { route: 'client', reason: 'expected a non-empty api key' });
    const clock = opts.clock ?? realClock;
    this.apiKey = opts.apiKey;
    this.accessToken = opts.accessToken;
    this.root = (opts.root ?? DEFAULT_REST_ROOT).replace(/\/+$/, '');
    this.loginRoot = opts.loginRoot ?? DEFAULT_LOGIN_ROOT;
    this.timeoutMs = opts.timeoutMs ?? 7000;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
    this.retryBaseMs = opts.retryBaseMs ?? 250;
    this.sleep = opts.sleep ?? realSleep;
    this.breaker = opts.breaker ?? new CircuitBreaker({ name: 'kite-rest', clock, isFailure: isOutage });
    this.limiter = opts.limiter ?? new KiteLimiter(clock, undefined, this.sleep);
    this.onTokenException = opts.onTokenException;
  }

  /** True once an access token is set. */
  get hasSession(): boolean {
    return this.accessToken !== undefined;
  }

  setAccessToken(token: string | undefined): void {
    this.accessToken = token;
  }

  /** The page the user logs in on; Kite then redirects with `?request_token=...`. */
  loginUrl(redirectParams?: Readonly<Record<string, string>>): string {
    return loginUrl(this.apiKey, this.loginRoot, redirectParams);
  }

  /** POST /session/token: exchanges a request token for an access token (which this client then uses). */
  async generateSession(requestToken: string, apiSecret: string): Promise<KiteSession> {
    const route = 'POST /session/token';
    const data = await this.send({
      method: 'POST',
      path: '/session/token',
      cls: 'other',
      anonymous: true,
      params: { api_key: this.apiKey, request_token: requestToken, checksum: sessionChecksum(this.apiKey, requestToken, apiSecret) },
    });
    const session = decodeSession(data, route);
    this.accessToken = session.accessToken;
    return session;
  }

  /** DELETE /session/token: invalidates the access token (this client's by default) and forgets it. */
  async logout(accessToken?: string): Promise<void> {
    const token = accessToken ?? this.accessToken;
    if (token === undefined) return;
    await this.send({ method: 'DELETE', path: '/session/token', cls: 'other', params: { api_key: this.apiKey, access_token: token } });
    if (token === this.accessToken) this.accessToken = undefined;
  }

  async profile(): Promise<KiteProfile> {
    return decodeProfile(await this.send({ method: 'GET', path: '/user/profile', cls: 'other' }), 'GET /user/profile');
  }

  async margins(segment?: 'equity' | 'commodity'): Promise<KiteMargins> {
    const path = segment === undefined ? '/user/margins' : `/user/margins/${segment}`;
    return decodeMargins(await this.send({ method: 'GET', path, cls: 'other' }), `GET ${path}`, segment);
  }

  /** GET /instruments[/{exchange}]: the day's dump as CSV text (gzip on the wire is undone). */
  async instrumentsCsv(exchange?: string): Promise<string> {
    const path = exchange === undefined ? '/instruments' : `/instruments/${encodeURIComponent(exchange)}`;
    const data = await this.send({ method: 'GET', path, cls: 'other', csv: true });
    if (typeof data !== 'string') throw appError('ERR_KITE_DATA', { route: `GET ${path}`, status: 200, reason: 'expected a CSV dump, got JSON' });
    return data;
  }

  /** The dump parsed into rows the instrument registry stores (registryWrites takes this as is). */
  async instruments(exchange?: string): Promise<InstrumentsParseResult> {
    return parseInstrumentsCsv(await this.instrumentsCsv(exchange));
  }

  /** POST /orders/{variety}; resolves to Kite's order id. Sent once: see the header on retries. */
  async placeOrder(p: PlaceOrderParams): Promise<string> {
    const variety = p.variety ?? 'regular';
    const path = `/orders/${variety}`;
    const route = `POST ${path}`;
    checkOrderShape(route, p.orderType, p.price, p.triggerPrice);
    positiveInt(route, 'quantity', p.quantity);
    if (!TAG_RE.test(p.tag)) {
      throw appError('ERR_KITE_BAD_ARGUMENT', { route, reason: `tag: expected 1..${KITE_TAG_MAX} letters or digits, was "${p.tag}"` });
    }
    const d = decimalsOf(divisorForExchange(p.exchange));
    const data = await this.send({
      method: 'POST',
      path,
      cls: 'order',
      placement: true,
      params: {
        exchange: p.exchange,
        tradingsymbol: p.tradingsymbol,
        transaction_type: p.transactionType,
        order_type: p.orderType,
        quantity: p.quantity,
        product: p.product,
        validity: p.validity ?? 'DAY',
        price: price(route, 'price', p.price, d),
        trigger_price: price(route, 'trigger_price', p.triggerPrice, d),
        disclosed_quantity: p.disclosedQuantity,
        tag: p.tag,
      },
    });
    return decodeOrderId(data, route);
  }

  /** PUT /orders/{variety}/{order_id}; resolves to the order id. Sent once. */
  async modifyOrder(p: ModifyOrderParams): Promise<string> {
    const path = `/orders/${p.variety ?? 'regular'}/${encodeURIComponent(p.orderId)}`;
    const route = `PUT /orders/${p.variety ?? 'regular'}/{order_id}`;
    if (p.orderType !== undefined) checkOrderShape(route, p.orderType, p.price, p.triggerPrice);
    if (p.quantity !== undefined) positiveInt(route, 'quantity', p.quantity);
    const d = decimalsOf(divisorForExchange(p.exchange));
    const data = await this.send({
      method: 'PUT',
      path,
      name: `/orders/${p.variety ?? 'regular'}/{order_id}`,
      cls: 'order',
      params: {
        order_type: p.orderType,
        quantity: p.quantity,
        price: price(route, 'price', p.price, d),
        trigger_price: price(route, 'trigger_price', p.triggerPrice, d),
        validity: p.validity,
        disclosed_quantity: p.disclosedQuantity,
      },
    });
    return decodeOrderId(data, route);
  }

  /** DELETE /orders/{variety}/{order_id}; resolves to the order id. Sent once. */
  async cancelOrder(orderId: string, variety: PlaceOrderParams['variety'] = 'regular'): Promise<string> {
    const path = `/orders/${variety}/${encodeURIComponent(orderId)}`;
    const data = await this.send({ method: 'DELETE', path, name: `/orders/${variety}/{order_id}`, cls: 'order' });
    return decodeOrderId(data, `DELETE /orders/${variety}/{order_id}`);
  }

  /** GET /orders: the latest state of every order of the day. */
  async orders(): Promise<KiteOrder[]> {
    return decodeOrders(await this.send({ method: 'GET', path: '/orders', cls: 'other' }), 'GET /orders');
  }

  /** GET /orders/{order_id}: every state the order went through, oldest first. */
  async orderHistory(orderId: string): Promise<KiteOrder[]> {
    const data = await this.send({ method: 'GET', path: `/orders/${encodeURIComponent(orderId)}`, name: '/orders/{order_id}', cls: 'other' });
    return decodeOrders(data, 'GET /orders/{order_id}');
  }

  /** GET /orders/{order_id}/trades: the fills of one order. */
  async orderTrades(orderId: string): Promise<KiteTrade[]> {
    const data = await this.send({ method: 'GET', path: `/orders/${encodeURIComponent(orderId)}/trades`, name: '/orders/{order_id}/trades', cls: 'other' });
    return decodeTrades(data, 'GET /orders/{order_id}/trades');
  }

  /** GET /trades: every fill of the day. */
  async trades(): Promise<KiteTrade[]> {
    return decodeTrades(await this.send({ method: 'GET', path: '/trades', cls: 'other' }), 'GET /trades');
  }

  /** GET /portfolio/positions: net and day positions. */
  async positions(): Promise<KitePositions> {
    return decodePositions(await this.send({ method: 'GET', path: '/portfolio/positions', cls: 'other' }), 'GET /portfolio/positions');
  }

  /** One logical call: limiter, then attempts through the breaker (several only for GET). */
  private async send(call: Call): Promise<unknown> {
    const route = `${call.method} ${call.name ?? call.path}`;
    if (!call.anonymous && this.accessToken === undefined) {
      throw appError('ERR_KITE_TOKEN', { route, status: 0, errorType: 'TokenException', reason: 'no access token: log in first' });
    }
    const attempts = call.method === 'GET' ? this.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      await this.limiter.acquire(call.cls, call.placement === true && attempt === 1);
      try {
        return await this.breaker.call(() => this.once(call, route));
      } catch (e) {
        if (isAppError(e, 'ERR_KITE_TOKEN')) this.onTokenException?.();
        if (attempt >= attempts || !isRetryable(e)) throw e;
        await this.sleep(this.retryBaseMs * 2 ** (attempt - 1));
      }
    }
  }

  /** One HTTP exchange; every failure becomes a catalogued error. */
  private async once(call: Call, route: string): Promise<unknown> {
    const url = new URL(this.root + call.path);
    const headers: Record<string, string> = { 'X-Kite-Version': '3', 'User-Agent': USER_AGENT };
    if (!call.anonymous && this.accessToken !== undefined) headers['Authorization'] = `token ${this.apiKey}:${this.accessToken}`;
    let body: string | undefined;
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(call.params ?? {})) if (v !== undefined) form.append(k, String(v));
    if (call.method === 'GET' || call.method === 'DELETE') {
      form.forEach((v, k) => url.searchParams.append(k, v));
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = form.toString();
    }
    let res: Response;
    let raw: Buffer;
    try {
      res = await fetch(url, { method: call.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(this.timeoutMs), redirect: 'manual' });
      raw = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      const name = (e as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw appError('ERR_KITE_TIMEOUT', { route, timeoutMs: this.timeoutMs }, e);
      throw appError('ERR_KITE_NETWORK', { route, status: 0, reason: networkReason(e) }, e);
    }
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('application/json')) {
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        throw appError('ERR_KITE_DATA', { route, status: res.status, reason: 'invalid JSON' });
      }
      const env = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
      if (!res.ok || env['status'] === 'error' || env['error_type'] !== undefined) {
        throw kiteError(route, res.status, env['error_type'], env['message']);
      }
      if (env['status'] !== 'success' || !('data' in env)) {
        throw appError('ERR_KITE_DATA', { route, status: res.status, reason: 'expected {status:"success", data}' });
      }
      return env['data'];
    }
    // Not JSON: an error page from a proxy (429, 502 ...) is Kite's NetworkException, like the official client
    if (!res.ok) throw kiteError(route, res.status, res.status >= 500 || res.status === 429 ? 'NetworkException' : 'GeneralException', res.statusText);
    if (call.csv === true && type.includes('text/csv')) {
      // fetch undoes Content-Encoding: gzip; a dump served as a raw .gz body is unzipped here
      const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
      return bytes.toString('utf8');
    }
    throw appError('ERR_KITE_DATA', { route, status: res.status, reason: `unexpected content type "${type}"` });
  }
}

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return e instanceof Error ? e.message : 'fetch failed';
}

function positiveInt(route: string, field: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw appError('ERR_KITE_BAD_ARGUMENT', { route, reason: `${field}: expected an integer >= 1, was ${v}` });
}

/** Kite's rules of which price fields an order type takes. */
function checkOrderShape(route: string, orderType: string, p: number | undefined, trigger: number | undefined): void {
  const needsPrice = orderType === 'LIMIT' || orderType === 'SL';
  const needsTrigger = orderType === 'SL' || orderType === 'SL-M';
  const bad = (reason: string): never => {
    throw appError('ERR_KITE_BAD_ARGUMENT', { route, reason });
  };
  if (needsPrice && p === undefined) bad(`${orderType} needs a price`);
  if (!needsPrice && p !== undefined) bad(`${orderType} takes no price`);
  if (needsTrigger && trigger === undefined) bad(`${orderType} needs a trigger price`);
  if (!needsTrigger && trigger !== undefined) bad(`${orderType} takes no trigger price`);
}

function price(route: string, field: string, minor: number | undefined, decimals: number): string | undefined {
  if (minor === undefined) return undefined;
  if (!Number.isSafeInteger(minor) || minor <= 0) throw appError('ERR_KITE_BAD_ARGUMENT', { route, reason: `${field}: expected minor units >= 1, was ${minor}` });
  return minorToDecimalText(minor, decimals);
}
