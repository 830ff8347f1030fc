// Serializable state of the synthetic feed, so a restarted feed actor continues the same walk.
// PURE. Invariants: one walk per token; `ltp`, OHLC and `turnover` are integers in minor units;
// `turnover` (Σ price × qty of the day) is a decimal string because it may pass 2^53.

import type { Paise } from '../types.js';
import { isSyntheticClockState, type SyntheticClockState } from './synthetic-clock.js';
import { exactFromString, exactToString, type ExactInt } from './exact-int.js';

/** Version tag of {@link SyntheticFeedState}; bump when the shape changes. */
export const SYNTHETIC_STATE_VERSION = 1;

/** Walk of one instrument. `day` is '' until the first tick. */
export interface SyntheticWalkState {
  readonly token: number;
  /** Unrounded walk level in minor units (a float): rounding only the output avoids sticking to the grid. */
  readonly fair: number;
  readonly ltp: Paise;
  /** IST trading day (`YYYY-MM-DD`) the OHLC/volume below belong to. */
  readonly day: string;
  readonly open: Paise;
  readonly high: Paise;
  readonly low: Paise;
  /** Previous session's close (the reference price before the first session). */
  readonly close: Paise;
  readonly volume: number;
  readonly turnover: string;
  readonly lastQty: number;
  readonly lastTradeTs: number;
}

/** Complete feed state: the seed, the tick counter and every walk. */
export interface SyntheticFeedState {
  readonly v: typeof SYNTHETIC_STATE_VERSION;
  readonly seed: string;
  /** Number of ticks produced so far; tick n draws from seededRng(`${seed}#${n}`). */
  readonly seq: number;
  readonly walks: readonly SyntheticWalkState[];
  /** Position of the session clock when the feed runs in compressed sessions (synthetic-clock.ts). */
  readonly clock?: SyntheticClockState;
}

/** Mutable working copy of a walk (turnover exact: a number while safe, then a BigInt). */
export interface Walk {
  token: number;
  fair: number;
  ltp: Paise;
  day: string;
  open: Paise;
  high: Paise;
  low: Paise;
  close: Paise;
  volume: number;
  turnover: ExactInt;
  lastQty: number;
  lastTradeTs: number;
}

/** A walk before its first tick, starting at `price` (also its previous close). */
export function freshWalk(token: number, price: Paise): Walk {
  return {
    token,
    fair: price,
    ltp: price,
    day: '',
    open: 0,
    high: 0,
    low: 0,
    close: price,
    volume: 0,
    turnover: 0,
    lastQty: 0,
    lastTradeTs: 0,
  };
}

/** Snapshot of a working walk. */
export function exportWalk(w: Walk): SyntheticWalkState {
  return { ...w, turnover: exactToString(w.turnover) };
}

/** Working copy of a stored walk. */
export function importWalk(s: SyntheticWalkState): Walk {
  return { ...s, turnover: exactFromString(s.turnover) };
}

const isNonNegInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function isWalkState(x: unknown): x is SyntheticWalkState {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Record<string, unknown>;
  const ints = ['token', 'ltp', 'open', 'high', 'low', 'close', 'volume', 'lastQty', 'lastTradeTs'];
  return (
    ints.every((k) => isNonNegInt(w[k])) &&
    typeof w['fair'] === 'number' &&
    Number.isFinite(w['fair']) &&
    w['fair'] > 0 &&
    typeof w['day'] === 'string' &&
    typeof w['turnover'] === 'string' &&
    /^\d+$/.test(w['turnover'])
  );
}

/**
 * Structural check of a stored state (e.g. read back from LMDB) before {@link importWalk}: version,
 * seed, counter, every walk's fields and the session clock when present. Duplicate tokens are rejected.
 */
export function isSyntheticFeedState(x: unknown): x is SyntheticFeedState {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  if (s['v'] !== SYNTHETIC_STATE_VERSION || typeof s['seed'] !== 'string' || !isNonNegInt(s['seq'])) return false;
  if (s['clock'] !== undefined && !isSyntheticClockState(s['clock'])) return false;
  const walks = s['walks'];
  if (!Array.isArray(walks) || !walks.every(isWalkState)) return false;
  return new Set(walks.map((w) => w.token)).size === walks.length;
}
