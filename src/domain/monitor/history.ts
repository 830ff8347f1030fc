// Health history records and their retention (original `pipeline:health_history:{broker}`, §1.9),
// with per-record TTL instead of the original's whole-list expiry (seed fix 9). PURE: decides which
// keys to write and delete; the actor applies the plan in one LMDB transaction.
import type { BrokerValidation, OverallHealth } from './validate.js';

/** Schema version of stored health records. */
export const HEALTH_RECORD_VERSION = 1;

/** One stored history entry (the original's simplified health record). */
export interface HealthRecord {
  readonly v: typeof HEALTH_RECORD_VERSION;
  readonly ts: number;
  readonly broker: string;
  readonly overall: OverallHealth;
  /** Stage name → healthy (empty during startup). */
  readonly stageHealth: Readonly<Record<string, boolean>>;
  readonly bottleneckCount: number;
}

/** Retention policy: keep records younger than or exactly `ttlMs`, at most `max` per broker. */
export interface RetentionPolicy {
  readonly ttlMs: number;
  readonly max: number;
}

/** What to do for one append: the new record's key time, the keys to delete, the keys left. */
export interface HistoryPlan {
  /** Key time of the new record: now, or one past the newest existing key (keys stay unique, ascending). */
  readonly ts: number;
  /** Existing key times to delete, ascending. */
  readonly remove: readonly number[];
  /** Key times present after the plan is applied (including `ts`), ascending. */
  readonly keep: readonly number[];
}

/** Builds the stored record of a validation result. */
export function toHealthRecord(v: BrokerValidation, ts: number): HealthRecord {
  const stageHealth: Record<string, boolean> = {};
  for (const [name, s] of Object.entries(v.stages)) if (s !== undefined) stageHealth[name] = s.healthy;
  return { v: HEALTH_RECORD_VERSION, ts, broker: v.broker, overall: v.overall, stageHealth, bottleneckCount: v.bottlenecks.length };
}

/** Oldest key time still retained at `nowMs`: records with ts < cutoff are expired. */
export function historyCutoff(nowMs: number, ttlMs: number): number {
  return nowMs - ttlMs;
}

/**
 * Plans appending one record at `nowMs` to a broker's history whose key times are `existing`
 * (ascending): expired records go first, then the oldest ones beyond `max` (the new one counts).
 */
export function planHistoryAppend(existing: readonly number[], nowMs: number, policy: RetentionPolicy): HistoryPlan {
  const newest = existing.length > 0 ? existing[existing.length - 1]! : -Infinity;
  const ts = Math.max(nowMs, newest + 1);
  const cutoff = historyCutoff(nowMs, policy.ttlMs);
  const remove: number[] = [];
  const live: number[] = [];
  for (const t of existing) (t < cutoff ? remove : live).push(t);
  const room = Math.max(0, policy.max - 1);
  const excess = Math.max(0, live.length - room);
  remove.push(...live.slice(0, excess));
  const keep = [...live.slice(excess), ts];
  return { ts, remove, keep };
}
