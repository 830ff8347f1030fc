// The bench latency histogram (bench/harness/histogram.ts): bucket mapping is monotonic and
// lossless below 256 ns, percentiles are within its stated 0.8 % of the exact sorted-sample
// answer, and counts survive a round trip through a plain Float64Array (how workers report).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Histogram } from '../../../bench/harness/histogram.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

function exact(sorted: readonly number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

describe('latency histogram', () => {
  it('maps values to buckets monotonically, each value inside its bucket', () => {
    let last = -1;
    for (let v = 0; v < 1 << 20; v += 1 + (v >> 6)) {
      const i = Histogram.index(v);
      expect(i).toBeGreaterThanOrEqual(last);
      expect(Histogram.bucketLow(i)).toBeLessThanOrEqual(v);
      expect(Histogram.bucketLow(i) + Histogram.bucketWidth(i)).toBeGreaterThan(v);
      last = i;
    }
    for (const v of [2 ** 30, 2 ** 40 - 1, 2 ** 40, 3.7e12]) {
      const i = Histogram.index(v);
      expect(Histogram.bucketLow(i)).toBeLessThanOrEqual(v);
      expect(Histogram.bucketLow(i) + Histogram.bucketWidth(i)).toBeGreaterThan(v);
    }
  });

  it('reports percentiles within 0.8 % of the exact answer (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 1, maxLength: 3000 }), (xs) => {
        const h = new Histogram();
        for (const x of xs) h.record(x);
        const sorted = [...xs].sort((a, b) => a - b);
        for (const p of [0, 50, 90, 99, 99.9, 100]) {
          const want = exact(sorted, p);
          const got = h.percentile(p);
          if (Math.abs(got - want) > Math.max(0.5, want * 0.008)) return false;
        }
        return h.count === xs.length && h.summary().maxNs === sorted.at(-1) && h.summary().minNs === sorted[0];
      }),
      { seed, numRuns: 200 },
    );
  });

  it('round-trips through its counts array and merges runs; clamps and counts negatives', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 0; i < 1000; i++) a.record(100 + i);
    for (let i = 0; i < 1000; i++) b.record(5000 + i);
    b.record(-3);
    expect(b.negatives).toBe(1);
    const copy = new Histogram(new Float64Array(a.counts));
    expect(copy.count).toBe(1000);
    expect(copy.percentile(50)).toBeCloseTo(a.percentile(50), 0);
    copy.add(b);
    expect(copy.count).toBe(2001);
    expect(copy.percentile(25)).toBeLessThan(1100);
    expect(copy.percentile(75)).toBeGreaterThan(5000);
    expect(copy.summary(50).p50Ns).toBeCloseTo(copy.percentile(50) - 50, 6);
  });
});
