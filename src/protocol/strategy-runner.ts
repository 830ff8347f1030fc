// Control-plane payloads of the strategy-runner actor (snapshot() and call('strategies')), read by
// the gateway and the main job. Plain JSON: they cross threads through comlink's structured clone.
import type { Broker } from '../domain/types.js';

/** One configured strategy with its counters since the runner (re)started. */
export interface StrategyInfo {
  readonly id: string;
  readonly type: string;
  readonly broker: Broker;
  readonly instruments: readonly number[];
  /** The `enabled` flag of the strategies file. */
  readonly enabled: boolean;
  /** Null when the strategy runs; otherwise why it does not (e.g. its broker is not active). */
  readonly skipped: string | null;
  readonly ticks: number;
  readonly signals: number;
  readonly buys: number;
  readonly sells: number;
  /** Decisions the validator refused. */
  readonly rejected: number;
  /** Evaluations that threw. */
  readonly errors: number;
  /** Non-fatal problems (e.g. the ML half of a hybrid failed). */
  readonly warnings: number;
  /** Paused by an operator: sees ticks, emits no signal (src/services/trading/strategy.ts). */
  readonly paused: boolean;
}

/** Argument of `call('pause', …)` on the actor playing `strategies`. */
export interface StrategyPauseCommand {
  readonly strategyId: string;
  readonly paused: boolean;
}

/** Market-hours gate counters. */
export interface MarketGateInfo {
  /** Whether the market is open now (runner's clock), per the configured calendar. */
  readonly openNow: boolean;
  readonly market24x7: boolean;
  /** Ticks dropped because the market was closed at their timestamp. */
  readonly droppedClosed: number;
}

/** What `snapshot()` returns. */
export interface StrategyRunnerSnapshot {
  readonly file: string;
  readonly strategies: readonly StrategyInfo[];
  /** Strategies not run because their broker is not active. */
  readonly skipped: number;
  readonly ticksSeen: number;
  /** Ticks that reached at least one strategy. */
  readonly ticksRouted: number;
  readonly signalsPublished: number;
  readonly market: MarketGateInfo;
  readonly persistence: { readonly saves: number; readonly lastSavedAt: number | null; readonly restored: number };
}
