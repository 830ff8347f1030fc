// Reconciliation with Kite's order book by tag, the step the engine runs after any crash or restore
// BEFORE it sends anything new (nautilus_trader's model; kite-connect reference §1.6). PURE.
// Every order we send carries orderTag(signalKey) (tag.ts), so Kite's /orders and /trades tell, for
// each signal we meant to send, whether Kite has it — whatever the last thing we managed to persist.
// Guarantees of reconcile():
//   - an intent whose tag Kite has is ADOPTED (never reported missing), so nothing is sent twice;
//   - only an intent Kite has no order for is MISSING, and only those may be (re)sent;
//   - every trade of an order of ours that is not yet applied is returned once, in Kite's order;
//   - orders without our tag (placed by hand, another app) are FOREIGN: reported, never touched;
//   - two Kite orders with one tag (should never happen) are reported, and the first is adopted.
import type { OrderStatus } from '../../domain/order/status.js';
import { isOurTag } from './tag.js';
import type { KiteOrder, KiteTrade } from './types.js';

/** How far a Kite status string has got (reference §1.6, "suggested internal mapping"). */
export type KiteStatusKind = 'pending-new' | 'working' | 'pending-replace' | 'pending-cancel' | 'filled' | 'canceled' | 'rejected' | 'unknown';

const KINDS: Readonly<Record<string, KiteStatusKind>> = {
  'PUT ORDER REQ RECEIVED': 'pending-new',
  'AMO REQ RECEIVED': 'pending-new',
  'VALIDATION PENDING': 'pending-new',
  'OPEN PENDING': 'pending-new',
  OPEN: 'working',
  'TRIGGER PENDING': 'working',
  'MODIFY VALIDATION PENDING': 'pending-replace',
  'MODIFY PENDING': 'pending-replace',
  MODIFIED: 'pending-replace',
  'CANCEL PENDING': 'pending-cancel',
  COMPLETE: 'filled',
  CANCELLED: 'canceled',
  REJECTED: 'rejected',
};

/** The kind of a Kite status; an unknown string is 'unknown', which calls for a reconciliation. */
export function kiteStatusKind(status: string): KiteStatusKind {
  return KINDS[status] ?? 'unknown';
}

/**
 * Our order state machine's status for a Kite order state (src/domain/order/status.ts), or undefined
 * while Kite's state does not decide one (pending or unknown). Fills decide PartiallyFilled.
 */
export function orderStatusOf(o: Pick<KiteOrder, 'status' | 'filledQuantity' | 'orderType'>): OrderStatus | undefined {
  const kind = kiteStatusKind(o.status);
  switch (kind) {
    case 'filled':
      return 'Filled';
    case 'canceled':
      return 'Canceled';
    case 'rejected':
      return 'Rejected';
    case 'working':
    case 'pending-replace':
    case 'pending-cancel':
      if (o.filledQuantity > 0) return 'PartiallyFilled';
      if (o.status === 'TRIGGER PENDING') return 'Accepted';
      // A stop order that is OPEN has been triggered
      return o.orderType === 'SL' || o.orderType === 'SL-M' ? 'Triggered' : 'Accepted';
    case 'pending-new':
      return 'Submitted';
    case 'unknown':
      return undefined;
  }
}

/** What the engine remembers of an order it meant to send. */
export interface LocalIntent {
  readonly tag: string;
  /** Kite's order id when the place call's answer was persisted; absent if we crashed before. */
  readonly orderId?: string;
}

export interface Adoption {
  readonly intent: LocalIntent;
  /** Kite's latest state of the order. */
  readonly order: KiteOrder;
  /** True when our record lacked the order id (the answer was lost) or had a different one. */
  readonly learnedId: boolean;
}

export interface Reconciliation {
  readonly adopted: readonly Adoption[];
  /** Intents Kite has no order for: the only ones that may be sent (again). */
  readonly missing: readonly LocalIntent[];
  /** Trades of our orders not yet applied, in Kite's order. */
  readonly newTrades: readonly KiteTrade[];
  /** Kite orders with our tag shape that no intent names (e.g. an intent lost with a crash). */
  readonly orphans: readonly KiteOrder[];
  /** Kite orders without our tag. */
  readonly foreign: readonly KiteOrder[];
  /** Tags Kite holds more than one order for. */
  readonly duplicateTags: readonly string[];
}

/**
 * Compares our intents with Kite's book (`orders` from GET /orders, `trades` from GET /trades) and
 * the trade ids already in our fill log.
 */
export function reconcile(
  intents: readonly LocalIntent[],
  orders: readonly KiteOrder[],
  trades: readonly KiteTrade[],
  appliedTradeIds: ReadonlySet<string>,
): Reconciliation {
  const byTag = new Map<string, KiteOrder>();
  const duplicateTags = new Set<string>();
  const foreign: KiteOrder[] = [];
  for (const o of orders) {
    if (o.tag === null || !isOurTag(o.tag)) {
      foreign.push(o);
      continue;
    }
    if (byTag.has(o.tag)) duplicateTags.add(o.tag);
    else byTag.set(o.tag, o);
  }
  const adopted: Adoption[] = [];
  const missing: LocalIntent[] = [];
  const named = new Set<string>();
  for (const intent of intents) {
    named.add(intent.tag);
    const order = byTag.get(intent.tag);
    if (order === undefined) missing.push(intent);
    else adopted.push({ intent, order, learnedId: intent.orderId !== order.orderId });
  }
  const orphans = [...byTag.entries()].filter(([tag]) => !named.has(tag)).map(([, o]) => o);
  const ours = new Set([...byTag.values()].map((o) => o.orderId));
  const seen = new Set<string>();
  const newTrades = trades.filter((t) => {
    if (!ours.has(t.orderId) || appliedTradeIds.has(t.tradeId) || seen.has(t.tradeId)) return false;
    seen.add(t.tradeId);
    return true;
  });
  return { adopted, missing, newTrades, orphans, foreign, duplicateTags: [...duplicateTags] };
}
