// Contracts between the strategy engine and individual strategies (docs/original-system.md §4.1).
// A strategy is a pure, synchronous function of (its own state, the tick, its per-instrument
// history); it never sees volume, OHLC or depth, only token, last price and timestamp (§1.4).
import type { Paise, Side } from '../types.js';
import type { PriceSeries } from './window.js';

/** Every strategy type the factory knows (§4.1 registry). */
export const STRATEGY_TYPES = [
  'momentum',
  'rsi',
  'mean_reversion',
  'low_frequency_demo',
  'hybrid_momentum',
  'hybrid_mean_reversion',
  'ml_momentum',
  'ml_mean_reversion',
  'ml_breakout',
] as const;

/** Strategy type tag. */
export type StrategyType = (typeof STRATEGY_TYPES)[number];

/** Type guard for `StrategyType`. */
export function isStrategyType(s: string): s is StrategyType {
  return (STRATEGY_TYPES as readonly string[]).includes(s);
}

/** What a strategy sees for one tick. `history` already ends with the current price. */
export interface StrategyContext {
  readonly token: number;
  /** Current last traded price, integer minor units (> 0; the engine drops other ticks). */
  readonly ltp: Paise;
  /** Tick timestamp, epoch ms. */
  readonly ts: number;
  /** This strategy's history for this instrument only, oldest first, current tick last. */
  readonly history: PriceSeries;
  /** Reports a non-fatal problem (e.g. a hybrid's ML side failed); the tick still proceeds. */
  readonly warn: (message: string) => void;
}

/** A strategy's output for one tick (the original SignalResult; HOLD is expressed as `null`). */
export interface Decision {
  readonly side: Side;
  /** Raw confidence as the strategy computed it; the engine validates then normalises to [0, 1]. */
  readonly confidence: number;
  readonly quantity: number;
  /** Reference price: always the tick's integer `ltp`. */
  readonly price: Paise;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One strategy instance. Implementations may keep private state (e.g. emission timers). */
export interface StrategyLogic {
  /** Prices of history needed per instrument; the engine's window capacity. */
  readonly historyLength: number;
  /** Evaluates one tick; `null` means no signal. May throw: the engine isolates failures. */
  evaluate(ctx: StrategyContext): Decision | null;
  /** JSON-serialisable private state, for strategies that have any. */
  exportState?(): unknown;
  /** Restores `exportState` output; returns false (and keeps current state) if it is malformed. */
  importState?(state: unknown): boolean;
}

/** A strategy configuration problem (startup errors, reported all together). */
export type StrategyConfigError =
  | { readonly code: 'ERR_STRATEGY_CONFIG'; readonly strategyId: string; readonly reason: string }
  | {
      readonly code: 'ERR_STRATEGY_UNKNOWN_TYPE';
      readonly strategyId: string;
      readonly type: string;
      readonly available: string;
    };

/** Why the validator refused a decision. */
export interface SignalInvalidError {
  readonly code: 'ERR_SIGNAL_INVALID';
  readonly reason: string;
}

/** Builds an ERR_STRATEGY_CONFIG error value. */
export function configError(strategyId: string, reason: string): StrategyConfigError {
  return { code: 'ERR_STRATEGY_CONFIG', strategyId, reason };
}
