// The argument of the engine's `modify` command (REST: POST /api/v1/orders/:id/modify), checked at
// the boundary: an order id and at least one of quantity, price, triggerPrice. Prices are integer
// paise (the gateway converts nothing: exact money end to end). No worker APIs.
import { err, ok, type Result } from '../../errors.js';
import type { OrderChange } from '../../protocol/trading.js';

export interface ModifyArg {
  readonly orderId: string;
  readonly change: OrderChange;
}

const FIELDS = ['quantity', 'price', 'triggerPrice'] as const;

/** Parses `{orderId, quantity?, price?, triggerPrice?}`; the error names the offending field. */
export function modifyArgFrom(arg: unknown): Result<ModifyArg, string> {
  if (typeof arg !== 'object' || arg === null) return err('expected an object {orderId, quantity?, price?, triggerPrice?}');
  const a = arg as Record<string, unknown>;
  if (typeof a['orderId'] !== 'string' || a['orderId'] === '') return err('orderId: expected a non-empty string');
  const change: { quantity?: number; price?: number; triggerPrice?: number } = {};
  for (const f of FIELDS) {
    const v = a[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) return err(`${f}: expected a positive integer${f === 'quantity' ? '' : ' (paise)'}, was ${JSON.stringify(v)}`);
    change[f] = v;
  }
  if (Object.keys(change).length === 0) return err('nothing to change: give quantity, price or triggerPrice');
  return ok({ orderId: a['orderId'], change });
}
