// Persisted strategy-engine state (LMDB key K.strategyState()): the engine's exportState (timers
// and bounded per-instrument histories) wrapped with a save time. On restore, histories older
// than a bound are dropped: after a long outage a pre-outage price window would make momentum or
// RSI compare prices across the gap, while timers (low-frequency caps) must survive any outage.
import { err, type Result } from '../../errors.js';
import type { EngineState, ImportReport, StateSchemaError, StrategyEngine } from '../../domain/strategy/index.js';

/** Version of the stored wrapper. */
export const STORED_STATE_VERSION = 1;

/** Histories saved longer ago than this are not restored (timers always are). */
export const HISTORY_MAX_AGE_MS = 60_000;

/** What is stored under K.strategyState(). */
export interface StoredStrategyState {
  readonly v: typeof STORED_STATE_VERSION;
  /** Epoch ms of the save (actor clock). */
  readonly savedAt: number;
  readonly engine: EngineState;
  /** Strategies paused by an operator (absent: none). Survives any outage, like the timers. */
  readonly paused?: readonly string[];
}

/** The record to store now (`paused`: the ids paused by an operator, sorted). */
export function stateRecord(engine: StrategyEngine, nowMs: number, paused: readonly string[] = []): StoredStrategyState {
  return { v: STORED_STATE_VERSION, savedAt: nowMs, engine: engine.exportState({ histories: true }), ...(paused.length > 0 ? { paused } : {}) };
}

/** Outcome of a restore. */
export interface RestoreReport extends ImportReport {
  /** True when the saved histories were too old and were ignored. */
  readonly historiesDropped: boolean;
  /** Paused strategy ids of the record (strings only; the caller keeps those it runs). */
  readonly paused: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function withoutHistories(state: unknown): unknown {
  if (!isRecord(state) || !isRecord(state['strategies'])) return state;
  const strategies: Record<string, unknown> = {};
  for (const [id, entry] of Object.entries(state['strategies'])) {
    if (!isRecord(entry)) {
      strategies[id] = entry;
      continue;
    }
    const { histories: _dropped, ...rest } = entry;
    strategies[id] = rest;
  }
  return { ...state, strategies };
}

/** Restores a stored record into `engine` (untrusted input: validated by the engine). */
export function restoreState(
  engine: StrategyEngine,
  raw: unknown,
  nowMs: number,
  maxHistoryAgeMs: number = HISTORY_MAX_AGE_MS,
): Result<RestoreReport, StateSchemaError> {
  if (!isRecord(raw) || raw['v'] !== STORED_STATE_VERSION || typeof raw['savedAt'] !== 'number') {
    const version = isRecord(raw) ? raw['v'] : undefined;
    return err({ code: 'ERR_STORE_SCHEMA', key: 'strategy-engine', version, expected: STORED_STATE_VERSION });
  }
  const age = nowMs - raw['savedAt'];
  const stale = !(age >= 0 && age <= maxHistoryAgeMs);
  const r = engine.importState(stale ? withoutHistories(raw['engine']) : raw['engine']);
  if (!r.ok) return r;
  const paused = Array.isArray(raw['paused']) ? raw['paused'].filter((x): x is string => typeof x === 'string') : [];
  return { ok: true, value: { ...r.value, historiesDropped: stale, paused } };
}
