// Engine settings from the application config: AppConfig.paper (rupees, percent, optional fields
// omitted when unset) to the paper broker's PaperConfig (null = no limit), the session calendar,
// and the instrument tick size read from the registry's LMDB records.
// latencyMsMean/Std are not mapped: the engine never sleeps (a simulated delay would only stall the pump).
import type { AppConfig } from '../../config.js';
import type { PaperConfig } from '../../domain/paper/index.js';
import type { Paise } from '../../domain/types.js';
import { tradabilityProblem, type TradabilityProblem, type TradableLookup } from '../../domain/instruments/index.js';
import type { SessionCalendar } from './session.js';

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

/** What the engine tells the venue about a signal's instrument: tick size, and a registry refusal. */
export function instrumentFactsOf(
  record: unknown,
  token: number,
  tradable: TradableLookup | undefined,
): { tickSize?: Paise; notTradable?: TradabilityProblem } {
  const tickSize = tickSizeOf(record);
  const problem = tradabilityProblem(tradable, token);
  return { ...(tickSize !== undefined ? { tickSize } : {}), ...(problem !== null ? { notTradable: problem } : {}) };
}
