// The only client inputs that reach trading actors: the kill switch, flatten and order cancel (scope
// `trade`). Bodies are validated with zod; every accepted call is audited with the token's NAME
// (never its value), and the actor's answer — committed before it replies — is passed back. The
// kill switch's read side comes from the risk state committed in LMDB (so it is also known while
// trading is down).
import { z } from 'zod';
import { appError } from '../errors.js';
import type { Broker } from '../domain/types.js';
import type { CancelResult } from '../protocol/engine.js';
import type { FlattenResult } from '../protocol/risk.js';
import { jsonBody } from './http.js';
import { brokerOrFirst, idParam } from './query.js';
import type { ApiDeps } from './routes-api.js';
import type { Route } from './router.js';

const KillSwitchBody = z.strictObject({
  engaged: z.boolean(),
  reason: z.string().trim().min(1).max(200),
  broker: z.string().optional(),
});

const CancelBody = z.strictObject({ broker: z.string().optional() }).optional();

// `confirm` is checked by hand: anything but `true` is the dedicated ERR_FLATTEN_UNCONFIRMED
const FlattenBody = z.strictObject({
  broker: z.string().optional(),
  strategyId: z.string().trim().min(1).max(100).optional(),
  // With strategyId: close one position (the dashboard's "close" action), same path as a flatten
  token: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  confirm: z.unknown().optional(),
});

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Validates a request body: the first zod issue becomes ERR_HTTP_BAD_REQUEST naming its path. */
export function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  throw appError('ERR_HTTP_BAD_REQUEST', { reason: `${where}: ${issue?.message ?? 'invalid'}` });
}

export function checkBroker(b: string | undefined, brokers: readonly Broker[]): Broker | undefined {
  if (b === undefined) return undefined;
  if (!(brokers as readonly string[]).includes(b)) throw appError('ERR_HTTP_BAD_REQUEST', { reason: `expected broker to be one of ${brokers.join(', ')}, was "${b.slice(0, 20)}"` });
  return b as Broker;
}

/** GET/POST /api/v1/kill-switch, POST /api/v1/flatten and POST /api/v1/orders/:id/cancel. */
export function controlRoutes(d: ApiDeps): Route[] {
  return [
    {
      // Read side of the kill switch: per broker, engaged or not and why (scope read)
      method: 'get',
      pattern: '/api/v1/kill-switch',
      scope: 'read',
      handler: async () => {
        const out: Record<string, { engaged: boolean; reason: string }> = {};
        // The read model risk publishes with each commit (history.ts)
        for (const b of d.brokers) out[b] = await d.history.read({ kind: 'kill-switch', broker: b });
        return { kind: 'json', data: out };
      },
    },
    {
      method: 'post',
      pattern: '/api/v1/kill-switch',
      scope: 'trade',
      handler: async ({ body, principal }) => {
        const cmd = parse(KillSwitchBody, jsonBody(body ?? new Uint8Array()));
        const broker = checkBroker(cmd.broker, d.brokers);
        d.log.info({ audit: 'kill-switch', by: principal?.name, engaged: cmd.engaged, reason: cmd.reason, broker: broker ?? 'all' }, 'kill switch requested');
        // One call per distinct actor playing risk for the targeted brokers (split: one risk manager)
        const actors = new Set((broker !== undefined ? [broker] : d.brokers).map((b) => d.actorOf('risk', b)));
        const replies = await Promise.all([...actors].map((a) => d.upstream.call(a, 'kill-switch', { engaged: cmd.engaged, reason: cmd.reason, ...(broker !== undefined ? { broker } : {}) })));
        return { kind: 'json', data: Object.assign({}, ...replies.map((r) => (r !== null && typeof r === 'object' ? r : {}))) };
      },
    },
    {
      // Cancel resting orders and close open positions through the pipeline (risk-checked market
      // orders that pass the kill switch while they reduce). Only with "confirm": true.
      method: 'post',
      pattern: '/api/v1/flatten',
      scope: 'trade',
      handler: async ({ body, principal }) => {
        const cmd = parse(FlattenBody, jsonBody(body ?? new Uint8Array()));
        const broker = checkBroker(cmd.broker, d.brokers);
        const targets = broker !== undefined ? [broker] : d.brokers;
        const what = `${broker !== undefined ? `broker ${broker}` : 'every broker'}${cmd.strategyId !== undefined ? `, strategy ${cmd.strategyId}` : ''}${cmd.token !== undefined ? `, instrument ${cmd.token}` : ''}`;
        if (cmd.confirm !== true) throw appError('ERR_FLATTEN_UNCONFIRMED', { target: what });
        d.log.info({ audit: 'flatten', by: principal?.name, broker: broker ?? 'all', strategyId: cmd.strategyId ?? 'all', token: cmd.token ?? 'all' }, 'flatten requested');
        // Split topology: resting orders belong to the engine actor, which risk cannot reach; they are
        // canceled there first (the fused core cancels them itself, in the same step as the closes)
        const canceledHere = new Map<Broker, string[]>();
        for (const b of targets) {
          const engine = d.actorOf('engine', b);
          if (engine === d.actorOf('risk', b)) continue;
          const open = await d.upstream.call(engine, 'open-orders', null);
          const done: string[] = [];
          for (const o of Array.isArray(open) ? open : []) {
            if (!isRecord(o) || typeof o['orderId'] !== 'string') continue;
            if (cmd.strategyId !== undefined && o['strategyId'] !== cmd.strategyId) continue;
            if (cmd.token !== undefined && o['token'] !== cmd.token) continue;
            const r = (await d.upstream.call(engine, 'cancel', { orderId: o['orderId'] })) as CancelResult;
            if (r.ok) done.push(o['orderId']);
          }
          canceledHere.set(b, done);
        }
        const arg = { ...(broker !== undefined ? { broker } : {}), ...(cmd.strategyId !== undefined ? { strategyId: cmd.strategyId } : {}), ...(cmd.token !== undefined ? { token: cmd.token } : {}) };
        const actors = new Set(targets.map((b) => d.actorOf('risk', b)));
        const replies = await Promise.all([...actors].map((a) => d.upstream.call(a, 'flatten', arg)));
        const merged: Record<string, FlattenResult> = Object.assign({}, ...replies.map((r) => (isRecord(r) ? r : {})));
        for (const [b, ids] of canceledHere) {
          const r = merged[b];
          if (r !== undefined) merged[b] = { ...r, canceled: [...ids, ...r.canceled] };
        }
        const summary = Object.fromEntries(Object.entries(merged).map(([b, r]) => [b, { canceled: r.canceled.length, closes: r.closes.length, rejected: r.closes.filter((c) => c.outcome === 'rejected').length }]));
        d.log.info({ audit: 'flatten', by: principal?.name, result: summary }, 'flatten done');
        return { kind: 'json', data: merged };
      },
    },
    {
      method: 'post',
      pattern: '/api/v1/orders/:id/cancel',
      scope: 'trade',
      handler: async ({ req, body, principal }) => {
        const orderId = idParam(req.params[0] ?? '', 'order id');
        const fromBody = checkBroker(parse(CancelBody, jsonBody(body ?? new Uint8Array()))?.broker, d.brokers);
        const broker = fromBody ?? brokerOrFirst(req.query, d.brokers);
        d.log.info({ audit: 'cancel', by: principal?.name, orderId, broker }, 'order cancel requested');
        const reply = await d.upstream.call(d.actorOf('engine', broker), 'cancel', { orderId });
        return { kind: 'json', data: reply };
      },
    },
  ];
}
