// Walk-forward windows of a sweep: the tick series is cut into consecutive folds of a training
// window followed by a test window, rolled forward by the test length, so every test window is
// out of sample for the parameters picked on the training window just before it. PURE.

/** Ticks [start, end) of the series. */
export interface TickWindow {
  readonly start: number;
  readonly end: number;
}

export interface Fold {
  readonly train: TickWindow;
  readonly test: TickWindow;
  /** Epoch ms bounds: train [trainFrom, testFrom), test [testFrom, testTo). */
  readonly trainFrom: number;
  readonly testFrom: number;
  readonly testTo: number;
}

/** First index at or after `i` whose time is ≥ `t` (times are non-decreasing). */
function seek(ts: ArrayLike<number>, length: number, i: number, t: number): number {
  let lo = i;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The folds of `length` ticks stamped `ts` (non-decreasing): train = [t, t + trainMs), test =
 * [t + trainMs, t + trainMs + testMs), t advancing by testMs from the first tick; a fold whose
 * test window would run past the last tick is dropped, as is one with an empty window.
 */
export function walkForwardFolds(ts: ArrayLike<number>, length: number, trainMs: number, testMs: number): Fold[] {
  if (length === 0 || !(trainMs > 0) || !(testMs > 0)) return [];
  const first = ts[0]!;
  const last = ts[length - 1]!;
  const folds: Fold[] = [];
  for (let t = first; t + trainMs + testMs <= last + 1; t += testMs) {
    const a = seek(ts, length, 0, t);
    const b = seek(ts, length, a, t + trainMs);
    const c = seek(ts, length, b, t + trainMs + testMs);
    if (b > a && c > b) folds.push({ train: { start: a, end: b }, test: { start: b, end: c }, trainFrom: t, testFrom: t + trainMs, testTo: t + trainMs + testMs });
  }
  return folds;
}

/** `90s`, `15m`, `6h`, `2d` → ms; undefined for anything else. */
export function parseDurationMs(s: string): number | undefined {
  const m = /^(\d+)(s|m|h|d)$/.exec(s);
  if (m === null) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const v = Number(m[1]) * unit;
  return v > 0 && Number.isSafeInteger(v) ? v : undefined;
}
