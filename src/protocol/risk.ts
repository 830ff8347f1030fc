// Messages of the risk manager: the verdict payloads it publishes on `{b}.signals.validated` /
// `{b}.signals.rejected` (docs/original-system.md §3.6, camelCase, integer paise) and its control
// commands. Verdicts are child events of the `trading_signal` they judge and keep its key.
import type { Broker, Paise, TradingSignal } from '../domain/types.js';
import type { RiskChecks, RuleName } from '../domain/risk/index.js';

/** Payload of a `validated_signal` event (the trading engine consumes it). */
export interface ValidatedSignalPayload {
  /** The strategy's signal, unchanged. */
  readonly signal: TradingSignal;
  /** Quantity to trade (today always the signal's quantity). */
  readonly validatedQty: number;
  /** Reference price, paise (today always the signal's price). */
  readonly validatedPrice: Paise;
  /** Every rule → passed. */
  readonly checks: RiskChecks;
  /** Validation time, epoch ms. */
  readonly ts: number;
}

/** One failed rule of a rejection (the domain reason without its structured detail, to keep records small). */
export interface RejectionReasonEntry {
  readonly rule: RuleName;
  readonly code: string;
  readonly message: string;
}

/** Payload of a `rejected_signal` event. */
export interface RejectedSignalPayload {
  readonly signal: TradingSignal;
  /** Failed rules, in rule order. */
  readonly reasons: readonly RejectionReasonEntry[];
  readonly checks: RiskChecks;
  /** `"{Rule}: {message}; ..."` as the original's `rejection_reason`. */
  readonly rejectionReason: string;
  /** Rejection time, epoch ms. */
  readonly ts: number;
}

/** Argument of `call('kill-switch', …)`; without `broker` it applies to every broker. */
export interface KillSwitchCommand {
  readonly engaged: boolean;
  readonly reason: string;
  readonly broker?: Broker;
}

/** Argument of `call('risk-state', …)`. */
export interface RiskStateQuery {
  readonly broker: Broker;
}

/** Reply of `call('kill-switch', …)`: the switch of each affected broker after the change. */
export type KillSwitchReply = Readonly<Partial<Record<Broker, { readonly engaged: boolean; readonly reason: string }>>>;

/**
 * Argument of `call('flatten', …)` on the actor playing `risk`; without `broker` every broker it
 * serves, without `strategyId` every strategy, without `token` every instrument (closing one
 * position is a flatten with both).
 */
export interface FlattenCommand {
  readonly broker?: Broker;
  readonly strategyId?: string;
  readonly token?: number;
}

/** One closing signal of a flatten and what risk decided about it. */
export interface FlattenClose {
  readonly strategyId: string;
  readonly token: number;
  readonly side: 'BUY' | 'SELL';
  readonly quantity: number;
  readonly outcome: 'validated' | 'rejected';
  /** The order the signal becomes (the signal key's client order id). */
  readonly orderId: string;
  /** Failed rules of a rejection (`"{Rule}: {message}"`). */
  readonly reasons?: readonly string[];
}

/** What a flatten did on one broker. */
export interface FlattenResult {
  /** Resting orders canceled (filled in by whoever cancels: the fused core, or the gateway in split). */
  readonly canceled: readonly string[];
  readonly closes: readonly FlattenClose[];
  /**
   * Fills of the closing orders known when the reply was built: all of them in the fused core
   * (the step executes synchronously); in split the engine fills after the reply (0 here).
   */
  readonly fills: number;
}

/** Reply of `call('flatten', …)`: per affected broker. */
export type FlattenReply = Readonly<Partial<Record<Broker, FlattenResult>>>;

/** Control commands the risk manager accepts. */
export const RISK_COMMANDS = ['kill-switch', 'risk-state', 'flatten'] as const;
