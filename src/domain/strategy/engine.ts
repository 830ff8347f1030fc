// Strategy runner core (docs/original-system.md §1.4): routes each tick in O(1) (token → slots map,
// built once) to the strategies configured for its instrument, feeds each (strategy, instrument)
// its own bounded history, runs the strategy, validates and normalises its decision. A strategy
// that throws is isolated and reported; it never stops the others. Deterministic: no clock.
import { err, ok, type Result } from '../../errors.js';
import type { Broker, Side, Tick, TradingSignal } from '../types.js';
import { parseStrategies, type StrategyConfig } from './config.js';
import { exportEngineState, importEngineState, type EngineState, type ImportReport, type StateSchemaError } from './engine-state.js';
import { buildStrategy } from './factory.js';
import { isEmptyOrderSpec, resolveOrder, type OrderSpec } from './order.js';
import { createPredictorRegistry, type PredictorRegistry } from './predictor.js';
import { configError, type SignalInvalidError, type StrategyConfigError, type StrategyLogic } from './types.js';
import { normaliseConfidence, validateDecision, type ValidatorLimits } from './validator.js';
import { PriceWindow } from './window.js';

/** A strategy that threw (`fatal`: no decision this tick) or warned (e.g. its ML side failed). */
export interface StrategyFailure {
  readonly strategyId: string;
  readonly token: number;
  readonly message: string;
  readonly fatal: boolean;
}

/** A decision the validator refused. */
export interface SignalRejection {
  readonly strategyId: string;
  readonly token: number;
  readonly error: SignalInvalidError;
}

/** Everything one tick produced. Arrays are empty (and shared, frozen) when nothing happened. */
export interface TickOutcome {
  readonly signals: readonly TradingSignal[];
  readonly errors: readonly StrategyFailure[];
  readonly rejected: readonly SignalRejection[];
}

/** Counters of one strategy since the engine was created. */
export interface StrategyStats {
  readonly id: string;
  readonly type: string;
  readonly broker: Broker;
  readonly enabled: boolean;
  readonly ticks: number;
  readonly signals: number;
  readonly buys: number;
  readonly sells: number;
  readonly rejected: number;
  readonly errors: number;
  readonly warnings: number;
}

/** Engine-wide counters. */
export interface EngineStats {
  readonly ticksSeen: number;
  /** Ticks that reached at least one strategy. */
  readonly ticksRouted: number;
  /** Routed ticks dropped because their price was not a positive integer. */
  readonly ticksInvalid: number;
  readonly strategies: readonly StrategyStats[];
}

/** The engine the strategy-runner actor drives. */
export interface StrategyEngine {
  /**
   * Processes one tick. Signal timestamp = exchange ts, else last-trade ts, else `fallbackTs`
   * (the actor's clock at receipt; the domain has no clock of its own).
   */
  onTick(tick: Tick, fallbackTs?: number): TickOutcome;
  stats(): EngineStats;
  /** JSON-serialisable state (low-frequency timers; per-instrument histories if asked). */
  exportState(opts?: { readonly histories?: boolean }): EngineState;
  /** Restores `exportState` output; unknown strategies/instruments are ignored and listed. */
  importState(state: unknown): Result<ImportReport, StateSchemaError>;
  /** Broker a strategy's signals go to (undefined for unknown ids). */
  brokerOf(strategyId: string): Broker | undefined;
  /** Every configured strategy, enabled or not, in config order. */
  strategies(): readonly StrategyConfig[];
  /** Instrument tokens at least one enabled strategy listens to (for feed subscription). */
  instruments(): readonly number[];
}

/** Options of `createStrategyEngine`. */
export interface EngineOptions {
  /** Predictor registry for ML and hybrid strategies (default: built-ins only). */
  readonly predictors?: PredictorRegistry;
}

// Per strategy runtime: its logic, limits and counters (mutable, private to the engine)
interface Runtime {
  readonly config: StrategyConfig;
  readonly logic: StrategyLogic;
  readonly limits: ValidatorLimits;
  readonly order: OrderSpec;
  readonly windows: Map<number, PriceWindow>;
  ticks: number;
  signals: number;
  buys: number;
  sells: number;
  rejected: number;
  errors: number;
  warnings: number;
}

// Mutable context reused for every evaluation of a slot: no per-tick allocation
interface MutableContext {
  readonly token: number;
  ltp: number;
  ts: number;
  readonly history: PriceWindow;
  readonly warn: (message: string) => void;
}

interface Slot {
  readonly rt: Runtime;
  readonly window: PriceWindow;
  readonly ctx: MutableContext;
}

const EMPTY_OUTCOME: TickOutcome = Object.freeze({
  signals: Object.freeze([]) as readonly TradingSignal[],
  errors: Object.freeze([]) as readonly StrategyFailure[],
  rejected: Object.freeze([]) as readonly SignalRejection[],
});
const NO_ORDER = Object.freeze({});

const tickTimestamp = (t: Tick, fallback: number): number =>
  t.exchangeTs > 0 ? t.exchangeTs : t.lastTradeTs > 0 ? t.lastTradeTs : fallback;

/**
 * Validates `configs` (all problems at once) and builds the engine. Disabled strategies are
 * validated but receive no ticks.
 */
export function createStrategyEngine(
  configs: readonly unknown[],
  opts: EngineOptions = {},
): Result<StrategyEngine, StrategyConfigError[]> {
  const predictors = opts.predictors ?? createPredictorRegistry();
  const parsed = parseStrategies(configs, predictors);
  if (!parsed.ok) return parsed;

  const runtimes: Runtime[] = [];
  const errors: StrategyConfigError[] = [];
  for (const s of parsed.value) {
    const logic = buildStrategy(s.params, predictors);
    if (!logic.ok) {
      errors.push(configError(s.config.id, logic.error));
      continue;
    }
    runtimes.push({
      config: s.config,
      logic: logic.value,
      limits: s.params.limits,
      order: s.params.order,
      windows: new Map(),
      ticks: 0,
      signals: 0,
      buys: 0,
      sells: 0,
      rejected: 0,
      errors: 0,
      warnings: 0,
    });
  }
  if (errors.length > 0) return err(errors);
  return ok(assemble(runtimes));
}

function assemble(runtimes: readonly Runtime[]): StrategyEngine {
  const routes = new Map<number, Slot[]>();
  const byId = new Map<string, Runtime>();
  // Warnings raised during the current evaluation; drained into the outcome by onTick
  let pendingWarnings: StrategyFailure[] | null = null;

  for (const rt of runtimes) {
    byId.set(rt.config.id, rt);
    if (!rt.config.enabled) continue;
    for (const token of rt.config.instruments) {
      const window = new PriceWindow(rt.logic.historyLength);
      rt.windows.set(token, window);
      const warn = (message: string): void => {
        rt.warnings++;
        (pendingWarnings ??= []).push({ strategyId: rt.config.id, token, message, fatal: false });
      };
      const ctx: MutableContext = { token, ltp: 0, ts: 0, history: window, warn };
      let list = routes.get(token);
      if (list === undefined) routes.set(token, (list = []));
      list.push({ rt, window, ctx });
    }
  }
  let ticksSeen = 0;
  let ticksRouted = 0;
  let ticksInvalid = 0;

  const onTick = (tick: Tick, fallbackTs = 0): TickOutcome => {
    ticksSeen++;
    const slots = routes.get(tick.token);
    if (slots === undefined) return EMPTY_OUTCOME;
    // A non-positive price is not a price: keep it out of every history (it would poison
    // RSI/Bollinger for a whole window), and count it instead
    if (!Number.isSafeInteger(tick.ltp) || tick.ltp <= 0) {
      ticksInvalid++;
      return EMPTY_OUTCOME;
    }
    ticksRouted++;
    const ts = tickTimestamp(tick, fallbackTs);
    let signals: TradingSignal[] | null = null;
    let failures: StrategyFailure[] | null = null;
    let rejected: SignalRejection[] | null = null;
    pendingWarnings = null;
    for (const slot of slots) {
      const rt = slot.rt;
      rt.ticks++;
      slot.window.push(tick.ltp);
      slot.ctx.ltp = tick.ltp;
      slot.ctx.ts = ts;
      let decision;
      try {
        decision = rt.logic.evaluate(slot.ctx);
      } catch (e: unknown) {
        rt.errors++;
        const message = e instanceof Error ? e.message : String(e);
        (failures ??= []).push({ strategyId: rt.config.id, token: tick.token, message, fatal: true });
        continue;
      }
      if (decision === null) continue;
      const valid = validateDecision(decision, tick.ltp, rt.limits);
      if (!valid.ok) {
        rt.rejected++;
        (rejected ??= []).push({ strategyId: rt.config.id, token: tick.token, error: valid.error });
        continue;
      }
      const side: Side = decision.side;
      rt.signals++;
      if (side === 'BUY') rt.buys++;
      else rt.sells++;
      (signals ??= []).push({
        strategyId: rt.config.id,
        token: tick.token,
        side,
        quantity: decision.quantity,
        price: tick.ltp,
        ts,
        confidence: normaliseConfidence(decision.confidence),
        order: isEmptyOrderSpec(rt.order) ? NO_ORDER : resolveOrder(rt.order, side, tick.ltp),
        metadata: decision.metadata,
      });
    }
    if (pendingWarnings !== null) (failures ??= []).push(...(pendingWarnings as StrategyFailure[]));
    pendingWarnings = null;
    if (signals === null && failures === null && rejected === null) return EMPTY_OUTCOME;
    return {
      signals: signals ?? EMPTY_OUTCOME.signals,
      errors: failures ?? EMPTY_OUTCOME.errors,
      rejected: rejected ?? EMPTY_OUTCOME.rejected,
    };
  };

  const stats = (): EngineStats => ({
    ticksSeen,
    ticksRouted,
    ticksInvalid,
    strategies: runtimes.map((rt) => ({
      id: rt.config.id,
      type: rt.config.type,
      broker: rt.config.broker,
      enabled: rt.config.enabled,
      ticks: rt.ticks,
      signals: rt.signals,
      buys: rt.buys,
      sells: rt.sells,
      rejected: rt.rejected,
      errors: rt.errors,
      warnings: rt.warnings,
    })),
  });

  const instruments = [...routes.keys()].sort((a, b) => a - b);
  return {
    onTick,
    stats,
    exportState: (o) => exportEngineState(runtimes, o?.histories === true),
    importState: (state) => importEngineState(runtimes, state),
    brokerOf: (id) => byId.get(id)?.config.broker,
    strategies: () => runtimes.map((rt) => rt.config),
    instruments: () => instruments,
  };
}
