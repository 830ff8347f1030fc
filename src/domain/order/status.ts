// Order state machine. PURE. The transition table is data: a (status, event) pair that is not
// listed is rejected with ERR_ORDER_BAD_TRANSITION, so every stored history is a path in the table.
// Filled versus PartiallyFilled is not chosen by the caller: `fillEventFor` derives it from the
// cumulative filled quantity, as nautilus does after its table lookup (docs/reliability.md).

import { err, ok, type Result } from '../../errors.js';

/** Every status an order can be in (FIX OrdStatus, plus Initialized and Triggered for stops). */
export const ORDER_STATUSES = [
  'Initialized',
  'Submitted',
  'Accepted',
  'Triggered',
  'PartiallyFilled',
  'Filled',
  'Canceled',
  'Expired',
  'Rejected',
] as const;

/** Lifecycle status of an order. `Accepted` and `Triggered` are resting (working) states. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Every event that can move an order (FIX ExecType-like). */
export const ORDER_EVENT_TYPES = [
  'submit',
  'accept',
  'trigger',
  'partial-fill',
  'fill',
  'cancel',
  'expire',
  'reject',
] as const;

/** What happened to an order; `fill` means "this fill completes the quantity". */
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

type Row = Readonly<Partial<Record<OrderEventType, OrderStatus>>>;

/**
 * The one transition table. Notes on the less obvious edges:
 * - Submitted → Filled / PartiallyFilled: a marketable order fills without resting first.
 * - Submitted → Triggered: a stop whose trigger is already met on arrival.
 * - Submitted → Canceled: IOC remainder after no fill (FIX/nautilus "FOK and IOC cases").
 * - Accepted/Triggered → Rejected: the paper venue refuses a resting order at execution time
 *   when cash or position no longer suffice (it reserves nothing while the order rests).
 * - PartiallyFilled → Canceled: IOC remainder after a clamped fill, or a user cancel.
 * - Canceled → Filled: a late fill racing the cancel on a live venue (nautilus "real world
 *   possibility"); the paper broker itself never produces it.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Row>> = {
  Initialized: { submit: 'Submitted', reject: 'Rejected' },
  Submitted: {
    accept: 'Accepted',
    trigger: 'Triggered',
    'partial-fill': 'PartiallyFilled',
    fill: 'Filled',
    cancel: 'Canceled',
    reject: 'Rejected',
  },
  Accepted: {
    trigger: 'Triggered',
    'partial-fill': 'PartiallyFilled',
    fill: 'Filled',
    cancel: 'Canceled',
    expire: 'Expired',
    reject: 'Rejected',
  },
  Triggered: {
    'partial-fill': 'PartiallyFilled',
    fill: 'Filled',
    cancel: 'Canceled',
    expire: 'Expired',
    reject: 'Rejected',
  },
  PartiallyFilled: {
    'partial-fill': 'PartiallyFilled',
    fill: 'Filled',
    cancel: 'Canceled',
    expire: 'Expired',
  },
  Filled: {},
  Canceled: { fill: 'Filled' },
  Expired: {},
  Rejected: {},
};

/** Statuses after which the order no longer works (Canceled still absorbs a racing late fill). */
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'Filled',
  'Canceled',
  'Expired',
  'Rejected',
]);

/** True when the order is finished (no further fills expected from the paper venue). */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Domain error for an illegal (status, event) pair; `orderId` is added by order-level callers. */
export interface BadTransitionError {
  readonly code: 'ERR_ORDER_BAD_TRANSITION';
  readonly from: OrderStatus;
  readonly event: OrderEventType;
  readonly orderId?: string;
  readonly reason?: string;
}

/** Looks the pair up in ORDER_TRANSITIONS; anything unlisted is ERR_ORDER_BAD_TRANSITION. */
export function transition(from: OrderStatus, event: OrderEventType): Result<OrderStatus, BadTransitionError> {
  const next = ORDER_TRANSITIONS[from][event];
  return next === undefined ? err({ code: 'ERR_ORDER_BAD_TRANSITION', from, event }) : ok(next);
}

/** Chooses the fill event from the cumulative filled quantity after the fill. */
export function fillEventFor(filledQtyAfter: number, orderQty: number): 'fill' | 'partial-fill' {
  return filledQtyAfter >= orderQty ? 'fill' : 'partial-fill';
}
