// Engine settings from the application config: AppConfig.paper (rupees, percent, optional fields
// omitted when unset) to the paper broker's PaperConfig (null = no limit), the session calendar,
// and the instrument tick size read from the registry's LMDB records.
// latencyMsMean/Std are not mapped: the engine never sleeps (a simulated delay would only stall the pump).
import type { AppConfig } from '../../config.js';
import type { PaperConfig } from '../../domain/paper/index.js';
import type { Paise } from '../../domain/types.js';
import { K, type Key } from '../../store/keyspace.js';
import type { SessionCalendar } from '../../domain/market-hours/index.js';

/** The config sections the engine reads; absent sections mean defaults (tests pass partial configs). */
export type EngineConfigInput = Partial<Pick<AppConfig, 'paper' | 'feed'>>;

/** AppConfig.paper → PaperConfig; unset optional limits become null, unset sections keep defaults. */
export function paperConfigFrom(paper: AppConfig['paper'] | undefined): Partial<PaperConfig> {
  if (paper === undefined) return {};
  return {
    slippagePercent: paper.slippagePercent,
    commissionPercent: paper.commissionPercent,
    startingCash: paper.startingCash,
    partialFillProb: paper.partialFillProb,
    maxPartials: paper.maxPartials,
    minQuantity: paper.minQuantity,
    maxQuantity: paper.maxQuantity ?? null,
    minPrice: paper.minPrice,
    maxPrice: paper.maxPrice ?? null,
    allowedInstruments: paper.allowedInstruments,
    maxPositionNotional: paper.maxPositionNotional ?? null,
    seed: paper.seed,
  };
}

/** The session calendar; an unset market24x7 follows the config default (synthetic feed ⇒ 24x7). */
export function calendarFrom(feed: Partial<AppConfig['feed']> | undefined): SessionCalendar {
  const market24x7 = feed?.market24x7 ?? (feed?.source ?? 'synthetic') === 'synthetic';
  return { market24x7, holidays: feed?.holidays ?? [] };
}

/** Tick size of an instrument record (K.instrument value), when it carries a valid one. */
export function tickSizeOf(record: unknown): Paise | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const t = (record as { tickSize?: unknown }).tickSize;
  return typeof t === 'number' && Number.isSafeInteger(t) && t > 0 ? t : undefined;
}

/** Tick size of every instrument the registry stored (read once at start: no LMDB read per order). */
export function loadTickSizes(db: { getRange(opts: { start: Key; end: Key }): Iterable<{ value: unknown }> }): Map<number, Paise> {
  const sizes = new Map<number, Paise>();
  for (const { value } of db.getRange(K.instrumentRange())) {
    const size = tickSizeOf(value);
    const token = (value as { token?: unknown } | null)?.token;
    if (size !== undefined && typeof token === 'number') sizes.set(token, size);
  }
  return sizes;
}

/** The feed settings that decide which clock session ends follow (tests may pass none). */
export interface SessionClockInput {
  readonly source?: string;
  readonly syntheticSessionMs?: number;
}

/**
 * Whether session ends follow the ticks' own timestamps: replays (the file's days decide) and the
 * synthetic feed in compressed sessions (its session clock runs a trading day in a few minutes).
 * Otherwise — a synthetic feed on the wall clock — they follow the wall clock.
 */
export function sessionsFollowTickTime(feed: SessionClockInput | undefined): boolean {
  const source = feed?.source ?? 'synthetic';
  return source === 'replay' || (source === 'synthetic' && (feed?.syntheticSessionMs ?? 0) > 0);
}
