// Log-linear latency histogram (HdrHistogram-style): exact below 256 ns, then 128 sub-buckets per
// power of two (≤ 0.8 % relative error). Fixed memory, no allocation per sample, and its counts
// cross threads as a plain Float64Array so workers record and the main thread reports.

const SUB_BITS = 8;
const SUB = 1 << SUB_BITS; // 256: values below this are exact
const HALF = SUB >> 1; // 128 sub-buckets per power of two above
const MAX_EXP = 44; // up to 2^44 ns ≈ 4.9 h
const BUCKETS = SUB + (MAX_EXP - SUB_BITS + 1) * HALF;

/** Percentile summary in nanoseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly minNs: number;
  readonly p50Ns: number;
  readonly p90Ns: number;
  readonly p99Ns: number;
  readonly p999Ns: number;
  readonly maxNs: number;
  readonly meanNs: number;
}

/** Latency histogram in integer nanoseconds. */
export class Histogram {
  readonly counts: Float64Array;
  private n = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = 0;
  /** Samples below zero (clock skew between threads), recorded as 0 and counted here. */
  negatives = 0;

  constructor(counts?: Float64Array) {
    this.counts = counts ?? new Float64Array(BUCKETS);
    if (counts !== undefined) this.rescan();
  }

  /** Bucket index of a non-negative integer value. */
  static index(v: number): number {
    if (v < SUB) return v;
    const e = Math.floor(Math.log2(v)); // ≥ SUB_BITS
    if (e > MAX_EXP) return BUCKETS - 1;
    let shift = e - SUB_BITS + 1;
    let m = Math.floor(v / 2 ** shift); // in [HALF, SUB) unless log2 rounded across a power of two
    if (m >= SUB) m = Math.floor(v / 2 ** ++shift);
    else if (m < HALF) m = Math.floor(v / 2 ** --shift);
    return SUB + (shift - 1) * HALF + (m - HALF);
  }

  /** Lowest value that maps to bucket `i`, and the bucket's width. */
  static bucketLow(i: number): number {
    if (i < SUB) return i;
    const shift = Math.floor((i - SUB) / HALF) + 1;
    const m = ((i - SUB) % HALF) + HALF;
    return m * 2 ** shift;
  }

  /** Width of bucket `i` (1 below 256). */
  static bucketWidth(i: number): number {
    return i < SUB ? 1 : 2 ** (Math.floor((i - SUB) / HALF) + 1);
  }

  /** Records one sample in ns (rounded; negative samples clamp to 0 and are counted). */
  record(ns: number): void {
    let v = Math.round(ns);
    if (v < 0) {
      this.negatives++;
      v = 0;
    }
    this.counts[Histogram.index(v)]! += 1;
    this.n++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  get count(): number {
    return this.n;
  }

  /** Value at percentile p (0–100): the midpoint of the bucket holding that rank. */
  percentile(p: number): number {
    if (this.n === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const w = Histogram.bucketWidth(i);
        const mid = Histogram.bucketLow(i) + (w - 1) / 2;
        return Math.min(Math.max(mid, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Adds another histogram's counts (e.g. one per run) into this one. */
  add(other: Histogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.negatives += other.negatives;
    this.rescan();
  }

  /** Percentiles with `offsetNs` (e.g. the timer's own cost) subtracted, floored at 0. */
  summary(offsetNs = 0): LatencySummary {
    const c = (v: number): number => Math.max(0, v - offsetNs);
    return {
      count: this.n,
      minNs: c(this.min === Number.POSITIVE_INFINITY ? Number.NaN : this.min),
      p50Ns: c(this.percentile(50)),
      p90Ns: c(this.percentile(90)),
      p99Ns: c(this.percentile(99)),
      p999Ns: c(this.percentile(99.9)),
      maxNs: c(this.max),
      meanNs: this.n === 0 ? Number.NaN : c(this.sum / this.n),
    };
  }

  /** Recomputes count, sum (bucket midpoints), min and max from the counts. */
  private rescan(): void {
    this.n = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const k = this.counts[i]!;
      if (k === 0) continue;
      const lo = Histogram.bucketLow(i);
      const w = Histogram.bucketWidth(i);
      this.n += k;
      this.sum += k * (lo + (w - 1) / 2);
      if (lo < this.min) this.min = lo;
      if (lo + w - 1 > this.max) this.max = lo + w - 1;
    }
  }
}
