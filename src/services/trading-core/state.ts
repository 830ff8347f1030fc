// The fused core's state in LMDB, under the SAME keys as the split actors (engine state, risk
// state, strategy state; the fill log and orders are written by the checkpoint's plan), so a data
// dir can change topology between runs. One function reads it into a trading step, one writes a
// step back inside a checkpoint transaction.
import type { RootDatabase } from 'lmdb';
import { exportRiskState } from '../../domain/risk/index.js';
import type { StrategyConfig } from '../../domain/strategy/index.js';
import type { Broker } from '../../domain/types.js';
import type { AppConfig } from '../../config.js';
import type { TradableLookup } from '../../domain/instruments/index.js';
import type { EngineStateRecord } from '../../protocol/engine.js';
import { K } from '../../store/keyspace.js';
import { loadTickSizes } from '../engine/config.js';
import { catchUpRiskFills, loadRiskBooks } from '../risk/books.js';
import { restoreState, stateRecord, type RestoreReport } from '../strategy/state.js';
import { pausedList, restorePaused, riskBehaviour, tradingStepBehaviour, tradingStepConfig, venueBehaviour, type StepState } from '../trading/index.js';
import type { Result } from '../../errors.js';
import type { StateSchemaError } from '../../domain/strategy/index.js';

export interface RestoredStep {
  readonly step: StepState;
  /** Outcome of restoring the strategies' timers and histories (undefined: nothing stored). */
  readonly strategies: Result<RestoreReport, StateSchemaError> | undefined;
}

/** The step of `broker`, restored from what the last checkpoint (or the split actors) committed. */
export function restoreStep(
  db: RootDatabase,
  config: AppConfig,
  broker: Broker,
  strategies: readonly StrategyConfig[],
  tradable: TradableLookup | undefined,
  nowMs: number,
): RestoredStep {
  const engine = db.get(K.engineState(broker)) as EngineStateRecord | undefined;
  const risk = loadRiskBooks(db, [broker]).get(broker)!;
  // Fills the log holds beyond the risk state's watermark (a store last run by the split actors)
  catchUpRiskFills(db, risk);
  const step = tradingStepBehaviour.init(tradingStepConfig(config, broker, strategies, { tickSizes: loadTickSizes(db), tradable }), {
    v: 1,
    risk: exportRiskState(risk),
    venue: { adapter: engine?.adapter, lastEodDay: engine?.lastEodDay ?? null },
  });
  // Strategy timers and histories: the core's own per broker, else the split runner's; restored
  // through the runner's age check (histories older than a bound would compare prices across a gap)
  const saved: unknown = db.get(K.strategyState(broker)) ?? db.get(K.strategyState());
  const strategiesRestored = saved === undefined ? undefined : restoreState(step.strategy.engine, saved, nowMs);
  if (strategiesRestored?.ok === true) restorePaused(step.strategy, strategiesRestored.value.paused);
  return { step, strategies: strategiesRestored };
}

/** Writes the step's state under the split actors' keys (inside the caller's transaction). */
export function stepStateWriter(step: StepState, broker: Broker, nowMs: number, withStrategies = true): (tx: RootDatabase) => void {
  // Captured now (synchronously, at the barrier); written when the transaction runs
  const venue = venueBehaviour.snapshot(step.venue);
  const engine: EngineStateRecord = { v: 1, broker, adapter: venue.adapter, lastEodDay: venue.lastEodDay };
  const risk = riskBehaviour.snapshot(step.risk);
  // A split core runs no strategies: the runner's state is its own (cuts)
  const strategies = withStrategies ? stateRecord(step.strategy.engine, nowMs, pausedList(step.strategy)) : null;
  return (tx) => {
    void tx.put(K.engineState(broker), engine);
    void tx.put(K.riskState(broker), risk);
    void tx.put(K.killSwitchView(broker), { ...risk.killSwitch });
    if (strategies !== null) void tx.put(K.strategyState(broker), strategies);
  };
}
