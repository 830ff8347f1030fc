// A stand-in for the Alpha Panda gateway, for developing and testing the dashboard without the
// trading system: node:http serves src/gateway/web and /vendor/lightweight-charts.js, fake REST
// answers use the real envelope and payload shapes (gateway.md, src/protocol/*), and a `ws`
// WebSocketServer speaks the /ws protocol with scripted ticks, PnL snapshots, signals, orders and
// health pushes. Deterministic (seeded LCG). Tokens: 'trade-token' (read+trade), 'read-token' (read).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB = join(ROOT, 'src/gateway/web');
const SDK = join(ROOT, 'dist/src/client');
const VENDOR = join(ROOT, 'node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js');
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };
const BROKER = 'paper';
const SUFFIXES = ['signals.raw', 'signals.validated', 'signals.rejected', 'orders.submitted', 'orders.filled', 'orders.failed', 'pnl.snapshots'];
const STREAMS = ['market.ticks', 'system.health', ...SUFFIXES.map((s) => `${BROKER}.${s}`)];
const START_CASH = 100_000_000;
const BASE: Record<string, number> = { NIFTY50: 2_452_035, BANKNIFTY: 5_218_460, RELIANCE: 294_515, INFY: 187_240, TCS: 412_080, ICICIBANK: 126_455, KOTAKBANK: 178_920, MARUTI: 1_254_300, 'BAJAJ-AUTO': 968_275, CIPLA: 152_360, ADANIPORTS: 141_180, DRREDDY: 128_745, INDUSINDBK: 98_630, LT: 365_410, BRITANNIA: 548_790, YESBANK: 2_245, 'M&M': 298_660, SUNPHARMA: 181_235, ITC: 47_585, HINDUNILVR: 241_870 };

/** Instrument as the registry returns it. */
export interface FakeInstrument { token: number; tradingsymbol: string; name: string; exchange: string; divisor: number; tradable: boolean; tickSize: number; lotSize: number; exchangeToken: number }

interface Pos { strategyId: string; token: number; qty: number; costBasis: number; realizedPnl: number; fees: number; fillCount: number; updatedTs: number }
interface Order { orderId: string; broker: string; strategyId: string; token: number; side: 'BUY' | 'SELL'; type: string; tif: string; qty: number; filledQty: number; limitPrice: number | null; stopPrice: number | null; status: string; parentOrderId: null; createdTs: number; updatedTs: number; filledNotional: number; fees: number; history: { status: string; ts: number; reason?: string }[] }
interface Client { ws: WebSocket; scopes: string[]; streams: Set<string>; tokens: Set<number> | null; depth: boolean }

/** Options of {@link startFakeGateway}. */
export interface FakeGatewayOptions {
  readonly tickMs?: number;
  readonly pnlMs?: number;
  readonly healthMs?: number;
  readonly signalMs?: number;
  readonly seed?: number;
}

/** A running fake gateway. */
export interface FakeGateway {
  readonly url: string;
  readonly port: number;
  /** WebSocket connections accepted so far (including refused upgrades: no). */
  readonly connections: () => number;
  /** Closes every WebSocket (as a gateway restart would) and refuses upgrades for `downMs`. */
  dropSockets(downMs: number): void;
  /** Sets the tree state pushed in status/health ('running' | 'halted' ...). */
  setTreeState(state: string): void;
  readonly killSwitch: () => { engaged: boolean; reason: string };
  /** Bodies of the accepted (confirmed) POST /api/v1/flatten calls. */
  readonly flattens: () => readonly unknown[];
  close(): Promise<void>;
}

function loadInstruments(): FakeInstrument[] {
  const out: FakeInstrument[] = [];
  for (const line of readFileSync(join(ROOT, 'src/defaults/instruments.csv'), 'utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const [tok, sym, name, exch] = t.split(',');
    const token = Number(tok);
    if (!Number.isInteger(token) || sym === undefined) continue;
    out.push({ token, tradingsymbol: sym, name: name ?? sym, exchange: exch ?? 'NSE', divisor: 100, tradable: (token & 0xff) !== 9, tickSize: 5, lotSize: 1, exchangeToken: token >>> 8 });
  }
  return out;
}

/** Starts the fake gateway on 127.0.0.1 and an ephemeral port. */
export async function startFakeGateway(opts: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const tokens: Record<string, string[]> = { 'trade-token': ['read', 'trade'], 'read-token': ['read'] };
  const instruments = loadInstruments();
  const byToken = new Map(instruments.map((i) => [i.token, i]));
  let rng = (opts.seed ?? 42) >>> 0;
  // mulberry32: tiny, well-mixed, deterministic
  const rand = (): number => {
    rng = (rng + 0x6d2b79f5) >>> 0;
    let t = rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const startedAt = Date.now() - 3 * 3600_000 - 17 * 60_000;
  const prices = new Map<number, { ltp: number; close: number; volume: number; high: number; low: number }>();
  for (const i of instruments) {
    const close = BASE[i.tradingsymbol] ?? 100_000;
    const ltp = Math.round(close * (1 + (rand() - 0.5) * 0.03));
    prices.set(i.token, { ltp, close, volume: Math.round(rand() * 5e6), high: Math.max(ltp, close), low: Math.min(ltp, close) });
  }
  const strategies = ['momentum_1', 'mean_rev_1'];
  const positions = new Map<string, Pos>();
  const orders: Order[] = [];
  const fills: Record<string, unknown>[] = [];
  const cash = new Map(strategies.map((s) => [s, START_CASH]));
  const equityHistory: Record<string, number>[] = [];
  let treeState = 'running';
  let kill = { engaged: false, reason: '' };
  const flattens: unknown[] = [];
  let seq = 0;
  let orderSeq = 0;
  let fillSeq = 0;
  let connections = 0;
  let downUntil = 0;
  const clients = new Set<Client>();

  const envelope = <T>(type: string, key: string, data: T, ts = Date.now(), parent?: Record<string, unknown>): Record<string, unknown> => {
    const id = `fake.gw.1.${(seq++).toString(36)}`;
    const root = parent === undefined;
    return { id, correlationId: root ? id : parent['correlationId'], causationId: root ? null : parent['id'], traceId: root ? id : parent['traceId'], parentTraceId: root ? null : parent['id'], broker: BROKER, type, ts, key, source: 'fake', version: 1, data };
  };
  const ltpOf = (token: number): number => prices.get(token)?.ltp ?? 0;

  function applyFill(strategyId: string, token: number, side: 'BUY' | 'SELL', qty: number, price: number, ts: number): number {
    const key = `${strategyId}|${token}`;
    const p = positions.get(key) ?? { strategyId, token, qty: 0, costBasis: 0, realizedPnl: 0, fees: 0, fillCount: 0, updatedTs: ts };
    const signed = side === 'BUY' ? qty : -qty;
    const fees = Math.max(1, Math.round((price * qty) / 3333));
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
      p.costBasis += price * signed;
    } else {
      const closing = Math.min(Math.abs(signed), Math.abs(p.qty));
      const removed = Math.round((p.costBasis * closing) / Math.abs(p.qty));
      p.realizedPnl += (price * closing * Math.sign(p.qty)) - removed;
      p.costBasis -= removed;
      const rest = Math.abs(signed) - closing;
      if (rest > 0) p.costBasis = price * rest * Math.sign(signed);
    }
    p.qty += signed;
    if (p.qty === 0) p.costBasis = 0;
    p.fees += fees;
    p.fillCount++;
    p.updatedTs = ts;
    positions.set(key, p);
    cash.set(strategyId, (cash.get(strategyId) ?? START_CASH) - price * signed - fees);
    return fees;
  }

  function totals(strategyId?: string): Record<string, number> {
    const t = { startingCash: 0, cash: 0, realizedPnl: 0, unrealizedPnl: 0, fees: 0, netRealizedPnl: 0, netPnl: 0, marketValue: 0, equity: 0, openPositions: 0 };
    for (const s of strategies) {
      if (strategyId !== undefined && s !== strategyId) continue;
      t.startingCash += START_CASH;
      t.cash += cash.get(s) ?? START_CASH;
    }
    for (const p of positions.values()) {
      if (strategyId !== undefined && p.strategyId !== strategyId) continue;
      const mv = ltpOf(p.token) * p.qty;
      t.realizedPnl += p.realizedPnl;
      t.fees += p.fees;
      t.marketValue += mv;
      t.unrealizedPnl += mv - p.costBasis;
      if (p.qty !== 0) t.openPositions++;
    }
    t.netRealizedPnl = t.realizedPnl - t.fees;
    t.netPnl = t.realizedPnl + t.unrealizedPnl - t.fees;
    t.equity = t.cash + t.marketValue;
    return t;
  }

  function positionViews(): Record<string, unknown>[] {
    return [...positions.values()].map((p) => {
      const ltp = ltpOf(p.token);
      const unrealizedPnl = ltp * p.qty - p.costBasis;
      return { broker: BROKER, strategyId: p.strategyId, token: p.token, qty: p.qty, costBasis: p.costBasis, avgPrice: p.qty === 0 ? 0 : p.costBasis / p.qty, realizedPnl: p.realizedPnl, fees: p.fees, netRealizedPnl: p.realizedPnl - p.fees, lastPrice: ltp, marked: true, marketValue: ltp * p.qty, unrealizedPnl, netPnl: p.realizedPnl - p.fees + unrealizedPnl, fillCount: p.fillCount, updatedTs: p.updatedTs };
    });
  }

  /** The gateway's StatusView (src/gateway/status-view.ts): the tree flattened into nodes. */
  function status(): Record<string, unknown> {
    const now = Date.now();
    const up = now - startedAt;
    const st = (s: string): string => (treeState === 'halted' && s !== 'root' ? 'stopped' : 'running');
    const sup = (name: string, path: string[], state: string): Record<string, unknown> => ({ name, kind: 'supervisor', path, state, gen: null, restarts: 0, uptimeMs: null, lastError: null, health: state === 'running' ? 'healthy' : 'unhealthy', healthDetail: null });
    const act = (name: string, path: string[], restarts = 0, lastError: unknown = null): Record<string, unknown> => ({ name, kind: 'actor', path, state: st(name), gen: restarts + 1, restarts, uptimeMs: up - restarts * 60_000, lastError, health: 'healthy', healthDetail: null });
    const trading = treeState === 'halted' ? 'halted' : 'running';
    const nodes = [
      sup('root', [], 'running'),
      act('instrument-registry', ['root']),
      act('auth', ['root']),
      sup('trading_sup', ['root'], trading),
      act('portfolio-manager', ['root', 'trading_sup']),
      act('risk-manager', ['root', 'trading_sup']),
      act(`trading-engine-${BROKER}`, ['root', 'trading_sup']),
      act('market-feed', ['root', 'trading_sup'], 1, { code: 'ERR_FEED_DISCONNECTED', message: 'socket closed by peer', at: now - 5400_000 }),
      act('strategy-runner', ['root', 'trading_sup']),
      act('pipeline-monitor', ['root']),
      sup('gateway_sup', ['root'], 'running'),
      { ...act('gateway', ['root', 'gateway_sup']), state: 'running' },
    ];
    const halted = treeState === 'halted' ? ['trading_sup'] : [];
    return { runId: 'run-20250114-0915', startedAt, uptimeMs: up, state: 'running', halted, nodes, rings: {}, ready: { ready: halted.length === 0, supervisor: 'trading_sup', state: trading } };
  }

  /** The pipeline monitor's status answer (`{ brokers: { b: { validation, metrics, ... } } }`). */
  function pipeline(): Record<string, unknown> {
    const now = Date.now();
    const st = (count: number, age: number | null, threshold: number): Record<string, unknown> => ({ healthy: age !== null && age <= threshold, count, lastMs: age === null ? null : now - age, ageMs: age, thresholdMs: threshold, ...(age !== null && age > threshold ? { issue: `no events for ${Math.round(age / 1000)}s (threshold ${threshold / 1000}s)` } : {}) });
    const stages = { market_data: st(48_211, 80, 1000), signal_generation: st(316, 1800, 5000), risk_validation: st(316, 1800, 2000), order_execution: st(142, 12_500, 10_000), portfolio_updates: st(2_031, 400, 3000) };
    const validation = { broker: BROKER, ts: now, overall: 'warning', stages, bottlenecks: [{ stage: 'order_execution', issue: 'no orders for 12s (threshold 10s)' }], healthyStages: 4, totalStages: 5 };
    const c = (count: number, age: number): Record<string, unknown> => ({ count, missed: 0, lastMs: now - age });
    const metrics = { market_ticks: c(48_211, 80), signals: c(316, 1800), signals_validated: c(230, 1800), signals_rejected: c(86, 2500), orders: c(142, 12_500), portfolio_updates: c(2_031, 400) };
    return { ts: now, startedAt, uptimeMs: now - startedAt, overallHealthy: false, brokers: { [BROKER]: { broker: BROKER, validation, marketStatus: 'open', strategies: 2, metrics, rings: [] } } };
  }

  const page = (items: unknown[], q: URLSearchParams): Record<string, unknown> => {
    const size = Math.min(1000, Math.max(1, Number(q.get('size') ?? 50)));
    const pg = Math.max(1, Number(q.get('page') ?? 1));
    return { items: items.slice((pg - 1) * size, pg * size), total: items.length, page: pg, size };
  };

  function route(method: string, path: string, q: URLSearchParams, scopes: string[]): [number, unknown] {
    if (method === 'POST') {
      if (!scopes.includes('trade')) return [403, { code: 'ERR_WS_FORBIDDEN', message: 'trade scope required' }];
      if (path === '/api/v1/kill-switch') return [200, { [BROKER]: kill }];
      const m = /^\/api\/v1\/orders\/([^/]+)\/cancel$/.exec(path);
      if (m) {
        const o = orders.find((x) => x.orderId === decodeURIComponent(m[1] ?? ''));
        if (!o) return [404, { code: 'ERR_ORDER_NOT_FOUND', message: 'unknown order' }];
        o.status = 'Canceled';
        o.updatedTs = Date.now();
        return [200, { ok: true, order: o }];
      }
      return [404, { code: 'ERR_HTTP_NOT_FOUND', message: path }];
    }
    if (path === '/api/v1/status') return [200, status()];
    // The auth actor's report of a paper-only system: paper needs no session
    if (path === '/api/v1/auth/status') return [200, { brokers: { [BROKER]: { broker: BROKER, status: 'authenticated', ready: true, changedAt: startedAt } }, allReady: true }];
    if (path === '/api/v1/positions') return [200, { items: positionViews() }];
    if (path === `/api/v1/portfolios/${BROKER}`) return [200, { kind: 'broker-pnl-snapshot', v: 1, broker: BROKER, ts: Date.now(), currencyDivisor: 100, strategies: strategies.map((s) => ({ strategyId: s, totals: totals(s) })), totals: totals(), positions: positionViews() }];
    if (path === '/api/v1/orders') return [200, { broker: BROKER, ...page([...orders].reverse(), q) }];
    if (path === '/api/v1/fills') {
      // The real fill log pages oldest-first by fillSeq with an afterSeq cursor
      const size = Math.min(1000, Math.max(1, Number(q.get('size') ?? 50)));
      const after = Number(q.get('afterSeq') ?? 0);
      const items = fills.filter((f) => (f['fillSeq'] as number) > after).slice(0, size);
      const last = items[items.length - 1];
      return [200, { broker: BROKER, items, page: 1, size, nextAfterSeq: items.length === size && last ? last['fillSeq'] : null }];
    }
    if (path === '/api/v1/equity') {
      const to = Number(q.get('to') ?? Date.now());
      const from = Number(q.get('from') ?? to - 86_400_000);
      return [200, { broker: BROKER, from, to, downsampled: false, points: equityHistory.filter((p) => (p['ts'] ?? 0) >= from && (p['ts'] ?? 0) <= to), divisor: 100 }];
    }
    if (path === '/api/v1/monitor/pipeline') return [200, pipeline()];
    // The trader's views (real shapes: src/gateway/trader-views.ts); the real pipeline's browser
    // test (dashboard-trader.test.ts) covers their numbers, these only keep the page quiet
    if (path === '/api/v1/strategies') return [200, { items: strategies.map((id) => ({ id, broker: BROKER, enabled: true, skipped: null, paused: false })) }];
    if (path === '/api/v1/trades') return [200, { broker: BROKER, items: [], total: 0, open: [], window: { fills: fills.length, cap: 20_000, partial: false }, page: 1, size: 50, divisor: 100 }];
    if (path === '/api/v1/performance') {
      const row = (key: string, strategyId: string | null) => ({
        key,
        strategyId,
        token: null,
        startEquity: 100_000_000,
        openPositions: 0,
        metrics: { fills: 0, trades: { roundTrips: 0, wins: 0, losses: 0, winRate: null, profitFactor: null, expectancy: null, netPnl: 0, fees: 0 }, realizedPnl: 0, fees: 0, netRealizedPnl: 0, unrealizedPnl: 0, netPnl: 0, drawdown: { amount: 0, pct: 0 } },
      });
      return [200, { broker: BROKER, asOf: Date.now(), total: row('total', null), strategies: strategies.map((id) => row(id, id)), instruments: [], window: { fills: 0, cap: 20_000, partial: false }, conventions: [], divisor: 100 }];
    }
    if (path === '/api/v1/instruments') {
      const text = (q.get('q') ?? '').toUpperCase();
      const limit = Number(q.get('limit') ?? 50);
      const hits = instruments.filter((i) => text === '' || i.tradingsymbol.includes(text) || i.name.includes(text));
      return [200, { items: hits.slice(0, limit), total: hits.length }];
    }
    const im = /^\/api\/v1\/instruments\/([^/]+)$/.exec(path);
    if (im) {
      const ref = decodeURIComponent(im[1] ?? '');
      const i = byToken.get(Number(ref)) ?? instruments.find((x) => x.tradingsymbol === ref.toUpperCase());
      return i ? [200, i] : [404, { code: 'ERR_INSTRUMENT_UNKNOWN', message: `unknown instrument ${ref}` }];
    }
    return [404, { code: 'ERR_HTTP_NOT_FOUND', message: path }];
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const requestId = `req-${seq++}`;
    const env = status < 400 ? { ok: true, data: body, requestId } : { ok: false, error: body, requestId };
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-ID': requestId, 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(env));
  }

  function serveFile(res: ServerResponse, file: string): void {
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
    } catch {
      sendJson(res, 404, { code: 'ERR_HTTP_NOT_FOUND', message: 'no such file' });
    }
  }

  const scopesOf = (token: string | null): string[] | null => (token !== null && tokens[token] !== undefined ? tokens[token] ?? null : null);

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (path === '/vendor/lightweight-charts.js') return serveFile(res, VENDOR);
    if (path.startsWith('/sdk/')) {
      // The compiled client SDK, as the real gateway serves it (the dashboard connects through it)
      const file = normalize(join(SDK, path.slice('/sdk/'.length)));
      if (!file.startsWith(SDK + sep) || extname(file) !== '.js') return sendJson(res, 404, { code: 'ERR_HTTP_NOT_FOUND', message: 'not an SDK module' });
      return serveFile(res, file);
    }
    if (!path.startsWith('/api/')) {
      const rel = path === '/' || path === '/dashboard' || path === '/dashboard/' ? 'index.html' : path.replace(/^\/(dashboard\/)?/, '');
      const file = normalize(join(WEB, rel));
      if (!file.startsWith(WEB + sep)) return sendJson(res, 404, { code: 'ERR_HTTP_NOT_FOUND', message: 'outside web root' });
      return serveFile(res, file);
    }
    const auth = req.headers.authorization ?? '';
    const scopes = scopesOf(auth.startsWith('Bearer ') ? auth.slice(7) : null);
    if (scopes === null) return sendJson(res, 401, { code: 'ERR_WS_UNAUTHORIZED', message: 'missing or invalid token' });
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && path === '/api/v1/flatten') {
        if (!scopes.includes('trade')) return sendJson(res, 403, { code: 'ERR_WS_FORBIDDEN', message: 'forbidden: requires the trade scope' });
        const b = (() => {
          try {
            return JSON.parse(body) as { confirm?: unknown };
          } catch {
            return {};
          }
        })();
        if (b.confirm !== true) return sendJson(res, 400, { code: 'ERR_FLATTEN_UNCONFIRMED', message: 'send "confirm": true to proceed' });
        flattens.push(b);
        const close = { strategyId: 'momentum_1', token: 256265, side: 'SELL', quantity: 10, outcome: 'validated', orderId: 'paper-00000000000000f1' };
        return sendJson(res, 200, { [BROKER]: { canceled: ['paper-00000000000000c1'], closes: [close], fills: 1 } });
      }
      if (req.method === 'POST' && path === '/api/v1/kill-switch' && scopes.includes('trade')) {
        try {
          const b = JSON.parse(body) as { engaged?: unknown; reason?: unknown };
          kill = { engaged: b.engaged === true, reason: typeof b.reason === 'string' ? b.reason : '' };
        } catch {
          return sendJson(res, 400, { code: 'ERR_HTTP_BAD_REQUEST', message: 'invalid JSON' });
        }
      }
      const [code, data] = route(req.method ?? 'GET', path, url.searchParams, scopes);
      sendJson(res, code, data);
    });
  }

  const server: Server = createServer(handle);
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = scopesOf(url.searchParams.get('token'));
    if (url.pathname !== '/ws' || scopes === null || Date.now() < downUntil) {
      socket.end(`HTTP/1.1 ${scopes === null ? '401 Unauthorized' : '503 Service Unavailable'}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      const c: Client = { ws, scopes, streams: new Set(), tokens: null, depth: false };
      clients.add(c);
      ws.on('close', () => clients.delete(c));
      ws.on('message', (raw) => {
        let msg: { op?: string; streams?: unknown; tokens?: unknown; id?: unknown; depth?: unknown };
        try {
          msg = JSON.parse(String(raw)) as typeof msg;
        } catch {
          return ws.send(JSON.stringify({ type: 'error', code: 'ERR_WS_BAD_COMMAND', message: 'invalid JSON' }));
        }
        const streams = Array.isArray(msg.streams) ? msg.streams.filter((s): s is string => typeof s === 'string' && STREAMS.includes(s)) : [];
        const tokens = Array.isArray(msg.tokens) ? msg.tokens.filter((t): t is number => typeof t === 'number') : undefined;
        const filterList = (): number[] | null => (c.tokens === null ? null : [...c.tokens].sort((a, b) => a - b));
        if (msg.op === 'subscribe') {
          if (streams.includes('market.ticks')) {
            // Same semantics as src/gateway/ws-commands.ts: additive; no tokens = every instrument
            const wasAll = c.streams.has('market.ticks') && c.tokens === null;
            c.tokens = tokens === undefined || wasAll ? null : new Set([...(c.streams.has('market.ticks') ? (c.tokens ?? []) : []), ...tokens]);
            if (typeof msg.depth === 'boolean') c.depth = msg.depth;
          }
          for (const s of streams) c.streams.add(s);
          ws.send(JSON.stringify({ type: 'subscribed', streams: [...c.streams], tokens: filterList() }));
          if (streams.includes('system.health')) ws.send(JSON.stringify({ type: 'health', data: healthPayload() }));
        } else if (msg.op === 'unsubscribe') {
          for (const s of streams) {
            if (s === 'market.ticks' && tokens !== undefined) {
              if (c.tokens === null) continue;
              for (const t of tokens) c.tokens.delete(t);
              if (c.tokens.size > 0) continue;
            }
            c.streams.delete(s);
          }
          if (!c.streams.has('market.ticks')) c.tokens = null;
          ws.send(JSON.stringify({ type: 'unsubscribed', streams, tokens: filterList() }));
        } else if (msg.op === 'ping') ws.send(JSON.stringify({ type: 'pong', id: msg.id ?? null, ts: Date.now() }));
        else ws.send(JSON.stringify({ type: 'error', code: 'ERR_WS_BAD_COMMAND', message: `unknown op ${String(msg.op)}` }));
      });
      ws.send(JSON.stringify({ type: 'welcome', streams: STREAMS, scopes, gen: 1, limits: {} }));
    });
  });

  function healthPayload(): Record<string, unknown> {
    const v = status();
    return { ts: Date.now(), state: v['state'], ready: v['ready'], halted: v['halted'], nodes: v['nodes'], rings: v['rings'], gateway: { gen: 1, connections: clients.size } };
  }

  const publish = (stream: string, data: unknown): void => {
    const text = JSON.stringify({ type: 'event', stream, data });
    for (const c of clients) if (c.streams.has(stream)) c.ws.send(text);
  };

  // Seed: a few fills so positions exist, and two hours of equity history
  const seedTs = Date.now() - 2 * 3600_000;
  const seedTrades: [string, string, 'BUY' | 'SELL', number][] = [['momentum_1', 'RELIANCE', 'BUY', 50], ['momentum_1', 'INFY', 'BUY', 120], ['mean_rev_1', 'TCS', 'SELL', 25], ['mean_rev_1', 'ICICIBANK', 'BUY', 200], ['momentum_1', 'ITC', 'BUY', 400], ['momentum_1', 'ITC', 'SELL', 400]];
  for (const [n, [s, sym, side, qty]] of seedTrades.entries()) {
    const i = instruments.find((x) => x.tradingsymbol === sym);
    if (!i) continue;
    const ts = seedTs + n * 60_000;
    const price = Math.round((prices.get(i.token)?.close ?? 1000) * (1 + (rand() - 0.5) * 0.01));
    const fees = applyFill(s, i.token, side, qty, price, ts);
    const orderId = `ORD-${String(++orderSeq).padStart(5, '0')}`;
    orders.push({ orderId, broker: BROKER, strategyId: s, token: i.token, side, type: 'market', tif: 'DAY', qty, filledQty: qty, limitPrice: null, stopPrice: null, status: 'Filled', parentOrderId: null, createdTs: ts, updatedTs: ts, filledNotional: price * qty, fees, history: [] });
    fills.push({ tradeId: `${orderId}-1`, orderId, broker: BROKER, strategyId: s, token: i.token, side, quantity: qty, price, fees, ts, fillSeq: ++fillSeq });
  }
  orders.push({ orderId: `ORD-${String(++orderSeq).padStart(5, '0')}`, broker: BROKER, strategyId: 'mean_rev_1', token: 2815745, side: 'BUY', type: 'limit', tif: 'DAY', qty: 10, filledQty: 0, limitPrice: 1_240_000, stopPrice: null, status: 'Accepted', parentOrderId: null, createdTs: Date.now() - 600_000, updatedTs: Date.now() - 600_000, filledNotional: 0, fees: 0, history: [] });
  // Two hours of equity history: a random walk that ends at today's real totals
  const now0 = totals();
  const steps: number[] = [];
  let walk = 0;
  for (let k = 0; k < 240; k++) steps.push((walk += (rand() - 0.45) * 40_000));
  const shift = now0['netPnl']! - walk;
  for (let k = 0; k < 240; k++) {
    const net = Math.round(steps[k]! * (k / 239) + shift * (k / 239));
    equityHistory.push({ ts: seedTs + k * 30_000, equity: now0['startingCash']! + net, cash: now0['cash']!, netPnl: net, realizedPnl: 0, unrealizedPnl: net, fees: 0, divisor: 100 });
  }
  for (const p of equityHistory) (p as Record<string, unknown>)['broker'] = BROKER;

  const timers: NodeJS.Timeout[] = [];
  timers.push(setInterval(() => {
    const now = Date.now();
    const batch: Record<string, unknown>[] = [];
    for (const i of instruments) {
      if (rand() < 0.45) continue;
      const p = prices.get(i.token)!;
      p.ltp = Math.max(5, p.ltp + Math.round((rand() - 0.5) * p.ltp * 0.0012 / 5) * 5);
      p.volume += Math.round(rand() * 4000);
      p.high = Math.max(p.high, p.ltp);
      p.low = Math.min(p.low, p.ltp);
      const lvl = (d: number, side: number): { price: number; quantity: number; orders: number }[] => [0, 1, 2, 3, 4].map((n) => ({ price: p.ltp + side * (d + n) * 5, quantity: 50 + Math.round(rand() * 900), orders: 1 + Math.round(rand() * 9) }));
      const bps = ((p.ltp - p.close) * 10_000) / p.close;
      batch.push({ token: i.token, ltp: p.ltp, divisor: 100, volume: p.volume, lastQty: 1, avgPrice: p.ltp, buyQty: 0, sellQty: 0, open: p.close, high: p.high, low: p.low, close: p.close, change: p.ltp - p.close, changeBps: Math.sign(bps) * Math.round(Math.abs(bps)), oi: 0, tradable: i.tradable, exchangeTs: now, lastTradeTs: now, depth: { buy: lvl(1, -1), sell: lvl(1, 1) } });
    }
    for (const c of clients) {
      if (!c.streams.has('market.ticks')) continue;
      const mine = c.tokens === null ? batch : batch.filter((t) => c.tokens!.has(t['token'] as number));
      const out = c.depth ? mine : mine.map(({ depth: _d, ...rest }) => rest);
      if (out.length > 0) c.ws.send(JSON.stringify({ type: 'ticks', data: out }));
    }
  }, opts.tickMs ?? 150));

  timers.push(setInterval(() => {
    const now = Date.now();
    for (const s of strategies) {
      const t = totals(s);
      publish(`${BROKER}.pnl.snapshots`, envelope('pnl_snapshot', `portfolio_snapshot_${BROKER}:${s}`, { broker: BROKER, strategyId: s, ts: now, realizedPnl: t['realizedPnl'], unrealizedPnl: t['unrealizedPnl'], totalPnl: t['netPnl'], totals: t, currencyDivisor: 100 }, now));
    }
    const t = totals();
    equityHistory.push({ ts: now, equity: t['equity']!, cash: t['cash']!, netPnl: t['netPnl']!, realizedPnl: t['realizedPnl']!, unrealizedPnl: t['unrealizedPnl']!, fees: t['fees']!, divisor: 100 });
  }, opts.pnlMs ?? 700));

  timers.push(setInterval(() => {
    for (const c of clients) if (c.streams.has('system.health')) c.ws.send(JSON.stringify({ type: 'health', data: healthPayload() }));
  }, opts.healthMs ?? 1000));

  timers.push(setInterval(() => {
    const now = Date.now();
    const tradable = instruments.filter((i) => i.tradable);
    const i = tradable[Math.floor(rand() * tradable.length)]!;
    const strategyId = strategies[Math.floor(rand() * strategies.length)]!;
    const side: 'BUY' | 'SELL' = rand() < 0.5 ? 'BUY' : 'SELL';
    const price = ltpOf(i.token);
    const signal = { strategyId, token: i.token, side, quantity: 10 * (1 + Math.floor(rand() * 5)), price, ts: now, confidence: 0.5 + rand() * 0.45, order: {}, metadata: {} };
    const raw = envelope('trading_signal', `${strategyId}:${i.token}`, signal, now);
    publish(`${BROKER}.signals.raw`, raw);
    if (kill.engaged || rand() < 0.3) {
      const reasons = kill.engaged ? [{ rule: 'KillSwitch', code: 'ERR_RISK_KILL_SWITCH', message: `kill switch engaged: ${kill.reason}` }] : [{ rule: 'PositionLimit', code: 'ERR_RISK_POSITION_LIMIT', message: `position would exceed ${fmtRs(25_00_000_00)}` }];
      publish(`${BROKER}.signals.rejected`, envelope('rejected_signal', raw['key'] as string, { signal, reasons, checks: {}, rejectionReason: reasons.map((r) => `${r.rule}: ${r.message}`).join('; '), ts: now }, now, raw));
      return;
    }
    publish(`${BROKER}.signals.validated`, envelope('validated_signal', raw['key'] as string, { signal, validatedQty: signal.quantity, validatedPrice: price, checks: {}, ts: now }, now, raw));
    const orderId = `ORD-${String(++orderSeq).padStart(5, '0')}`;
    const o: Order = { orderId, broker: BROKER, strategyId, token: i.token, side, type: 'market', tif: 'DAY', qty: signal.quantity, filledQty: 0, limitPrice: null, stopPrice: null, status: 'Submitted', parentOrderId: null, createdTs: now, updatedTs: now, filledNotional: 0, fees: 0, history: [] };
    orders.push(o);
    publish(`${BROKER}.orders.submitted`, envelope('order_placed', `${strategyId}:${i.token}:${orderId}`, { order: { ...o }, executionMode: BROKER, ts: now }, now));
    const fees = applyFill(strategyId, i.token, side, o.qty, price, now + 5);
    Object.assign(o, { filledQty: o.qty, status: 'Filled', updatedTs: now + 5, filledNotional: price * o.qty, fees });
    const fill = { tradeId: `${orderId}-1`, orderId, broker: BROKER, strategyId, token: i.token, side, quantity: o.qty, price, fees, ts: now + 5, fillSeq: ++fillSeq };
    fills.push(fill);
    publish(`${BROKER}.orders.filled`, envelope('order_filled', `${strategyId}:${i.token}:${orderId}`, { fill, order: { ...o }, executionMode: BROKER }, now + 5));
  }, opts.signalMs ?? 1200));

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    dropSockets(downMs: number) {
      downUntil = Date.now() + downMs;
      for (const c of clients) c.ws.terminate();
    },
    setTreeState(s: string) {
      treeState = s;
    },
    killSwitch: () => kill,
    flattens: () => flattens,
    async close() {
      for (const t of timers) clearInterval(t);
      for (const c of clients) c.ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function fmtRs(paise: number): string {
  return `₹${(paise / 100).toLocaleString('en-IN')}`;
}
