// The only client inputs that reach trading actors: the kill switch and order cancel (scope `trade`).
// Bodies are validated with zod; every accepted call is audited with the token's NAME (never its
// value), and the actor's answer — committed before it replies — is passed back.
import { z } from 'zod';
import { appError } from '../errors.js';
import type { Broker } from '../domain/types.js';
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

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  throw appError('ERR_HTTP_BAD_REQUEST', { reason: `${where}: ${issue?.message ?? 'invalid'}` });
}

function checkBroker(b: string | undefined, brokers: readonly Broker[]): Broker | undefined {
  if (b === undefined) return undefined;
  if (!(brokers as readonly string[]).includes(b)) throw appError('ERR_HTTP_BAD_REQUEST', { reason: `expected broker to be one of ${brokers.join(', ')}, was "${b.slice(0, 20)}"` });
  return b as Broker;
}

/** GET/POST /api/v1/kill-switch and POST /api/v1/orders/:id/cancel. */
export function controlRoutes(d: ApiDeps): Route[] {
  return [
    {
      // Read side of the kill switch: per broker, engaged or not and why (scope read)
      method: 'get',
      pattern: '/api/v1/kill-switch',
      scope: 'read',
      handler: async () => {
        const out: Record<string, unknown> = {};
        for (const b of d.brokers) {
          const state = (await d.upstream.call(d.actorOf('risk', b), 'risk-state', { broker: b })) as { killSwitch?: unknown } | null;
          out[b] = state?.killSwitch ?? null;
        }
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
