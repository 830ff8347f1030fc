// The trader's routes under /api/v1: closed trades and live performance (scope `read`), and
// pausing or resuming one strategy (scope `trade`, audited, confirmed). Closing one position is
// not here: it is POST /api/v1/flatten with `strategyId` and `token` (routes-control.ts), the same
// path as every flatten.
//
// Trades and performance read the broker's committed fill log here, with a fresh read snapshot
// per request (store-read.ts), never from a trading actor. The work is bounded: at most
// MAX_FILLS_SCANNED of the newest fills are read and matched (the archiver's retention bounds
// the log anyway); a longer log is answered with `window.partial: true` (see trader-views.ts).
import { z } from 'zod';
import { appError } from '../errors.js';
import type { Broker, Fill } from '../domain/types.js';
import { jsonBody, type Reply } from './http.js';
import { brokerOrFirst, idParam, intParam, pageParams, textParam } from './query.js';
import type { ApiDeps } from './routes-api.js';
import { checkBroker, parse } from './routes-control.js';
import type { Route } from './router.js';
import { performanceView, tradesView, type FillWindow, type PortfolioFigures } from './trader-views.js';

/**
 * Most fills one trades or performance request reads and matches. The request runs on the
 * gateway's event loop: matching 50 000 fills took 50 to 100 ms on the 2-core dev machine under
 * load (FIFO matching dominates), 20 000 keeps a request around 20 to 40 ms.
 */
export const MAX_FILLS_SCANNED = 20_000;

const json = (data: unknown): Reply => ({ kind: 'json', data });

/** The newest `cap` fills of `broker`'s log in fillSeq order, and whether older ones exist. */
export async function readFillWindow(d: ApiDeps, broker: Broker, cap: number = MAX_FILLS_SCANNED): Promise<{ fills: Fill[]; window: FillWindow }> {
  // fillSeq is gap-free from 1 (retention deletes from the oldest end), so the window is a key range,
  // read in pages of what the history source carries at once (one page from the local store)
  const last = await d.history.read({ kind: 'last-fill-seq', broker });
  const start = Math.max(0, last - cap);
  const fills: Fill[] = [];
  for (let after = start; fills.length < cap; ) {
    const page = (await d.history.read({ kind: 'fills', broker, limit: Math.min(d.history.fillsPage, cap - fills.length), afterSeq: after })).fills;
    fills.push(...page);
    if (page.length === 0 || page[page.length - 1]!.fillSeq >= last) break;
    after = page[page.length - 1]!.fillSeq;
  }
  const partial = start > 0 && (await d.history.read({ kind: 'fills', broker, limit: 1, afterSeq: 0 })).fills.some((f) => f.fillSeq <= start);
  return { fills, window: { fills: fills.length, cap, partial } };
}

const PauseBody = z.strictObject({
  paused: z.boolean(),
  broker: z.string().optional(),
  // Checked by hand: anything but `true` is ERR_PAUSE_UNCONFIRMED
  confirm: z.unknown().optional(),
});

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** GET /api/v1/trades, GET /api/v1/performance, POST /api/v1/strategies/:id/pause. */
export function traderRoutes(d: ApiDeps): Route[] {
  return [
    {
      method: 'get',
      pattern: '/api/v1/trades',
      scope: 'read',
      handler: async ({ req }) => {
        const broker = brokerOrFirst(req.query, d.brokers);
        const strategyId = textParam(req.query, 'strategy');
        const token = intParam(req.query, 'token', 1, Number.MAX_SAFE_INTEGER);
        const { page, size, offset } = pageParams(req.query);
        // `limit` is the short form for "the newest N" (page 1)
        const limit = intParam(req.query, 'limit', 1, 1000, size);
        const { fills, window } = await readFillWindow(d, broker);
        const view = tradesView(broker, fills, window, {
          offset,
          limit,
          ...(strategyId !== undefined ? { strategyId } : {}),
          ...(token !== undefined ? { token } : {}),
        });
        return json({ ...view, page, size: limit, divisor: 100 });
      },
    },
    {
      method: 'get',
      pattern: '/api/v1/performance',
      scope: 'read',
      handler: async ({ req }) => {
        const broker = brokerOrFirst(req.query, d.brokers);
        // Positions and capital are the portfolio manager's (in memory, bounded by the configuration)
        const portfolio = await d.upstream.call('portfolio-manager', 'portfolio', { broker });
        if (!isRecord(portfolio) || !Array.isArray(portfolio['positions']) || !Array.isArray(portfolio['strategies'])) {
          throw appError('ERR_UPSTREAM_UNAVAILABLE', { target: 'portfolio-manager', reason: 'portfolio reply without positions' });
        }
        const { fills, window } = await readFillWindow(d, broker);
        return json({ ...performanceView(broker, fills, window, portfolio as unknown as PortfolioFigures, d.nowMs()), divisor: 100 });
      },
    },
    {
      // The strategy keeps seeing ticks but emits no signal while paused (src/services/trading/strategy.ts);
      // the actor answers after the paused set is committed, so it holds across a restart
      method: 'post',
      pattern: '/api/v1/strategies/:id/pause',
      scope: 'trade',
      handler: async ({ req, body, principal }) => {
        const strategyId = idParam(req.params[0] ?? '', 'strategy id');
        const cmd = parse(PauseBody, jsonBody(body ?? new Uint8Array()));
        const action = cmd.paused ? 'pausing' : 'resuming';
        if (cmd.confirm !== true) throw appError('ERR_PAUSE_UNCONFIRMED', { action, strategyId });
        // The strategy's broker decides which actor runs it (split: the runner; fused: that broker's core)
        let broker = checkBroker(cmd.broker, d.brokers);
        if (broker === undefined) {
          const actors = [...new Set(d.brokers.map((b) => d.actorOf('strategies', b)))];
          const lists = await Promise.all(actors.map((a) => d.upstream.call(a, 'strategies')));
          const info = lists.flatMap((l) => (Array.isArray(l) ? l : [])).find((s): s is Record<string, unknown> => isRecord(s) && s['id'] === strategyId && s['skipped'] === null);
          if (info === undefined) throw appError('ERR_HTTP_NOT_FOUND', { what: `running strategy "${strategyId}"` });
          broker = info['broker'] as Broker;
        }
        d.log.info({ audit: 'pause', by: principal?.name, strategyId, broker, paused: cmd.paused }, `strategy ${cmd.paused ? 'pause' : 'resume'} requested`);
        const reply = await d.upstream.call(d.actorOf('strategies', broker), 'pause', { strategyId, paused: cmd.paused });
        return json({ broker, ...(isRecord(reply) ? reply : {}) });
      },
    },
  ];
}
