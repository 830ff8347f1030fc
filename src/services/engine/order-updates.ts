// The ring record of `zerodha.orders.updates`: a KiteTicker `order` text message, decoded by the
// market feed (src/services/feed/kite-source.ts) and forwarded to the zerodha engine, which folds it
// through the venue like a poll (actors/zerodha-engine-shell.ts). No worker APIs.
// Invariant: an update only ever speeds up what the poll would find; it never creates a fill (fills
// come from GET /trades), so a lost, duplicated or reordered update changes nothing but latency.
import { appError, err, ok, type AlphaPandaError, type Result } from '../../errors.js';
import type { KiteOrder } from '../../kite/rest/types.js';

export interface OrderUpdateRecord {
  readonly v: 1;
  /** Wall time the feed received the message (epoch ms). */
  readonly receivedAt: number;
  readonly order: KiteOrder;
}

/** Longest status message carried (Kite's rejection texts are short; the ring slot is 2 KiB by default). */
const STATUS_MESSAGE_MAX = 300;

export function orderUpdateRecord(order: KiteOrder, receivedAt: number): OrderUpdateRecord {
  const m = order.statusMessage;
  return { v: 1, receivedAt, order: m !== null && m.length > STATUS_MESSAGE_MAX ? { ...order, statusMessage: m.slice(0, STATUS_MESSAGE_MAX) } : order };
}

const STRING_FIELDS = ['orderId', 'status', 'variety', 'exchange', 'tradingsymbol', 'orderType', 'transactionType', 'validity', 'product'] as const;
const INT_FIELDS = ['quantity', 'filledQuantity', 'pendingQuantity', 'cancelledQuantity', 'price', 'triggerPrice', 'averagePrice', 'instrumentToken'] as const;
const OPT_STRING_FIELDS = ['exchangeOrderId', 'parentOrderId', 'statusMessage', 'tag', 'orderTimestamp', 'exchangeTimestamp'] as const;

/** Checks a record read from the ring (another thread's JSON); ERR_KITE_DATA names the bad field. */
export function decodeOrderUpdate(v: unknown): Result<OrderUpdateRecord, AlphaPandaError> {
  const bad = (reason: string): Result<OrderUpdateRecord, AlphaPandaError> => err(appError('ERR_KITE_DATA', { route: 'zerodha.orders.updates', status: 0, reason }));
  if (typeof v !== 'object' || v === null) return bad('expected an object');
  const r = v as { v?: unknown; receivedAt?: unknown; order?: unknown };
  if (r.v !== 1) return bad(`version ${String(r.v)}, expected 1`);
  if (typeof r.receivedAt !== 'number' || !Number.isFinite(r.receivedAt)) return bad('receivedAt: expected a number');
  const o = r.order as Record<string, unknown> | null | undefined;
  if (typeof o !== 'object' || o === null) return bad('order: expected an object');
  for (const f of STRING_FIELDS) if (typeof o[f] !== 'string') return bad(`order.${f}: expected a string`);
  for (const f of INT_FIELDS) if (!Number.isSafeInteger(o[f])) return bad(`order.${f}: expected an integer`);
  for (const f of OPT_STRING_FIELDS) if (o[f] !== null && typeof o[f] !== 'string') return bad(`order.${f}: expected a string or null`);
  return ok(r as OrderUpdateRecord);
}
