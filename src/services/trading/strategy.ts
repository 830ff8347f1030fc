// The strategy runner as a behaviour: market-hours gate on the tick's own time → pure strategy
// engine → signals stamped with the tick's stream position (`tickSeq`, event-time order) and feed
// position (`feedSeq`, part of the signal key and so of every order and trade id).
//
// Pause: a paused strategy still sees every tick (its indicators, timers and histories stay
// current, so a resume decides on fresh data instead of a window with a hole in it), but its
// signals are dropped here, before risk, and counted. Invariant: no signal of a paused strategy
// leaves the behaviour. The paused set is part of the persisted strategy state (stateRecord).
import { appError } from '../../errors.js';
import { createMarketGate, type MarketGate, type SessionCalendar } from '../../domain/market-hours/index.js';
import { createStrategyEngine, type EngineState, type PredictorRegistry, type StrategyConfig, type StrategyEngine } from '../../domain/strategy/index.js';
import type { TradingSignal } from '../../domain/types.js';
import type { StrategyPauseCommand } from '../../protocol/strategy-runner.js';
import type { StrategyIn, StrategyOut } from '../../protocol/trading.js';
import type { Behaviour } from '../../runtime/behaviour.js';

export interface StrategyConfigSet {
  /** Validated configs of the strategies this runner drives (already filtered by broker). */
  readonly strategies: readonly StrategyConfig[];
  readonly calendar: SessionCalendar;
  readonly predictors?: PredictorRegistry;
}

export interface StrategyState {
  readonly engine: StrategyEngine;
  readonly gate: MarketGate;
  /** Ticks that arrived while the market was closed (never reached a strategy). */
  gated: number;
  /** Strategies whose signals are dropped (see the file header). */
  readonly paused: Set<string>;
  /** Signals dropped because their strategy was paused. */
  suppressed: number;
}

/** Timers, indicator histories and the gate counter: everything a replay needs to continue. */
export interface StrategySnapshot {
  readonly engine: EngineState;
  readonly gated: number;
  /** Paused strategy ids, sorted (absent: none). */
  readonly paused?: readonly string[];
}

/**
 * Pauses or resumes one strategy of this state. An id the engine does not run is
 * ERR_COMMAND_INVALID (the argument comes from a client, through the gateway). Returns the
 * strategy's new state; pausing a paused strategy changes nothing.
 */
export function setPaused(state: StrategyState, cmd: StrategyPauseCommand): { readonly strategyId: string; readonly paused: boolean } {
  if (!state.engine.strategies().some((c) => c.id === cmd.strategyId)) {
    throw appError('ERR_COMMAND_INVALID', { command: 'pause', reason: `strategy "${cmd.strategyId.slice(0, 64)}" does not run here` });
  }
  if (cmd.paused) state.paused.add(cmd.strategyId);
  else state.paused.delete(cmd.strategyId);
  return { strategyId: cmd.strategyId, paused: cmd.paused };
}

/** Parses `call('pause', …)`'s argument, `{ strategyId, paused }` (client input: validated). */
export function parsePause(arg: unknown): StrategyPauseCommand {
  const a = arg !== null && typeof arg === 'object' && !Array.isArray(arg) ? (arg as Record<string, unknown>) : {};
  const strategyId = a['strategyId'];
  if (typeof strategyId !== 'string' || strategyId.length === 0 || strategyId.length > 100) {
    throw appError('ERR_COMMAND_INVALID', { command: 'pause', reason: 'expected strategyId to be a string of 1 to 100 characters' });
  }
  if (typeof a['paused'] !== 'boolean') {
    throw appError('ERR_COMMAND_INVALID', { command: 'pause', reason: `expected paused to be a boolean, was ${JSON.stringify(a['paused'])}` });
  }
  return { strategyId, paused: a['paused'] };
}

/** Restores a stored paused list, keeping only the ids this engine runs (a removed strategy is forgotten). */
export function restorePaused(state: StrategyState, ids: readonly string[]): void {
  const known = new Set(state.engine.strategies().map((c) => c.id));
  for (const id of ids) if (known.has(id)) state.paused.add(id);
}

/** The paused ids, sorted (stored with the strategy state). */
export function pausedList(state: StrategyState): string[] {
  return [...state.paused].sort();
}

/**
 * The signal with its stream and feed position. Fields listed one by one (not a spread): one
 * hidden class for every signal keeps the hot path on V8's fast paths.
 */
function stamped(s: TradingSignal, tickSeq: number, feedSeq: number): TradingSignal {
  const out: { -readonly [K in keyof TradingSignal]: TradingSignal[K] } = {
    strategyId: s.strategyId,
    token: s.token,
    side: s.side,
    quantity: s.quantity,
    price: s.price,
    ts: s.ts,
    confidence: s.confidence,
    order: s.order,
    metadata: s.metadata,
    tickSeq,
  };
  if (feedSeq >= 0) out.feedSeq = feedSeq;
  return out;
}

export const strategyBehaviour: Behaviour<StrategyConfigSet, StrategyState, StrategyIn, StrategyOut, StrategySnapshot> = {
  name: 'strategy-runner',
  init(config, restored) {
    const built = createStrategyEngine(config.strategies, config.predictors !== undefined ? { predictors: config.predictors } : {});
    // The configs were validated when the file was read: a failure here is a broken invariant
    if (!built.ok) throw appError('ERR_CONFIG_INVALID', { summary: `strategies rejected after validation: ${built.error.map((e) => JSON.stringify(e)).join('; ')}` });
    const engine = built.value;
    if (restored !== undefined) {
      const r = engine.importState(restored.engine);
      if (!r.ok) throw appError('ERR_STORE_SCHEMA', { key: 'checkpoint/strategy', version: String(r.error.version), expected: String(r.error.expected) });
    }
    const state: StrategyState = { engine, gate: createMarketGate(config.calendar), gated: restored?.gated ?? 0, paused: new Set(), suppressed: 0 };
    if (restored?.paused !== undefined) restorePaused(state, restored.paused);
    return state;
  },
  handle(state, msg, emit) {
    if (!state.gate(msg.ts)) {
      state.gated++;
      return;
    }
    // The engine keeps only token, ltp and ts (never the object): a reused tick is safe to pass
    const out = state.engine.onTick(msg.tick, msg.ts);
    // Most ticks produce nothing (shared empty arrays): skip the loops without touching them
    if (out.signals.length > 0) {
      for (const s of out.signals) {
        if (state.paused.size > 0 && state.paused.has(s.strategyId)) state.suppressed++;
        else emit({ kind: 'signal', signal: stamped(s, msg.seq, msg.feedSeq) });
      }
    }
    if (out.errors.length > 0) for (const failure of out.errors) emit({ kind: 'strategy-failed', failure });
    if (out.rejected.length > 0) for (const rejection of out.rejected) emit({ kind: 'signal-invalid', rejection });
  },
  snapshot: (state) => ({ engine: state.engine.exportState({ histories: true }), gated: state.gated, ...(state.paused.size > 0 ? { paused: pausedList(state) } : {}) }),
};
