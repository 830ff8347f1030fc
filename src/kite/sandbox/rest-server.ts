// A conformant local Kite Connect v3 REST server (kite-connect reference §1, §3) on 127.0.0.1:
// envelopes `{status:"success",data}` / `{status:"error",message,error_type}` with Kite's HTTP codes,
// the login redirect with a single-use request_token, checksum validation, sessions that expire on
// demand or at 06:00 IST on the sandbox's clock (dailyExpiry), orders matched against a PriceSource (orders.ts), trades, positions, margins, a gzipped
// instruments dump, per-class rate limits answered with 429, and fault hooks (5xx, slow answers,
// dropped connections). It is how the zerodha path is tried without an account and how tests prove
// both the official client and ours against the same server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { realClock, type Clock } from '../../runtime/clock.js';
import { nextKiteExpiryMs } from '../../domain/auth/session.js';
import { TokenBucket } from '../../gateway/rate-limit.js';
import { parseInstrumentsCsv } from '../../domain/instruments/csv-parser.js';
import { divisorForExchange, type Instrument } from '../../domain/instruments/instrument.js';
import { sessionChecksum } from '../rest/checksum.js';
import { KITE_LIMITS, type KiteCallClass, type KiteLimits } from '../rest/limiter.js';
import { decimalTextToMinor, decimalsOf, minorToRupees } from '../rest/money.js';
import type { PriceSource } from './price-source.js';
import { istTimestamp, SandboxOrderBook, type SandboxModify, type SandboxOrderRequest } from './orders.js';

/** The sandbox's own instruments when none are given: Kite dump format, tokens as in src/defaults. */
export const BUILTIN_INSTRUMENTS_CSV = `instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange
256265,1001,NIFTY 50,NIFTY 50,0,,0,0,1,EQ,INDICES,NSE
260105,1016,NIFTY BANK,NIFTY BANK,0,,0,0,1,EQ,INDICES,NSE
408065,1594,INFY,INFOSYS,1573.15,,0,0.05,1,EQ,NSE,NSE
738561,2885,RELIANCE,RELIANCE INDUSTRIES,2950.5,,0,0.05,1,EQ,NSE,NSE
81153,317,TCS,TATA CONSULTANCY SERVICES,4100,,0,0.05,1,EQ,NSE,NSE
1270529,4963,ICICIBANK,ICICI BANK,1250.4,,0,0.05,1,EQ,NSE,NSE
424961,1660,ITC,ITC,455.25,,0,0.05,1,EQ,NSE,NSE
12517890,48898,NIFTY26DECFUT,NIFTY,26000,2026-12-31,0,0.05,75,FUT,NFO-FUT,NFO
`;

export interface RestSandboxOptions {
  readonly apiKey?: string;
  readonly apiSecret?: string;
  /** Where /connect/login redirects with the request token. Default: the sandbox's own /redirect. */
  readonly redirectUrl?: string;
  readonly prices: PriceSource;
  /** Default: BUILTIN_INSTRUMENTS_CSV. */
  readonly instruments?: readonly Instrument[];
  readonly port?: number;
  readonly clock?: Clock;
  /** Largest quantity one price fills per order (unset: no partial fills). */
  readonly partialFillQty?: number;
  /** Server-side limits answered with 429 (default Kite's documented limits). */
  readonly limits?: KiteLimits;
  readonly userId?: string;
  /** Order changes, for the ticker's `{"type":"order"}` text messages. */
  readonly onOrderUpdate?: (order: Record<string, unknown>) => void;
  /**
   * Access tokens valid from the start, as if issued by a login (`npm run kite-sandbox` accepts the
   * token its `--print-env` printed, which must not depend on the serving process). expireSessions() clears them too.
   */
  readonly accessTokens?: readonly string[];
  /**
   * Kite's daily expiry: every access token (those above count as issued at start) is refused with
   * TokenException from the first 06:00 IST after it was issued, by `clock`'s wall time. Off by
   * default: tokens then live until expireSessions().
   */
  readonly dailyExpiry?: boolean;
}

/** Test hooks. Every hook applies to API calls, never to the login page. */
export interface RestSandboxFaults {
  /** The next `n` API calls answer `status` with Kite's error for it (default 503 NetworkException). */
  failNext(n: number, status?: number, errorType?: string, message?: string): void;
  /** Every API answer is delayed by this many ms after the call's work is done (0 = none). */
  delayMs: number;
  /** The next `n` API calls have their connection destroyed without an answer. */
  dropNext(n: number): void;
  /** Invalidates every access token (Kite's 06:00 IST expiry, or a login elsewhere). */
  expireSessions(): void;
  /** Enables or disables the 429 limits (on by default). */
  rateLimits: boolean;
}

export interface RestSandbox {
  /** API root, e.g. http://127.0.0.1:53211 (also serves /connect/login). */
  readonly url: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly faults: RestSandboxFaults;
  readonly book: SandboxOrderBook;
  /** Counters: calls answered per HTTP status. */
  readonly statusCounts: ReadonlyMap<number, number>;
  /** A request token as the login redirect would give (single use). */
  issueRequestToken(): string;
  /** A valid access token without the login dance (for --print-env and tests). */
  issueAccessToken(): string;
  close(): Promise<void>;
}

type Json = Record<string, unknown> | readonly unknown[] | string | number | boolean | null;

class Refusal extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 64 * 1024;
const ORDER_TYPES = new Set(['MARKET', 'LIMIT', 'SL', 'SL-M']);
const VARIETIES = new Set(['regular', 'amo', 'co', 'iceberg', 'auction']);
const PRODUCTS = new Set(['CNC', 'MIS', 'NRML', 'MTF']);

/** The instruments as Kite's dump CSV (header + one row each). */
export function instrumentsDumpCsv(instruments: readonly Instrument[]): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange'];
  for (const i of instruments) {
    const d = decimalsOf(i.divisor);
    lines.push(
      [
        i.token,
        i.exchangeToken,
        q(i.tradingsymbol),
        q(i.name),
        minorToRupees(i.lastPrice ?? 0, d),
        i.expiry ?? '',
        minorToRupees(i.strike ?? 0, d),
        i.tradable ? minorToRupees(i.tickSize, d) : 0,
        // Kite lists indices with lot size 0; the registry's parser needs >= 1, so indices say 1
        i.lotSize,
        i.instrumentType ?? 'EQ',
        i.segment ?? (i.tradable ? i.exchange : 'INDICES'),
        i.exchange,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Starts the REST sandbox on 127.0.0.1 (port 0 = any free port). */
export async function startRestSandbox(opts: RestSandboxOptions): Promise<RestSandbox> {
  const clock = opts.clock ?? realClock;
  const apiKey = opts.apiKey ?? 'sandboxkey';
  const apiSecret = opts.apiSecret ?? 'sandboxsecret';
  const userId = opts.userId ?? 'AP0001';
  const instruments = opts.instruments ?? parseInstrumentsCsv(BUILTIN_INSTRUMENTS_CSV).instruments;
  const book = new SandboxOrderBook({
    instruments,
    clock,
    lastPrice: (t) => opts.prices.lastPrice(t),
    userId,
    ...(opts.partialFillQty !== undefined ? { partialFillQty: opts.partialFillQty } : {}),
    ...(opts.onOrderUpdate !== undefined ? { onOrderUpdate: opts.onOrderUpdate } : {}),
  });
  const unsubscribe = opts.prices.onTick((token, price) => book.onPrice(token, price));

  const requestTokens = new Set<string>();
  // access token → when Kite stops accepting it (epoch ms; Infinity without dailyExpiry)
  const expiryOf = (): number => (opts.dailyExpiry === true ? nextKiteExpiryMs(clock.nowMs()) : Number.POSITIVE_INFINITY);
  const accessTokens = new Map<string, number>((opts.accessTokens ?? []).map((t) => [t, expiryOf()]));
  const limits = opts.limits ?? KITE_LIMITS;
  const now = clock.monoMs();
  const buckets: Record<KiteCallClass, TokenBucket[]> = {
    order: limits.order.map((s) => new TokenBucket(s, now)),
    quote: limits.quote.map((s) => new TokenBucket(s, now)),
    historical: limits.historical.map((s) => new TokenBucket(s, now)),
    other: limits.other.map((s) => new TokenBucket(s, now)),
  };
  const statusCounts = new Map<number, number>();
  let failures: { n: number; status: number; errorType: string; message: string } = { n: 0, status: 503, errorType: 'NetworkException', message: '' };
  let drops = 0;
  const faults: RestSandboxFaults = {
    failNext(n, status = 503, errorType = 'NetworkException', message = 'Service unavailable (sandbox fault)') {
      failures = { n, status, errorType, message };
    },
    delayMs: 0,
    dropNext(n) {
      drops = n;
    },
    expireSessions() {
      accessTokens.clear();
    },
    rateLimits: true,
  };
  const token = (): string => randomBytes(16).toString('hex');
  const issueRequestToken = (): string => {
    const t = token();
    requestTokens.add(t);
    return t;
  };
  const issueAccessToken = (): string => {
    const t = token();
    accessTokens.set(t, expiryOf());
    return t;
  };
  const sockets = new Set<Socket>();
  let selfUrl = '';

  function send(res: ServerResponse, status: number, body: Json | Buffer, type = 'application/json'): void {
    statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
    if (Buffer.isBuffer(body)) {
      res.writeHead(status, { 'Content-Type': type, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      res.end(body);
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
  const success = (res: ServerResponse, data: Json): void => send(res, 200, { status: 'success', data });
  const failure = (res: ServerResponse, r: Refusal): void => send(res, r.httpStatus, { status: 'error', message: r.message, data: null, error_type: r.errorType });

  function authorise(req: IncomingMessage): void {
    const h = req.headers['authorization'] ?? '';
    const m = /^token ([^:]+):(.+)$/.exec(h);
    if (m === null || m[1] !== apiKey || !accessTokens.has(m[2]!)) {
      throw new Refusal(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
    }
    if (clock.nowMs() >= accessTokens.get(m[2]!)!) {
      accessTokens.delete(m[2]!);
      throw new Refusal(403, 'TokenException', 'Token is invalid or has expired.');
    }
  }

  function limit(cls: KiteCallClass): void {
    if (!faults.rateLimits) return;
    const t = clock.monoMs();
    // Every bucket of the class must admit the call; a refused call does not consume the others
    for (const b of buckets[cls]) {
      if (!b.take(t).allowed) throw new Refusal(429, 'NetworkException', 'Too many requests');
    }
  }

  async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new Refusal(400, 'InputException', 'Request body too large.');
      chunks.push(chunk as Buffer);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  }

  function need(p: URLSearchParams, k: string): string {
    const v = p.get(k);
    if (v === null || v === '') throw new Refusal(400, 'InputException', `Missing or empty field \`${k}\`.`);
    return v;
  }

  function oneOf<T extends string>(p: URLSearchParams, k: string, allowed: ReadonlySet<string>, fallback?: T): T {
    const v = p.get(k) ?? fallback;
    if (v === undefined || !allowed.has(v)) throw new Refusal(400, 'InputException', `Invalid \`${k}\`.`);
    return v as T;
  }

  function qty(p: URLSearchParams, k: string, required: boolean): number | undefined {
    const v = p.get(k);
    if (v === null || v === '') {
      if (required) throw new Refusal(400, 'InputException', `Missing or empty field \`${k}\`.`);
      return undefined;
    }
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Refusal(400, 'InputException', `Invalid \`${k}\`.`);
    return Number(v);
  }

  function money(p: URLSearchParams, k: string, exchange: string): number | undefined {
    const v = p.get(k);
    if (v === null || v === '' || v === '0') return undefined;
    const m = decimalTextToMinor(v, decimalsOf(divisorForExchange(exchange)));
    if (m === undefined) throw new Refusal(400, 'InputException', `Invalid \`${k}\`.`);
    return m;
  }

  function placement(p: URLSearchParams, variety: string): SandboxOrderRequest {
    const exchange = need(p, 'exchange');
    const tag = p.get('tag');
    if (tag !== null && tag !== '' && !/^[A-Za-z0-9]{1,20}$/.test(tag)) throw new Refusal(400, 'InputException', 'Invalid `tag`: at most 20 alphanumeric characters.');
    return {
      variety,
      exchange,
      tradingsymbol: need(p, 'tradingsymbol'),
      transactionType: oneOf(p, 'transaction_type', new Set(['BUY', 'SELL'])),
      orderType: oneOf(p, 'order_type', ORDER_TYPES),
      quantity: qty(p, 'quantity', true)!,
      product: oneOf(p, 'product', PRODUCTS),
      validity: oneOf(p, 'validity', new Set(['DAY', 'IOC']), 'DAY'),
      price: money(p, 'price', exchange) ?? 0,
      triggerPrice: money(p, 'trigger_price', exchange) ?? 0,
      disclosedQuantity: qty(p, 'disclosed_quantity', false) ?? 0,
      tag: tag === null || tag === '' ? null : tag,
    };
  }

  function outcome(r: { ok: true; value: string } | { ok: false; refusal: { httpStatus: number; errorType: string; message: string } }): Json {
    if (!r.ok) throw new Refusal(r.refusal.httpStatus, r.refusal.errorType, r.refusal.message);
    return { order_id: r.value };
  }

  function knownOrder(id: string): string {
    if (!book.hasOrder(id)) throw new Refusal(400, 'InputException', "Couldn't find that `order_id`.");
    return id;
  }

  function session(): Json {
    return {
      user_type: 'individual',
      email: 'sandbox@example.invalid',
      user_name: 'Sandbox User',
      user_shortname: 'Sandbox',
      broker: 'ZERODHA',
      exchanges: ['NSE', 'BSE', 'NFO', 'CDS', 'BFO', 'MCX', 'BCD'],
      products: ['CNC', 'NRML', 'MIS', 'BO', 'CO'],
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      avatar_url: null,
      user_id: userId,
      meta: { demat_consent: 'physical' },
    };
  }

  function margins(): Record<string, Json> {
    const segment = (cash: number): Json => ({
      enabled: true,
      net: cash,
      available: { adhoc_margin: 0, cash, opening_balance: cash, live_balance: cash, collateral: 0, intraday_payin: 0 },
      utilised: { debits: 0, exposure: 0, m2m_realised: 0, m2m_unrealised: 0, option_premium: 0, payout: 0, span: 0, holding_sales: 0, turnover: 0, liquid_collateral: 0, stock_collateral: 0, delivery: 0 },
    });
    return { equity: segment(1_000_000), commodity: segment(0) };
  }

  /** The API routes (everything but the login page). */
  async function api(req: IncomingMessage, url: URL): Promise<Json | Buffer> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    if (req.headers['x-kite-version'] !== '3') throw new Refusal(400, 'InputException', 'Invalid or missing `X-Kite-Version` header (expected 3).');

    if (path === '/session/token') {
      limit('other');
      if (method === 'POST') {
        const p = await readForm(req);
        const key = need(p, 'api_key');
        const rt = need(p, 'request_token');
        const checksum = need(p, 'checksum');
        if (key !== apiKey) throw new Refusal(403, 'TokenException', 'Invalid `api_key`.');
        if (!requestTokens.has(rt)) throw new Refusal(403, 'TokenException', 'Token is invalid or has expired.');
        if (checksum !== sessionChecksum(apiKey, rt, apiSecret)) throw new Refusal(403, 'TokenException', 'Invalid `checksum`.');
        requestTokens.delete(rt);
        const access = issueAccessToken();
        return {
          ...(session() as Record<string, unknown>),
          api_key: apiKey,
          access_token: access,
          public_token: token(),
          enctoken: token(),
          refresh_token: '',
          silo: '',
          login_time: istTimestamp(clock.nowMs()),
        };
      }
      if (method === 'DELETE') {
        if (q.get('api_key') !== apiKey) throw new Refusal(403, 'TokenException', 'Invalid `api_key`.');
        const t = q.get('access_token') ?? '';
        if (!accessTokens.delete(t)) throw new Refusal(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
        return true;
      }
      throw new Refusal(405, 'GeneralException', 'Method not allowed.');
    }

    authorise(req);
    let m: RegExpExecArray | null;
    if (method === 'GET') {
      limit('other');
      if (path === '/user/profile') return session();
      if (path === '/user/margins') return margins();
      if ((m = /^\/user\/margins\/(equity|commodity)$/.exec(path))) return margins()[m[1]!]!;
      if (path === '/instruments' || (m = /^\/instruments\/([A-Z]+)$/.exec(path))) {
        const exchange = m?.[1];
        const rows = exchange === undefined ? instruments : instruments.filter((i) => i.exchange === exchange);
        return gzipSync(instrumentsDumpCsv(rows));
      }
      if (path === '/orders') return book.orderList();
      if (path === '/trades') return book.trades();
      if (path === '/portfolio/positions') return book.positions();
      if ((m = /^\/orders\/([^/]+)\/trades$/.exec(path))) return book.trades(knownOrder(m[1]!));
      if ((m = /^\/orders\/([^/]+)$/.exec(path)) && !VARIETIES.has(m[1]!)) return book.history(knownOrder(m[1]!))!;
    }
    if (method === 'POST' && (m = /^\/orders\/([a-z]+)$/.exec(path)) && VARIETIES.has(m[1]!)) {
      limit('order');
      const p = await readForm(req);
      return outcome(book.place(placement(p, m[1]!)));
    }
    if ((method === 'PUT' || method === 'DELETE') && (m = /^\/orders\/([a-z]+)\/([^/]+)$/.exec(path)) && VARIETIES.has(m[1]!)) {
      limit('order');
      const id = knownOrder(m[2]!);
      if (method === 'DELETE') return outcome(book.cancel(id));
      const p = await readForm(req);
      const order = book.history(id)!.at(-1)!;
      const exchange = String(order['exchange']);
      const orderType = p.get('order_type');
      const validity = p.get('validity');
      const quantity = qty(p, 'quantity', false);
      const price = money(p, 'price', exchange);
      const trigger = money(p, 'trigger_price', exchange);
      const change: SandboxModify = {
        ...(orderType !== null && orderType !== '' ? { orderType: oneOf(p, 'order_type', ORDER_TYPES) } : {}),
        ...(validity !== null && validity !== '' ? { validity: oneOf(p, 'validity', new Set(['DAY', 'IOC'])) } : {}),
        ...(quantity !== undefined ? { quantity } : {}),
        ...(price !== undefined ? { price } : {}),
        ...(trigger !== undefined ? { triggerPrice: trigger } : {}),
      };
      return outcome(book.modify(id, change));
    }
    throw new Refusal(404, 'GeneralException', `Route not found: ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The login page (kite.zerodha.com in production): redirect with a fresh single-use request token
    if (url.pathname === '/connect/login' && req.method === 'GET') {
      if (url.searchParams.get('api_key') !== apiKey) {
        send(res, 400, { status: 'error', message: 'Invalid `api_key`.', data: null, error_type: 'InputException' });
        return;
      }
      const target = new URL(opts.redirectUrl ?? `${selfUrl}/redirect`);
      const extra = url.searchParams.get('redirect_params');
      if (extra !== null) new URLSearchParams(extra).forEach((v, k) => target.searchParams.set(k, v));
      target.searchParams.set('action', 'login');
      target.searchParams.set('type', 'login');
      target.searchParams.set('status', 'success');
      target.searchParams.set('request_token', issueRequestToken());
      statusCounts.set(302, (statusCounts.get(302) ?? 0) + 1);
      res.writeHead(302, { Location: target.toString() });
      res.end();
      return;
    }
    if (url.pathname === '/redirect' && req.method === 'GET') {
      const text = `Login complete. request_token=${url.searchParams.get('request_token') ?? ''}\n`;
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
      return;
    }
    const answer = async (): Promise<void> => {
      if (drops > 0) {
        drops--;
        req.socket.destroy();
        return;
      }
      if (failures.n > 0) {
        failures.n--;
        throw new Refusal(failures.status, failures.errorType, failures.message);
      }
      // A slow answer is slow AFTER the work: a placement whose answer times out still exists, the
      // case reconciliation by tag is for
      const data = await api(req, url).catch(async (e: unknown) => {
        if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
        throw e;
      });
      if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
      if (Buffer.isBuffer(data)) send(res, 200, data, 'text/csv');
      else success(res, data);
    };
    answer().catch((e: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (e instanceof Refusal) failure(res, e);
      else failure(res, new Refusal(500, 'GeneralException', 'Internal sandbox error.'));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  selfUrl = `http://127.0.0.1:${addr.port}`;

  return {
    url: selfUrl,
    apiKey,
    apiSecret,
    faults,
    book,
    statusCounts,
    issueRequestToken,
    issueAccessToken,
    close: async () => {
      unsubscribe();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
