// The sandbox's exchange: a deterministic, seeded price path for every instrument of the sandbox
// (the project's synthetic walk, src/domain/feed/synthetic.ts, one step per instrument per market
// step), in minor units of each instrument's divisor (paise for NSE). The ticker server streams
// these ticks; the REST half of the sandbox matches orders against lastPrice()/onTick(). Same seed,
// same instruments and same step times ⇒ the same ticks, so tests can predict prices.
import { join } from 'node:path';
import { createSyntheticFeed } from '../../domain/feed/index.js';
import type { Instrument } from '../../domain/instruments/index.js';
import { parseInstrumentsFile } from '../../services/feed/instruments.js';
import type { Paise, Tick } from '../../domain/types.js';
import type { Clock } from '../../runtime/clock.js';
import { projectRoot } from '../../runtime/system.js';

/** What the rest of the sandbox (ticker server, REST order matching) may use of the market. */
export interface SandboxMarket {
  /** Every instrument the sandbox knows, sorted by token (indices included: they stream, never trade). */
  instruments(): readonly Instrument[];
  /** Last traded price of `token` in minor units of its divisor; undefined before its first tick or when unknown. */
  lastPrice(token: number): Paise | undefined;
  /** Last tick of `token` (undefined before its first tick). */
  lastTick(token: number): Tick | undefined;
  /** Calls `fn` with every tick, in order; returns the unsubscribe function. */
  onTick(fn: (tick: Tick) => void): () => void;
  /** Advances every instrument by one tick stamped `nowMs`; listeners see them in token order. */
  step(nowMs: number): void;
  /** Market steps taken so far. */
  readonly steps: number;
}

export interface SandboxMarketOptions {
  readonly instruments: readonly Instrument[];
  readonly seed: string;
  /** Per-step volatility of the walk in basis points (default 10: visible moves in a short demo). */
  readonly volatilityBps?: number;
}

/** Creates the market (not running: call step(), or startSandboxMarket for a timer). */
export function createSandboxMarket(opts: SandboxMarketOptions): SandboxMarket {
  const sorted = [...opts.instruments].sort((a, b) => a.token - b.token);
  const feed = createSyntheticFeed({ instruments: sorted, seed: opts.seed, volatilityBps: opts.volatilityBps ?? 10, pick: 'round_robin' });
  const last = new Map<number, Tick>();
  const listeners = new Set<(tick: Tick) => void>();
  let steps = 0;
  return {
    instruments: () => sorted,
    lastPrice: (token) => last.get(token)?.ltp,
    lastTick: (token) => last.get(token),
    onTick(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    step(nowMs) {
      // Round robin over the sorted list: one step visits every instrument once, in token order
      for (let i = 0; i < sorted.length; i++) {
        const t = feed.next(nowMs);
        last.set(t.token, t);
        for (const fn of listeners) fn(t);
      }
      steps++;
    },
    get steps() {
      return steps;
    },
  };
}

/** Steps `market` every `intervalMs` of `clock`'s wall time; returns the stop function. */
export function startSandboxMarket(market: SandboxMarket, clock: Clock, intervalMs: number): () => void {
  const timer = setInterval(() => market.step(clock.nowMs()), intervalMs);
  return () => clearInterval(timer);
}

/** The project's default instruments file (the 20 NSE instruments of the demo). */
export const DEFAULT_SANDBOX_INSTRUMENTS = join(projectRoot(), 'src', 'defaults', 'instruments.csv');

/** Reads an instruments file (full records: the REST half needs symbols and exchanges); throws ERR_CONFIG_INVALID when it has no valid row. */
export function loadSandboxInstruments(file: string = DEFAULT_SANDBOX_INSTRUMENTS): readonly Instrument[] {
  return parseInstrumentsFile(file).instruments;
}
