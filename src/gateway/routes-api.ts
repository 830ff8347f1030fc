// Read-only REST routes under /api/v1 (scope `read`): each reads committed LMDB state (history.ts),
// or calls one actor through the main thread (`actor-call`), and answers `{ ok: true,
// data }`; lists are `{ items, total?, page, size }`. Query parameters are validated here
// (query.ts); actor replies are passed through.
//
// Orders and fills are history: they grow without bound, so they are NEVER asked of the trading
// engine (a read there would run on the trading thread). They are read here, with lmdb-js read
// transactions, as key ranges of the page's size (history.ts; on a cluster node of its own, the
// gateway asks the node holding the store, whose main thread reads them the same way). The actor calls
// left are views of in-memory state bounded by the configuration (positions, totals, strategies),
// whatever the store size.
import type { Logger } from 'pino';
import { appError } from '../errors.js';
import type { Broker } from '../domain/types.js';
import type { HistorySource } from './history.js';
import type { Reply } from './http.js';
import { ORDER_STATUSES } from '../domain/order/status.js';
import { brokerOrFirst, brokerParam, enumParam, idParam, intParam, pageParams, textParam } from './query.js';
import type { Route } from './router.js';
import type { Upstream } from './upstream.js';
import type { TradingRole } from '../protocol/actors.js';

/** Dependencies of the API routes. */
export interface ApiDeps {
  readonly upstream: Upstream;
  readonly brokers: readonly Broker[];
  /** The actor playing a trading role for a broker in this run's topology. */
  readonly actorOf: (role: TradingRole, broker: Broker) => string;
  /** Orders, fills, equity and the kill switch view (local store or the store's node: history.ts). */
  readonly history: HistorySource;
  readonly log: Logger;
  nowMs(): number;
}

const json = (data: unknown): Reply => ({ kind: 'json', data });
const DAY_MS = 24 * 60 * 60 * 1000;

/** The items of a reply that may be a bare list or wrap one under `key`. */
function listOf(reply: unknown, key: string): unknown[] {
  if (Array.isArray(reply)) return reply;
  const r = reply as Record<string, unknown> | null;
  const inner = r !== null && typeof r === 'object' ? r[key] : undefined;
  return Array.isArray(inner) ? inner : [];
}

function pathBroker(value: string, brokers: readonly Broker[]): Broker {
  if (!(brokers as readonly string[]).includes(value)) throw appError('ERR_HTTP_NOT_FOUND', { what: `broker "${value.slice(0, 20)}" (active: ${brokers.join(', ')})` });
  return value as Broker;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** The read-only routes. */
export function apiRoutes(d: ApiDeps): Route[] {
  const get = (pattern: string, handler: Route['handler']): Route => ({ method: 'get', pattern, scope: 'read', handler });
  return [
    get('/api/v1/portfolios', async () => {
      const items = await Promise.all(d.brokers.map((broker) => d.upstream.call('portfolio-manager', 'portfolio', { broker })));
      return json({ items });
    }),
    get('/api/v1/portfolios/:broker', async ({ req }) => {
      const broker = pathBroker(req.params[0] ?? '', d.brokers);
      return json(await d.upstream.call('portfolio-manager', 'portfolio', { broker }));
    }),
    get('/api/v1/positions', async ({ req }) => {
      const broker = brokerParam(req.query, d.brokers);
      const strategyId = textParam(req.query, 'strategy');
      const reply = await d.upstream.call('portfolio-manager', 'positions', { ...(broker !== undefined ? { broker } : {}), ...(strategyId !== undefined ? { strategyId } : {}) });
      return json(Array.isArray(reply) ? { items: reply } : reply);
    }),
    get('/api/v1/orders', async ({ req }) => {
      const broker = brokerOrFirst(req.query, d.brokers);
      const { page, size, offset } = pageParams(req.query);
      const strategyId = textParam(req.query, 'strategy');
      const status = enumParam(req.query, 'status', ORDER_STATUSES);
      const r = await d.history.read({
        kind: 'orders',
        broker,
        limit: size,
        offset,
        ...(strategyId !== undefined ? { strategyId } : {}),
        ...(status !== undefined ? { status } : {}),
      });
      return json({ broker, items: r.orders, total: r.total, page, size, ...(r.scan !== undefined ? { scan: r.scan } : {}) });
    }),
    get('/api/v1/fills', async ({ req }) => {
      const broker = brokerOrFirst(req.query, d.brokers);
      const { page, size, offset } = pageParams(req.query);
      const order = enumParam(req.query, 'order', ['asc', 'desc'] as const) ?? 'asc';
      if (order === 'desc') {
        if (req.query.has('afterSeq')) throw appError('ERR_HTTP_BAD_REQUEST', { reason: 'expected beforeSeq with order=desc, was afterSeq' });
        // Newest first: page n skips (n-1)·size sequence numbers below beforeSeq (default: the newest)
        const beforeSeq = intParam(req.query, 'beforeSeq', 1, MAX_SEQ);
        const r = await d.history.read({ kind: 'fills-newest', broker, limit: size, skip: offset, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
        return json({ broker, items: r.fills, page, size, nextBeforeSeq: r.nextBeforeSeq });
      }
      if (req.query.has('beforeSeq')) throw appError('ERR_HTTP_BAD_REQUEST', { reason: 'expected afterSeq with order=asc, was beforeSeq' });
      // The fill log is keyed by a gap-free fillSeq from 1, so page n starts after seq (n-1)·size
      const afterSeq = intParam(req.query, 'afterSeq', 0, MAX_SEQ, offset);
      const r = await d.history.read({ kind: 'fills', broker, limit: size, afterSeq });
      return json({ broker, items: r.fills, page, size, nextAfterSeq: r.nextAfterSeq });
    }),
    get('/api/v1/equity', async ({ req }) => {
      const broker = brokerOrFirst(req.query, d.brokers);
      const to = intParam(req.query, 'to', 0, 8.64e15, d.nowMs());
      const from = intParam(req.query, 'from', 0, 8.64e15, to - DAY_MS);
      const maxPoints = intParam(req.query, 'points', 2, 5000, 1000);
      if (from > to) throw appError('ERR_HTTP_BAD_REQUEST', { reason: `expected from <= to, was from=${from} to=${to}` });
      const curve = await d.history.read({ kind: 'equity', broker, from, to, maxPoints });
      return json({ ...curve, divisor: 100 });
    }),
    get('/api/v1/instruments', async ({ req }) => {
      const q = textParam(req.query, 'q', 64);
      const limit = intParam(req.query, 'limit', 1, 1000, 50);
      if (q !== undefined) return json({ items: listOf(await d.upstream.call('instrument-registry', 'search', { q, limit }), 'items').slice(0, limit) });
      const all = listOf(await d.upstream.call('instrument-registry', 'list'), 'items');
      return json({ items: all.slice(0, limit), total: all.length });
    }),
    get('/api/v1/instruments/:ref', async ({ req }) => {
      const ref = idParam(req.params[0] ?? '', 'instrument reference');
      const arg = /^\d+$/.test(ref) ? { token: Number(ref) } : { symbol: ref };
      return json(await d.upstream.call('instrument-registry', 'lookup', arg));
    }),
    get('/api/v1/strategies', async () => {
      // Every distinct actor running strategies (split: the one runner; fused: one core per broker)
      const actors = [...new Set(d.brokers.map((b) => d.actorOf('strategies', b)))];
      const replies = await Promise.all(actors.map((a) => d.upstream.call(a, 'strategies')));
      return json({ items: replies.flatMap((r) => listOf(r, 'items')) });
    }),
    get('/api/v1/monitor/pipeline', async ({ req }) => {
      const broker = brokerParam(req.query, d.brokers);
      return json(await d.upstream.call('pipeline-monitor', 'status', broker !== undefined ? { broker } : null));
    }),
    get('/api/v1/monitor/history', async ({ req }) => {
      const broker = brokerOrFirst(req.query, d.brokers);
      const limit = intParam(req.query, 'limit', 1, 1000, 50);
      const reply = await d.upstream.call('pipeline-monitor', 'history', { broker, limit });
      return json(Array.isArray(reply) ? { broker, items: reply } : reply);
    }),
    get('/api/v1/auth/status', async () => json(await d.upstream.call('auth', 'status'))),
  ];
}
