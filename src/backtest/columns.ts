// Columnar tick storage for large replays and sweeps: token, last price and timestamp per tick in
// typed arrays (20 bytes a tick instead of a ~1 kB object), optionally on a SharedArrayBuffer so
// the columns reach every sweep worker without a copy. Iteration yields ONE reused Tick object:
// the backtest keeps only token, ltp and time from it (the strategy engine, risk and the paper
// venue never retain the tick). PURE.
import type { DepthLevel, Paise, Tick } from '../domain/types.js';

/** Ticks as parallel columns; `ts` is the exchange timestamp (epoch ms). */
export interface TickColumns {
  readonly length: number;
  readonly token: Uint32Array;
  readonly ltp: Float64Array;
  readonly ts: Float64Array;
}

const BYTES_PER_TICK = 4 + 8 + 8;

/** Empty columns for `n` ticks, on a SharedArrayBuffer when `shared` (default). */
export function allocateColumns(n: number, shared = true): TickColumns {
  const buf = shared ? new SharedArrayBuffer(Math.max(8, n * BYTES_PER_TICK)) : new ArrayBuffer(Math.max(8, n * BYTES_PER_TICK));
  // Float64 columns first so they stay 8-byte aligned
  return {
    length: n,
    ltp: new Float64Array(buf, 0, n),
    ts: new Float64Array(buf, n * 8, n),
    token: new Uint32Array(buf, n * 16, n),
  };
}

/** Collects ticks of unknown count, then packs them into (shared) columns. */
export class ColumnsBuilder {
  private token: number[] = [];
  private ltp: number[] = [];
  private ts: number[] = [];

  /** Appends one tick (its exchange timestamp, else its last-trade timestamp). */
  push(t: Pick<Tick, 'token' | 'ltp' | 'exchangeTs' | 'lastTradeTs'>): void {
    this.token.push(t.token);
    this.ltp.push(t.ltp);
    this.ts.push(t.exchangeTs > 0 ? t.exchangeTs : t.lastTradeTs);
  }

  get length(): number {
    return this.token.length;
  }

  /** The packed columns; the builder is emptied. */
  finish(shared = true): TickColumns {
    const cols = allocateColumns(this.token.length, shared);
    cols.token.set(this.token);
    cols.ltp.set(this.ltp);
    cols.ts.set(this.ts);
    this.token = [];
    this.ltp = [];
    this.ts = [];
    return cols;
  }
}

/** Packs a finite tick sequence. */
export function packTicks(ticks: Iterable<Pick<Tick, 'token' | 'ltp' | 'exchangeTs' | 'lastTradeTs'>>, shared = true): TickColumns {
  const b = new ColumnsBuilder();
  for (const t of ticks) b.push(t);
  return b.finish(shared);
}

interface ReusedTick {
  token: number;
  ltp: Paise;
  exchangeTs: number;
  readonly lastQty: 0;
  readonly avgPrice: 0;
  readonly volume: 0;
  readonly buyQty: 0;
  readonly sellQty: 0;
  readonly open: 0;
  readonly high: 0;
  readonly low: 0;
  readonly close: 0;
  readonly oi: 0;
  readonly oiDayHigh: 0;
  readonly oiDayLow: 0;
  readonly divisor: 100;
  readonly tradable: true;
  readonly lastTradeTs: 0;
  readonly depthBuy: readonly DepthLevel[];
  readonly depthSell: readonly DepthLevel[];
}

const NO_DEPTH: readonly DepthLevel[] = Object.freeze([]);

/**
 * Iterates columns `[from, to)` as Ticks. The SAME object is yielded every time, updated in
 * place (no allocation per tick): consumers must copy what they keep.
 */
export function columnTicks(cols: TickColumns, from = 0, to = cols.length): IterableIterator<Tick> {
  const t: ReusedTick = {
    token: 0, ltp: 0, exchangeTs: 0, lastQty: 0, avgPrice: 0, volume: 0, buyQty: 0, sellQty: 0,
    open: 0, high: 0, low: 0, close: 0, oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true,
    lastTradeTs: 0, depthBuy: NO_DEPTH, depthSell: NO_DEPTH,
  };
  let i = Math.max(0, from);
  const end = Math.min(to, cols.length);
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  const step: IteratorYieldResult<Tick> = { done: false, value: t };
  const iter: IterableIterator<Tick> = {
    next() {
      if (i >= end) return done;
      t.token = cols.token[i]!;
      t.ltp = cols.ltp[i]!;
      t.exchangeTs = cols.ts[i]!;
      i++;
      return step;
    },
    [Symbol.iterator]() {
      return iter;
    },
  };
  return iter;
}
