// Deterministic synthetic market feed: a seeded geometric random walk per instrument producing
// Kite-FULL-like ticks (original §1.3 had no mock feed). PURE: time comes in as `nowMs`, randomness
// from seededRng(`${seed}#${seq}`) per tick, so same seed + same time sequence ⇒ identical ticks,
// and a feed restored with importState continues exactly where the exported one stopped.

import { appError } from '../../errors.js';
import { isIndexToken, type Instrument } from '../instruments/instrument.js';
import { istDayNumber } from '../market-hours/ist.js';
import { formatIsoDate } from '../market-hours/calendar.js';
import { gaussian, randInt, seededRng, type Rng } from '../rng.js';
import type { Paise, Tick } from '../types.js';
import { referencePrice } from './reference-prices.js';
import { syntheticBook, tradeQuantity } from './synthetic-depth.js';
import { addProduct, roundedQuotient } from './exact-int.js';
import {
  exportWalk,
  freshWalk,
  importWalk,
  isSyntheticFeedState,
  SYNTHETIC_STATE_VERSION,
  type SyntheticFeedState,
  type Walk,
} from './synthetic-state.js';

/** What the feed needs to know about an instrument; an {@link Instrument} fits. */
export type SyntheticInstrument = Pick<Instrument, 'token'> &
  Partial<Pick<Instrument, 'tickSize' | 'lotSize' | 'tradable' | 'divisor' | 'lastPrice'>>;

/** How the next instrument is chosen. Both are deterministic functions of seed and tick counter. */
export type SyntheticPick = 'round_robin' | 'random';

/** Options of {@link createSyntheticFeed}. */
export interface SyntheticFeedOptions {
  readonly instruments: readonly SyntheticInstrument[];
  readonly seed: string | number;
  /** Standard deviation of one tick's log return, in basis points (default 2). */
  readonly volatilityBps?: number;
  readonly pick?: SyntheticPick;
  /** Starting prices overriding {@link referencePrice}, minor units. */
  readonly referencePrices?: ReadonlyMap<number, Paise>;
  /** State from a previous {@link SyntheticFeed.exportState} to continue from. */
  readonly state?: SyntheticFeedState;
}

/** A running synthetic feed. */
export interface SyntheticFeed {
  /** Next tick, stamped with `nowMs` (epoch ms). Day OHLC/volume reset when the IST date advances. */
  next(nowMs: number): Tick;
  exportState(): SyntheticFeedState;
  /**
   * Continues from `state`: adopts its seed and counter; walks of configured tokens are restored,
   * configured tokens missing from it start fresh, unknown tokens are dropped. Throws
   * ERR_STORE_SCHEMA when `state` is not a valid state (it is our own persisted record).
   */
  importState(state: unknown): void;
}

/** Default per-tick volatility: ≈ 1.5% daily at 1 tick/s per instrument over a 6¼ h session. */
export const DEFAULT_VOLATILITY_BPS = 2;

interface Spec {
  readonly token: number;
  readonly tick: Paise;
  readonly lot: number;
  readonly tradable: boolean;
  readonly divisor: number;
  readonly start: Paise;
}

/** Creates a synthetic feed over `opts.instruments` (at least one, unique tokens). */
export function createSyntheticFeed(opts: SyntheticFeedOptions): SyntheticFeed {
  const { specs, sigma } = checkOptions(opts);
  const pick = opts.pick ?? 'round_robin';
  let seed = String(opts.seed);
  let seq = 0;
  let walks: Walk[] = specs.map((s) => freshWalk(s.token, s.start));

  const importState = (state: unknown): void => {
    if (!isSyntheticFeedState(state)) {
      const version = typeof state === 'object' && state !== null ? (state as { v?: unknown }).v : undefined;
      throw appError('ERR_STORE_SCHEMA', { key: 'synthetic-feed', version, expected: SYNTHETIC_STATE_VERSION });
    }
    const stored = new Map(state.walks.map((w) => [w.token, w]));
    seed = state.seed;
    seq = state.seq;
    walks = specs.map((s) => {
      const w = stored.get(s.token);
      return w !== undefined ? importWalk(w) : freshWalk(s.token, s.start);
    });
  };
  if (opts.state !== undefined) importState(opts.state);
  // The IST day key is only re-formatted when the day number changes (a string per tick is GC load)
  let dayNumber = Number.NaN;
  let dayKey = '';
  const dayOf = (nowMs: number): string => {
    const n = istDayNumber(nowMs);
    if (n !== dayNumber) {
      dayNumber = n;
      dayKey = formatIsoDate(n);
    }
    return dayKey;
  };

  return {
    next(nowMs: number): Tick {
      // A NaN or fractional time would poison every timestamp and the day key downstream
      if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw appError('ERR_FRAME_BAD_VALUE', { field: 'exchangeTs', value: nowMs });
      const rng = seededRng(`${seed}#${seq}`);
      const idx = pick === 'random' ? randInt(rng, 0, specs.length - 1) : seq % specs.length;
      seq++;
      const spec = specs[idx];
      const walk = walks[idx];
      if (spec === undefined || walk === undefined) throw appError('ERR_CONFIG_INVALID', { summary: `walk index ${idx} out of range` });
      return stepWalk(spec, walk, rng, sigma, nowMs, dayOf(nowMs));
    },
    exportState: () => ({ v: SYNTHETIC_STATE_VERSION, seed, seq, walks: walks.map(exportWalk) }),
    importState,
  };
}

/** Validated instrument specs and per-tick sigma; throws ERR_CONFIG_INVALID on bad options. */
function checkOptions(opts: SyntheticFeedOptions): { specs: readonly Spec[]; sigma: number } {
  const specs = opts.instruments.map((i) => toSpec(i, opts.referencePrices));
  if (specs.length === 0) throw appError('ERR_CONFIG_INVALID', { summary: 'synthetic feed needs at least one instrument' });
  if (new Set(specs.map((s) => s.token)).size !== specs.length) {
    throw appError('ERR_CONFIG_INVALID', { summary: 'synthetic feed instruments repeat a token' });
  }
  const vol = opts.volatilityBps ?? DEFAULT_VOLATILITY_BPS;
  if (!Number.isFinite(vol) || vol < 0 || vol > 1000) {
    throw appError('ERR_CONFIG_INVALID', { summary: `volatilityBps must be in [0, 1000], was ${vol}` });
  }
  return { specs, sigma: vol / 10_000 };
}

/** Advances one walk by one tick (mutating it) and returns the tick. */
function stepWalk(spec: Spec, walk: Walk, rng: Rng, sigma: number, nowMs: number, day: string): Tick {
  rollDay(walk, day);
  // Geometric step with the -σ²/2 drift correction so the expected price stays flat
  const z = gaussian(rng);
  walk.fair = Math.max(spec.tick, walk.fair * Math.exp(sigma * z - (sigma * sigma) / 2));
  walk.ltp = Math.max(spec.tick, Math.round(walk.fair / spec.tick) * spec.tick);
  if (walk.open === 0) {
    walk.open = walk.ltp;
    walk.high = walk.ltp;
    walk.low = walk.ltp;
  }
  walk.high = Math.max(walk.high, walk.ltp);
  walk.low = Math.min(walk.low, walk.ltp);
  if (!spec.tradable) return indexTick(spec, walk, nowMs);

  walk.lastQty = tradeQuantity(rng, spec.lot);
  walk.volume += walk.lastQty;
  walk.turnover = addProduct(walk.turnover, walk.ltp, walk.lastQty);
  walk.lastTradeTs = nowMs;
  const book = syntheticBook(rng, walk.ltp, spec.tick, spec.lot);
  return {
    token: spec.token,
    ltp: walk.ltp,
    lastQty: walk.lastQty,
    avgPrice: walk.volume === 0 ? 0 : roundedQuotient(walk.turnover, walk.volume),
    volume: walk.volume,
    buyQty: book.buyQty,
    sellQty: book.sellQty,
    open: walk.open,
    high: walk.high,
    low: walk.low,
    close: walk.close,
    oi: 0,
    oiDayHigh: 0,
    oiDayLow: 0,
    divisor: spec.divisor,
    tradable: true,
    exchangeTs: nowMs,
    lastTradeTs: walk.lastTradeTs,
    depthBuy: book.buy,
    depthSell: book.sell,
  };
}

function toSpec(i: SyntheticInstrument, overrides: ReadonlyMap<number, Paise> | undefined): Spec {
  const tick = i.tickSize ?? 5;
  const lot = i.lotSize ?? 1;
  if (!Number.isSafeInteger(i.token) || i.token <= 0 || !Number.isSafeInteger(tick) || tick <= 0 || !Number.isSafeInteger(lot) || lot <= 0) {
    throw appError('ERR_CONFIG_INVALID', { summary: `synthetic feed: bad instrument ${i.token} (tick ${tick}, lot ${lot})` });
  }
  const override = overrides?.get(i.token);
  return {
    token: i.token,
    tick,
    lot,
    tradable: i.tradable ?? !isIndexToken(i.token),
    divisor: i.divisor ?? 100,
    start: referencePrice(i.token, override ?? i.lastPrice, tick),
  };
}

/** On a later IST day the previous last price becomes the close and the day's fields restart. */
function rollDay(walk: Walk, day: string): void {
  if (walk.day === day) return;
  if (walk.day !== '' && day < walk.day) return; // time went backwards across midnight: keep the day
  if (walk.day !== '') walk.close = walk.ltp;
  walk.day = day;
  walk.open = 0;
  walk.high = 0;
  walk.low = 0;
  walk.volume = 0;
  walk.turnover = 0;
  walk.lastQty = 0;
}

/** Index packets (Kite segment 9) carry only prices and the exchange timestamp. */
function indexTick(spec: Spec, walk: Walk, nowMs: number): Tick {
  return {
    token: spec.token,
    ltp: walk.ltp,
    lastQty: 0,
    avgPrice: 0,
    volume: 0,
    buyQty: 0,
    sellQty: 0,
    open: walk.open,
    high: walk.high,
    low: walk.low,
    close: walk.close,
    oi: 0,
    oiDayHigh: 0,
    oiDayLow: 0,
    divisor: spec.divisor,
    tradable: false,
    exchangeTs: nowMs,
    lastTradeTs: 0,
    depthBuy: [],
    depthSell: [],
  };
}
