import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BollingerBands, RSI, SD, SMA } from 'technicalindicators';
import {
  bollinger,
  extremes,
  populationStdev,
  returnStats,
  rsi,
  sampleStdev,
  sma,
} from '../../../src/domain/strategy/indicators.js';
import { arraySeries, PriceWindow } from '../../../src/domain/strategy/window.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const close = (a: number, b: number, rel = 1e-9): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
const lastOf = <T>(xs: readonly T[]): T => {
  const v = xs[xs.length - 1];
  if (v === undefined) throw new Error('empty');
  return v;
};

describe('PriceWindow', () => {
  it('keeps only the last `capacity` values, oldest first', () => {
    const w = new PriceWindow(3);
    expect(w.length).toBe(0);
    expect(Number.isNaN(w.last())).toBe(true);
    for (const p of [1, 2, 3, 4, 5]) w.push(p);
    expect(w.length).toBe(3);
    expect(w.toArray()).toEqual([3, 4, 5]);
    expect(w.get(0)).toBe(3);
    expect(w.last()).toBe(5);
    expect(Number.isNaN(w.get(3))).toBe(true);
    w.clear();
    expect(w.toArray()).toEqual([]);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new PriceWindow(0)).toThrow(RangeError);
  });

  it('always equals the tail of the pushed sequence (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 1, max: 1e6 }), { maxLength: 80 }), (cap, xs) => {
        const w = new PriceWindow(cap);
        for (const x of xs) w.push(x);
        expect(w.toArray()).toEqual(xs.slice(-cap));
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('indicators on fixed series', () => {
  const s = arraySeries([10, 11, 12, 13, 12, 13]);

  it('sma / stdevs use only the tail', () => {
    expect(sma(s, 3)).toBeCloseTo((13 + 12 + 13) / 3, 12);
    expect(sampleStdev(arraySeries([2, 4, 4, 4, 5, 5, 7, 9]), 8)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(populationStdev(arraySeries([2, 4, 4, 4, 5, 5, 7, 9]), 8)).toBeCloseTo(2, 12);
    expect(Number.isNaN(sma(s, 7))).toBe(true);
    expect(Number.isNaN(sampleStdev(s, 1))).toBe(true);
  });

  it('rsi counts the current tick once (last change is real, not 0)', () => {
    // Last 4 prices 50, 48, 46, 47: changes −2, −2, +1 ⇒ RS = 1/4 ⇒ RSI 20.
    // The original appended the tick twice: 48, 46, 47, 47 ⇒ −2, +1, 0 ⇒ RSI 33.3
    expect(rsi(arraySeries([50, 50, 50, 48, 46, 47]), 3)).toBeCloseTo(20, 12);
    expect(rsi(arraySeries([5, 5, 5]), 2)).toBe(100);
    expect(rsi(arraySeries([5, 4, 3]), 2)).toBe(0);
    expect(Number.isNaN(rsi(arraySeries([5, 4]), 2))).toBe(true);
  });

  it('bollinger bands are SMA ± k·sample σ', () => {
    const b = bollinger(arraySeries([10000, 10000, 10000, 10100, 9800]), 5, 1);
    expect(b.middle).toBeCloseTo(9980, 9);
    expect(b.stdev).toBeCloseTo(Math.sqrt(12000), 9);
    expect(b.lower).toBeCloseTo(9980 - Math.sqrt(12000), 9);
    expect(b.upper).toBeCloseTo(9980 + Math.sqrt(12000), 9);
  });

  it('return statistics and extremes', () => {
    const r = returnStats(arraySeries([100, 110, 99]), 3);
    const rets = [0.1, -0.1];
    expect(r.meanAbs).toBeCloseTo(0.1, 12);
    expect(r.stdev).toBeCloseTo(Math.sqrt(rets.reduce((a, x) => a + x * x, 0) / 2), 12);
    expect(returnStats(arraySeries([100]), 5)).toEqual({ stdev: 0, meanAbs: 0 });
    expect(extremes(arraySeries([5, 9, 1, 7]), 3)).toEqual({ max: 9, min: 1 });
  });
});

describe('indicators match technicalindicators', () => {
  const series = fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 3, maxLength: 60 });

  it('SMA, SD (population), Bollinger (sample σ) and first Wilder RSI (property)', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 2, max: 30 }), fc.double({ min: 0.5, max: 3, noNaN: true }), (xs, p, k) => {
        const n = Math.min(p, xs.length);
        const s = arraySeries(xs);
        expect(close(sma(s, n), lastOf(SMA.calculate({ period: n, values: xs })))).toBe(true);
        expect(close(populationStdev(s, n), lastOf(SD.calculate({ period: n, values: xs })), 1e-7)).toBe(true);
        // technicalindicators uses the population σ: scale k so its bands equal ours (sample σ)
        const bb = lastOf(BollingerBands.calculate({ period: n, values: xs, stdDev: k * Math.sqrt(n / (n - 1)) }));
        const ours = bollinger(s, n, k);
        expect(close(ours.upper, bb.upper, 1e-7)).toBe(true);
        expect(close(ours.lower, bb.lower, 1e-7)).toBe(true);
        // Wilder's FIRST RSI value is the simple-mean RSI over exactly period + 1 prices
        const period = n - 1;
        const tail = xs.slice(-(period + 1));
        const theirs = RSI.calculate({ period, values: tail });
        expect(theirs.length).toBe(1);
        // technicalindicators rounds RSI to 2 decimals
        expect(Math.abs(rsi(s, period) - (theirs[0] ?? NaN))).toBeLessThanOrEqual(0.005 + 1e-9);
      }),
      { seed, numRuns: 300 },
    );
  });
});
