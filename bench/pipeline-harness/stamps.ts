// Shared stamp table between the bench tick injector and the fill probe (one SharedArrayBuffer
// handed to both through their child-spec args). Slot `seq & MASK` holds [seq, injectedNs,
// scheduledNs]: when the tick of ring seq `seq` was actually written and when the open-loop
// schedule wanted it. Times are ns on a process-wide timeline relative to a base passed in args
// (small values keep float64 at sub-ns resolution, unlike epoch-based ns which resolve ~256 ns).

/** Slots in the table (power of two); a seq older than this is reported as stale, never misread. */
export const STAMP_SLOTS = 1 << 20;
const MASK = STAMP_SLOTS - 1;

export function createStampTable(): SharedArrayBuffer {
  return new SharedArrayBuffer(STAMP_SLOTS * 3 * 8);
}

/**
 * ns since `baseMs` (a performance.timeOrigin of the parent thread) on the process-wide timeline:
 * every thread's timeOrigin + now() is the same clock, so values from different threads compare.
 */
export function relNowNs(baseMs: number): number {
  return (performance.timeOrigin - baseMs + performance.now()) * 1e6;
}

export class StampTable {
  private readonly f: Float64Array;
  constructor(sab: SharedArrayBuffer) {
    this.f = new Float64Array(sab);
  }

  write(seq: number, injectedNs: number, scheduledNs: number): void {
    const i = (seq & MASK) * 3;
    this.f[i + 1] = injectedNs;
    this.f[i + 2] = scheduledNs;
    this.f[i] = seq;
  }

  /** Injection stamp of `seq`, or NaN when the slot now holds another seq (overwritten). */
  injected(seq: number): number {
    const i = (seq & MASK) * 3;
    return this.f[i] === seq ? this.f[i + 1]! : Number.NaN;
  }

  scheduled(seq: number): number {
    const i = (seq & MASK) * 3;
    return this.f[i] === seq ? this.f[i + 2]! : Number.NaN;
  }
}

/** Median cost of one relNowNs() read in ns (subtracted from every latency sample). */
export function timerCostNs(baseMs: number): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 50_000; i++) relNowNs(baseMs);
    runs.push(((performance.now() - t0) * 1e6) / 50_000);
  }
  return runs.sort((a, b) => a - b)[2]!;
}
