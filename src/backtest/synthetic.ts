// Deterministic synthetic tick series for backtests and sweeps, described by a small JSON-able
// spec (seed, count, instruments, start, spacing) so a sweep task can carry it instead of the
// ticks. Built on the market feed's own seeded random walk (src/domain/feed). PURE.
import { createSyntheticFeed } from '../domain/feed/index.js';
import { DEFAULT_INSTRUMENT_TOKENS } from '../domain/instruments/index.js';
import type { Tick } from '../domain/types.js';
import { allocateColumns, type TickColumns } from './columns.js';

/** A synthetic series: `n` ticks round-robin over `instruments`, `gapMs` apart from `t0`. */
export interface SyntheticSpec {
  readonly seed: string;
  readonly n: number;
  /** Default: the 20 default NSE instruments. */
  readonly instruments?: readonly number[];
  /** First tick's time, epoch ms. Default 2025-01-24 09:15 IST (a trading day's open). */
  readonly t0?: number;
  /** Default 100 ms. */
  readonly gapMs?: number;
  /** Per-tick log-return standard deviation, basis points (feed default when unset). */
  readonly volatilityBps?: number;
}

/** 2025-01-24 09:15:00 IST, a Friday. */
export const SYNTHETIC_T0 = 1_737_690_300_000;

/** The spec with every default filled in (two specs describe the same series iff these are equal). */
export function normaliseSpec(spec: SyntheticSpec): Required<SyntheticSpec> {
  return {
    seed: spec.seed,
    n: spec.n,
    instruments: spec.instruments ?? DEFAULT_INSTRUMENT_TOKENS,
    t0: spec.t0 ?? SYNTHETIC_T0,
    gapMs: spec.gapMs ?? 100,
    volatilityBps: spec.volatilityBps ?? 2,
  };
}

/** The series, generated lazily (one fresh Tick per item). */
export function* syntheticTicks(spec: SyntheticSpec): Generator<Tick> {
  const s = normaliseSpec(spec);
  const feed = createSyntheticFeed({ instruments: s.instruments.map((token) => ({ token })), seed: s.seed, volatilityBps: s.volatilityBps });
  for (let i = 0; i < s.n; i++) yield feed.next(s.t0 + i * s.gapMs);
}

/** The series packed into (shared) columns. */
export function syntheticColumns(spec: SyntheticSpec, shared = true): TickColumns {
  const s = normaliseSpec(spec);
  const cols = allocateColumns(s.n, shared);
  let i = 0;
  for (const t of syntheticTicks(s)) {
    cols.token[i] = t.token;
    cols.ltp[i] = t.ltp;
    cols.ts[i] = t.exchangeTs;
    i++;
  }
  return cols;
}
