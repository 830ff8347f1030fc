// Events the paper broker emits and the small value types they carry. PURE, JSON-serialisable.
// Every order event carries the order record AFTER the transition, so the actor can persist it and
// publish `{broker}.orders.submitted|filled|failed` without looking anything up.

import { formatMessage, type ErrorCode, type ErrorDetail } from '../../errors.js';
import type { OrderRecord } from '../order/order.js';
import type { Fill, Paise } from '../types.js';

/** A catalogued domain outcome: code, rendered message and the detail it was rendered from. */
export interface PaperError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly detail: ErrorDetail;
}

/** Builds a PaperError with its message rendered from the catalogue template. */
export function paperError(code: ErrorCode, detail: ErrorDetail = {}): PaperError {
  return { code, message: formatMessage(code, detail), detail };
}

/** `CODE: message`, the form stored in an order's history `reason`. */
export function reasonOf(e: PaperError): string {
  return `${e.code}: ${e.message}`;
}

/** An armed take-profit / stop-loss pair protecting a long position (one per strategy+instrument). */
export interface Bracket {
  readonly strategyId: string;
  readonly token: number;
  /** Entry order that armed it; exit orders are `${entryOrderId}-tp` / `-sl`. */
  readonly entryOrderId: string;
  readonly signalKey: string;
  /** Slipped fill price of the entry. */
  readonly entryPrice: Paise;
  readonly takeProfit: Paise | null;
  readonly stopLoss: Paise | null;
  readonly tickSize: Paise;
  readonly armedTs: number;
}

/** Why a bracket went away: one of its legs fired, or the position was closed by other fills. */
export type BracketRemoval = 'take-profit' | 'stop-loss' | 'flat';

/** Everything the paper broker reports, in the order it happened. */
export type PaperEvent =
  | { readonly type: 'order-submitted'; readonly order: OrderRecord }
  | { readonly type: 'order-accepted'; readonly order: OrderRecord }
  | { readonly type: 'order-triggered'; readonly order: OrderRecord }
  /** Quantity or prices of a resting order changed (a broker-confirmed modify; never emitted by paper). */
  | { readonly type: 'order-modified'; readonly order: OrderRecord }
  | { readonly type: 'order-partially-filled'; readonly order: OrderRecord }
  | { readonly type: 'order-filled'; readonly order: OrderRecord }
  | { readonly type: 'order-rejected'; readonly order: OrderRecord; readonly error: PaperError }
  | { readonly type: 'order-expired'; readonly order: OrderRecord; readonly error: PaperError }
  /** `error` is null for a user cancel, else why the remainder was dropped (IOC clamp). */
  | { readonly type: 'order-canceled'; readonly order: OrderRecord; readonly error: PaperError | null }
  | { readonly type: 'fill'; readonly fill: Fill }
  | { readonly type: 'bracket-armed'; readonly bracket: Bracket }
  | { readonly type: 'bracket-removed'; readonly bracket: Bracket; readonly reason: BracketRemoval };

/** The `type` tags of PaperEvent. */
export type PaperEventType = PaperEvent['type'];
