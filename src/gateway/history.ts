// The gateway's history reads: orders, fills, the equity curve and the kill switch's read model,
// committed LMDB state read as key ranges of a page's size (src/services/engine/queries.ts). One
// request shape, one reader (`readHistory`), two sources:
//   - local: the gateway's own process reads its store (one process, or the cluster node that
//     holds the trading store); no client request ever reaches a trading thread;
//   - remote: a gateway on a cluster node of its own sends the same request to its main thread,
//     which forwards it over the control plane to the node holding the store, whose main thread
//     answers with `readHistory` on its store (src/cluster/control.ts, actors/requests.ts).
// Requests are validated here (they may come over the network), with the same bounds as the routes.
import type { RootDatabase } from 'lmdb';
import { z } from 'zod';
import { appError } from '../errors.js';
import { BROKER_NAMES } from '../config/sections.js';
import { ORDER_STATUSES } from '../domain/order/status.js';
import type { Broker } from '../domain/types.js';
import { lastFillSeq, queryFills, queryFillsNewest, queryOrders, type NewestFillsPage, type OrdersReadPage } from '../services/engine/queries.js';
import type { FillsPage } from '../protocol/engine.js';
import { K } from '../store/keyspace.js';
import { readEquity, type EquityCurve } from './equity.js';
import { freshStore } from './store-read.js';

/** Most fills one remote page carries (a NATS message holds at most 1 MB by default). */
export const REMOTE_FILLS_PAGE = 2000;
/** Most fills one request may ask for (the trader views' window: routes-trader.ts MAX_FILLS_SCANNED). */
const MAX_FILLS = 20_000;

const broker = z.enum(BROKER_NAMES);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const HistoryRequest = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('orders'), broker, limit: z.number().int().min(1).max(1000), offset: seq, strategyId: z.string().max(128).optional(), status: z.enum(ORDER_STATUSES).optional() }),
  z.strictObject({ kind: z.literal('fills'), broker, limit: z.number().int().min(1).max(MAX_FILLS), afterSeq: seq }),
  z.strictObject({ kind: z.literal('fills-newest'), broker, limit: z.number().int().min(1).max(1000), skip: seq, beforeSeq: seq.optional() }),
  z.strictObject({ kind: z.literal('equity'), broker, from: seq, to: seq, maxPoints: z.number().int().min(2).max(5000) }),
  z.strictObject({ kind: z.literal('kill-switch'), broker }),
  z.strictObject({ kind: z.literal('last-fill-seq'), broker }),
]);
export type HistoryRequest = z.output<typeof HistoryRequest>;

/** The reply to each kind of request. */
export interface HistoryReplies {
  readonly orders: OrdersReadPage;
  readonly fills: FillsPage;
  readonly 'fills-newest': NewestFillsPage;
  readonly equity: EquityCurve;
  readonly 'kill-switch': { readonly engaged: boolean; readonly reason: string };
  readonly 'last-fill-seq': number;
}

/** Where the gateway's history comes from. */
export interface HistorySource {
  read<R extends HistoryRequest>(req: R): Promise<HistoryReplies[R['kind']]>;
  /** Most fills one read returns (a remote source pages). */
  readonly fillsPage: number;
}

/** The broker of a history request (which node's store answers it). */
export function historyBroker(req: unknown): Broker | undefined {
  const b = (req as { broker?: unknown } | null)?.broker;
  return (BROKER_NAMES as readonly unknown[]).includes(b) ? (b as Broker) : undefined;
}

/** Answers a history request from `db` (read with a fresh snapshot); a malformed one is ERR_HTTP_BAD_REQUEST. */
export function readHistory(db: RootDatabase | undefined, raw: unknown): HistoryReplies[HistoryRequest['kind']] {
  const parsed = HistoryRequest.safeParse(raw);
  if (!parsed.success) throw appError('ERR_HTTP_BAD_REQUEST', { reason: `history request: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  const req = parsed.data;
  const store = freshStore(db);
  switch (req.kind) {
    case 'orders':
      return queryOrders(store, req.broker, {
        limit: req.limit,
        offset: req.offset,
        ...(req.strategyId !== undefined ? { strategyId: req.strategyId } : {}),
        ...(req.status !== undefined ? { status: req.status } : {}),
      });
    case 'fills':
      return queryFills(store, req.broker, { limit: req.limit, afterSeq: req.afterSeq });
    case 'fills-newest':
      return queryFillsNewest(store, req.broker, { limit: req.limit, skip: req.skip, ...(req.beforeSeq !== undefined ? { beforeSeq: req.beforeSeq } : {}) });
    case 'equity':
      return readEquity(store, req.broker, req.from, req.to, req.maxPoints);
    case 'kill-switch':
      // The read model risk writes with each commit; never engaged before the first one
      return (store.get(K.killSwitchView(req.broker)) as { engaged: boolean; reason: string } | undefined) ?? { engaged: false, reason: '' };
    case 'last-fill-seq':
      return lastFillSeq(store, req.broker);
  }
}

/** History from the gateway's own store. */
export function localHistory(store: RootDatabase | undefined): HistorySource {
  return {
    async read<R extends HistoryRequest>(req: R): Promise<HistoryReplies[R['kind']]> {
      return readHistory(store, req) as unknown as HistoryReplies[R['kind']];
    },
    fillsPage: MAX_FILLS,
  };
}

/** History from the node holding the trading store, through the main thread. */
export function remoteHistory(ask: (req: HistoryRequest) => Promise<unknown>, fillsPage = REMOTE_FILLS_PAGE): HistorySource {
  return {
    async read<R extends HistoryRequest>(req: R): Promise<HistoryReplies[R['kind']]> {
      return (await ask(req)) as HistoryReplies[R['kind']];
    },
    fillsPage,
  };
}
