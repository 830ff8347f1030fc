// Export/import of the strategy engine's state as plain JSON (the actor persists it in LMDB):
// private strategy state (low-frequency timers) and, optionally, per-instrument histories,
// which are bounded by each window's capacity. Import is tolerant: entries for strategies or
// instruments that no longer exist are skipped and listed; only a wrong version is an error.
import { z } from 'zod';
import { err, ok, type Result } from '../../errors.js';
import type { StrategyConfig } from './config.js';
import type { StrategyLogic } from './types.js';
import type { PriceWindow } from './window.js';

/** Schema version of `EngineState`. */
export const ENGINE_STATE_VERSION = 1;

/** Persisted form of the engine's state. */
export interface EngineState {
  readonly v: typeof ENGINE_STATE_VERSION;
  readonly strategies: Readonly<
    Record<string, { readonly type: string; readonly state?: unknown; readonly histories?: Readonly<Record<string, number[]>> }>
  >;
}

/** What `importState` restored and what it skipped (with reasons). */
export interface ImportReport {
  readonly restored: number;
  readonly skipped: readonly string[];
}

/** The stored state has another schema version (or no recognisable shape). */
export interface StateSchemaError {
  readonly code: 'ERR_STORE_SCHEMA';
  readonly key: string;
  readonly version: unknown;
  readonly expected: number;
}

/** The parts of an engine runtime this module needs. */
export interface StatefulRuntime {
  readonly config: StrategyConfig;
  readonly logic: StrategyLogic;
  readonly windows: ReadonlyMap<number, PriceWindow>;
}

const StateSchema = z.object({
  v: z.literal(ENGINE_STATE_VERSION),
  strategies: z.record(
    z.string(),
    z.object({
      type: z.string(),
      state: z.unknown().optional(),
      histories: z.record(z.string(), z.array(z.number())).optional(),
    }),
  ),
});

/** Snapshot of every enabled strategy that has state (or every one, when histories are asked). */
export function exportEngineState(runtimes: readonly StatefulRuntime[], withHistories: boolean): EngineState {
  const strategies: Record<string, { type: string; state?: unknown; histories?: Record<string, number[]> }> = {};
  for (const rt of runtimes) {
    if (!rt.config.enabled) continue;
    const state = rt.logic.exportState?.();
    if (state === undefined && !withHistories) continue;
    const entry: { type: string; state?: unknown; histories?: Record<string, number[]> } = { type: rt.config.type };
    if (state !== undefined) entry.state = state;
    if (withHistories) {
      const h: Record<string, number[]> = {};
      for (const [token, w] of rt.windows) if (w.length > 0) h[String(token)] = w.toArray();
      entry.histories = h;
    }
    strategies[rt.config.id] = entry;
  }
  return { v: ENGINE_STATE_VERSION, strategies };
}

/** Restores what matches the current configuration; see `ImportReport`. */
export function importEngineState(
  runtimes: readonly StatefulRuntime[],
  raw: unknown,
): Result<ImportReport, StateSchemaError> {
  const parsed = StateSchema.safeParse(raw);
  if (!parsed.success) {
    const version = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['v'] : undefined;
    return err({ code: 'ERR_STORE_SCHEMA', key: 'strategy-engine', version, expected: ENGINE_STATE_VERSION });
  }
  const byId = new Map(runtimes.map((rt) => [rt.config.id, rt]));
  const skipped: string[] = [];
  let restored = 0;
  for (const [id, entry] of Object.entries(parsed.data.strategies)) {
    const rt = byId.get(id);
    if (rt === undefined || !rt.config.enabled) {
      skipped.push(`${id}: no such enabled strategy`);
      continue;
    }
    if (rt.config.type !== entry.type) {
      skipped.push(`${id}: type changed from ${entry.type} to ${rt.config.type}`);
      continue;
    }
    if (entry.state !== undefined) {
      if (rt.logic.importState?.(entry.state) === true) restored++;
      else skipped.push(`${id}: state not accepted`);
    }
    for (const [token, prices] of Object.entries(entry.histories ?? {})) {
      const w = rt.windows.get(Number(token));
      if (w === undefined) {
        skipped.push(`${id}: instrument ${token} not configured`);
        continue;
      }
      if (!prices.every((p) => Number.isSafeInteger(p) && p > 0)) {
        skipped.push(`${id}: history of ${token} has invalid prices`);
        continue;
      }
      w.clear();
      for (const p of prices.slice(-w.capacity)) w.push(p);
      restored++;
    }
  }
  return ok({ restored, skipped });
}
