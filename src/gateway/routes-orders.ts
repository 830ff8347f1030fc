// Order commands beyond cancel (scope `trade`): POST /api/v1/orders/:id/modify changes a resting
// order's quantity, limit price or trigger price. Like the cancel route (routes-control.ts) the body
// is validated with zod, the call is audited with the token's NAME (never its value), and the
// engine's answer is passed back once the engine has committed the request: zerodha sends it to Kite
// after that commit and our order changes when Kite reports it; paper answers
// ERR_ORDER_MODIFY_UNSUPPORTED. Prices are integer paise, as everywhere in the API.
import { z } from 'zod';
import { jsonBody } from './http.js';
import { brokerOrFirst, idParam } from './query.js';
import { checkBroker, parse } from './routes-control.js';
import type { ApiDeps } from './routes-api.js';
import type { Route } from './router.js';

const paise = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const ModifyBody = z
  .strictObject({
    broker: z.string().optional(),
    quantity: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    /** Limit price, paise (LIMIT and stop-limit orders). */
    price: paise.optional(),
    /** Trigger price, paise (stop and stop-limit orders). */
    triggerPrice: paise.optional(),
  })
  .refine((b) => b.quantity !== undefined || b.price !== undefined || b.triggerPrice !== undefined, { message: 'give quantity, price or triggerPrice' });

/** POST /api/v1/orders/:id/modify. */
export function orderRoutes(d: ApiDeps): Route[] {
  return [
    {
      method: 'post',
      pattern: '/api/v1/orders/:id/modify',
      scope: 'trade',
      handler: async ({ req, body, principal }) => {
        const orderId = idParam(req.params[0] ?? '', 'order id');
        const cmd = parse(ModifyBody, jsonBody(body ?? new Uint8Array()));
        const broker = checkBroker(cmd.broker, d.brokers) ?? brokerOrFirst(req.query, d.brokers);
        const change = {
          ...(cmd.quantity !== undefined ? { quantity: cmd.quantity } : {}),
          ...(cmd.price !== undefined ? { price: cmd.price } : {}),
          ...(cmd.triggerPrice !== undefined ? { triggerPrice: cmd.triggerPrice } : {}),
        };
        d.log.info({ audit: 'modify', by: principal?.name, orderId, broker, ...change }, 'order modify requested');
        const reply = await d.upstream.call(d.actorOf('engine', broker), 'modify', { orderId, ...change });
        return { kind: 'json', data: reply };
      },
    },
  ];
}
