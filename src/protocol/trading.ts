// Messages of the trading behaviours (src/services/trading): what the strategy, risk and venue
// callback modules take and emit, as discriminated unions. Every topology routes these same
// messages: function calls inside one thread (inline, fused) or envelopes on rings (split).
import type { PaperError, PaperEvent } from '../domain/paper/index.js';
import type { RiskVerdict } from '../domain/risk/index.js';
import type { SignalRejection, StrategyFailure } from '../domain/strategy/index.js';
import type { Fill, Paise, Tick, TradingSignal } from '../domain/types.js';

/** A venue's event vocabulary (every adapter speaks the paper broker's; see services/engine/adapter). */
export type VenueEvent = PaperEvent;
export type VenueError = PaperError;

/**
 * A market tick as every trading behaviour sees it. `ts` is its event time (the runtime resolves a
 * missing exchange stamp once, at the edge), `seq` its position in the tick stream (event-time
 * order), `feedSeq` its position in its feed (part of every signal key; -1 = none). The tick
 * object may be reused by the caller after `handle` returns: behaviours keep only fields.
 */
export interface TickMsg {
  readonly kind: 'tick';
  readonly tick: Tick;
  readonly seq: number;
  readonly ts: number;
  readonly feedSeq: number;
}

/**
 * The tick message of a delivered tick: its event time is the exchange stamp, or `nowMs()` for a
 * tick without one (resolved here, once, for every actor that hands ticks to a behaviour).
 */
export function tickMsg(tick: Tick & { readonly feedSeq: number }, seq: number, nowMs: () => number): TickMsg {
  return { kind: 'tick', tick, seq, ts: tick.exchangeTs > 0 ? tick.exchangeTs : nowMs(), feedSeq: tick.feedSeq };
}

/** Strategy runner: in. */
export type StrategyIn = TickMsg;

/** Strategy runner: out. Signals carry `tickSeq` (and `feedSeq` when known). */
export type StrategyOut =
  | { readonly kind: 'signal'; readonly signal: TradingSignal }
  | { readonly kind: 'strategy-failed'; readonly failure: StrategyFailure }
  | { readonly kind: 'signal-invalid'; readonly rejection: SignalRejection };

/** Kill switch command (journaled by the caller before it is handled). */
export interface KillSwitchMsg {
  readonly kind: 'kill-switch';
  readonly engaged: boolean;
  readonly reason: string;
}

/**
 * Flatten command (journaled by the caller before it answers): cancel the broker's resting orders
 * and close its open positions (of one strategy and/or one instrument, when given) through risk
 * and the venue. `ts` is the command's event time, the timestamp of every order it causes.
 */
export interface FlattenMsg {
  readonly kind: 'flatten';
  readonly ts: number;
  readonly strategyId?: string;
  readonly token?: number;
}

/** Risk manager: in. */
export type RiskIn = TickMsg | { readonly kind: 'signal'; readonly signal: TradingSignal } | { readonly kind: 'fill'; readonly fill: Fill } | KillSwitchMsg;

/** Risk manager: out. */
export type RiskOut =
  | { readonly kind: 'verdict'; readonly signal: TradingSignal; readonly verdict: RiskVerdict }
  /** A fill the risk state already had (a replayed notification): ignored, reported. */
  | { readonly kind: 'fill-duplicate'; readonly fill: Fill };

/** A risk-validated signal, as the venue executes it. */
export interface SubmitMsg {
  readonly kind: 'submit';
  readonly signal: TradingSignal;
  readonly validatedQty: number;
  readonly validatedPrice: Paise;
}

/** A modify of a resting order: what changes (at least one field); prices in paise. */
export interface OrderChange {
  readonly quantity?: number;
  readonly price?: Paise;
  readonly triggerPrice?: Paise;
}

/** Venue (trading engine of one broker): in. */
export type VenueIn =
  | TickMsg
  | SubmitMsg
  | { readonly kind: 'cancel'; readonly orderId: string; readonly ts: number }
  /** Modify a resting order (venues whose adapter has modify; the others refuse it). */
  | { readonly kind: 'modify'; readonly orderId: string; readonly change: OrderChange; readonly ts: number }
  /** The session clock without a tick (a shell whose sessions follow the wall clock sends its time). */
  | { readonly kind: 'clock'; readonly ts: number };

/** Why the venue produced a batch of events. */
export type VenueCause = 'tick' | 'end-of-day' | 'submit' | 'cancel' | 'modify';

/** Venue: out. `signal` is the validated signal behind a submit's events. */
export type VenueOut =
  | { readonly kind: 'venue-events'; readonly cause: VenueCause; readonly events: readonly VenueEvent[]; readonly signal: TradingSignal | null }
  | { readonly kind: 'venue-refused'; readonly cause: VenueCause; readonly error: VenueError; readonly signal: TradingSignal | null };

/**
 * The trading step of one broker (strategies → risk → venue, fills back to risk). `signal` is a
 * strategy's signal produced on another thread (split topology): it enters at risk.
 */
export type StepIn =
  | TickMsg
  | KillSwitchMsg
  | FlattenMsg
  | { readonly kind: 'cancel'; readonly orderId: string; readonly ts: number }
  | { readonly kind: 'modify'; readonly orderId: string; readonly change: OrderChange; readonly ts: number }
  | { readonly kind: 'signal'; readonly signal: TradingSignal };
export type StepOut = StrategyOut | RiskOut | VenueOut;
