// The strategy runner as a behaviour: market-hours gate on the tick's own time → pure strategy
// engine → signals stamped with the tick's stream position (`tickSeq`, event-time order) and feed
// position (`feedSeq`, part of the signal key and so of every order and trade id).
import { appError } from '../../errors.js';
import { createMarketGate, type MarketGate, type SessionCalendar } from '../../domain/market-hours/index.js';
import { createStrategyEngine, type EngineState, type PredictorRegistry, type StrategyConfig, type StrategyEngine } from '../../domain/strategy/index.js';
import type { TradingSignal } from '../../domain/types.js';
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
}

/** Timers, indicator histories and the gate counter: everything a replay needs to continue. */
export interface StrategySnapshot {
  readonly engine: EngineState;
  readonly gated: number;
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
    return { engine, gate: createMarketGate(config.calendar), gated: restored?.gated ?? 0 };
  },
  handle(state, msg, emit) {
    if (!state.gate(msg.ts)) {
      state.gated++;
      return;
    }
    // The engine keeps only token, ltp and ts (never the object): a reused tick is safe to pass
    const out = state.engine.onTick(msg.tick, msg.ts);
    // Most ticks produce nothing (shared empty arrays): skip the loops without touching them
    if (out.signals.length > 0) for (const s of out.signals) emit({ kind: 'signal', signal: stamped(s, msg.seq, msg.feedSeq) });
    if (out.errors.length > 0) for (const failure of out.errors) emit({ kind: 'strategy-failed', failure });
    if (out.rejected.length > 0) for (const rejection of out.rejected) emit({ kind: 'signal-invalid', rejection });
  },
  snapshot: (state) => ({ engine: state.engine.exportState({ histories: true }), gated: state.gated }),
};
