// Properties of the metrics over random fill logs and curves: fee and quantity conservation of the
// FIFO round trips, FIFO gross = average-cost realized on flat books (against foldFills), the
// drawdown against a brute-force scan of every pair, and Sharpe / Sortino against an independent
// straightforward implementation (BigInt-free plain formulas written differently: Σx² form).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exposure, maxDrawdown, roundTrips, sharpeRatio, sortinoRatio, tradeStats } from '../../../src/domain/metrics/index.js';
import { foldFills, positionView } from '../../../src/domain/portfolio/index.js';
import type { Fill } from '../../../src/domain/types.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const rawFill = fc.record({
  strategyId: fc.constantFrom('a', 'b'),
  token: fc.constantFrom(1, 2, 3),
  side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
  quantity: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 10_000 })),
  price: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5_000_000 })),
  fees: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 })),
  dtMs: fc.integer({ min: 0, max: 3_600_000 }),
});

type RawFill = typeof rawFill extends fc.Arbitrary<infer R> ? R : never;

function toFills(raw: readonly RawFill[]): Fill[] {
  let ts = 1_737_690_300_000;
  return raw.map((r, i) => {
    ts += r.dtMs;
    return { tradeId: `t${i}`, orderId: `o${i}`, broker: 'paper', strategyId: r.strategyId, token: r.token, side: r.side, quantity: r.quantity, price: r.price, fees: r.fees, ts, fillSeq: i };
  });
}

/** Appends one fill per open book that makes it flat. */
function flatten(fills: Fill[]): Fill[] {
  const state = foldFills(fills);
  const out = fills.slice();
  let i = fills.length;
  const ts = (fills[fills.length - 1]?.ts ?? 0) + 1;
  for (const s of ['a', 'b']) {
    for (const token of [1, 2, 3]) {
      const q = positionView(state, 'paper', s, token)?.qty ?? 0;
      if (q !== 0) out.push({ tradeId: `t${i}`, orderId: `o${i}`, broker: 'paper', strategyId: s, token, side: q > 0 ? 'SELL' : 'BUY', quantity: Math.abs(q), price: 77, fees: 3, ts, fillSeq: i++ });
    }
  }
  return out;
}

const fillsArb = fc.array(rawFill, { minLength: 0, maxLength: 80 }).map(toFills);

describe('round trips (property)', () => {
  it('fees and quantities are conserved; open lots equal the folded positions', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        const { trips, open } = roundTrips(fills);
        const fees = fills.reduce((a, f) => a + f.fees, 0);
        expect(trips.reduce((a, t) => a + t.fees, 0) + open.reduce((a, l) => a + l.fees, 0)).toBe(fees);
        for (const t of trips) {
          expect(t.quantity).toBeGreaterThan(0);
          expect(t.netPnl).toBe(t.grossPnl - t.fees);
          expect(t.durationMs).toBeGreaterThanOrEqual(0);
        }
        const state = foldFills(fills);
        for (const s of ['a', 'b']) {
          for (const token of [1, 2, 3]) {
            const lots = open.filter((l) => l.strategyId === s && l.token === token);
            const q = lots.reduce((a, l) => a + (l.direction === 'long' ? l.quantity : -l.quantity), 0);
            expect(q).toBe(positionView(state, 'paper', s, token)?.qty ?? 0);
            // a book holds one direction at a time
            expect(new Set(lots.map((l) => l.direction)).size).toBeLessThanOrEqual(1);
          }
        }
        const st = tradeStats(trips);
        expect(st.wins + st.losses).toBeLessThanOrEqual(st.roundTrips);
        expect(st.netPnl).toBe(trips.reduce((a, t) => a + t.netPnl, 0));
        if (st.expectancy !== null) expect(st.expectancy * st.roundTrips).toBeCloseTo(st.netPnl, 3);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('on flat books, Σ FIFO gross PnL per book = the average-cost realized PnL of foldFills', () => {
    fc.assert(
      fc.property(fillsArb.map(flatten), (fills) => {
        const { trips, open } = roundTrips(fills);
        expect(open).toEqual([]);
        const state = foldFills(fills);
        for (const s of ['a', 'b']) {
          for (const token of [1, 2, 3]) {
            const gross = trips.filter((t) => t.strategyId === s && t.token === token).reduce((a, t) => a + t.grossPnl, 0);
            expect(gross).toBe(positionView(state, 'paper', s, token)?.realizedPnl ?? 0);
          }
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('exposure is a share of the period', () => {
    fc.assert(
      fc.property(fillsArb, fc.integer({ min: 0, max: 10_000_000 }), (fills, extra) => {
        const from = fills[0]?.ts ?? 0;
        const to = (fills[fills.length - 1]?.ts ?? 0) + extra + 1;
        const e = exposure(fills, from, to)!;
        expect(e).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(1);
      }),
      { seed, numRuns: 200 },
    );
  });
});

// Independent implementations: the textbook formulas in another algebraic form
function refSharpe(r: readonly number[]): number | null {
  const n = r.length;
  if (n < 2) return null;
  const sum = r.reduce((a, x) => a + x, 0);
  const sumSq = r.reduce((a, x) => a + x * x, 0);
  const variance = (sumSq - (sum * sum) / n) / (n - 1);
  if (!(variance > 1e-24)) return null;
  return (sum / n / Math.sqrt(variance)) * Math.sqrt(252);
}
function refSortino(r: readonly number[]): number | null {
  const n = r.length;
  if (n < 2) return null;
  const down = r.map((x) => Math.min(0, x));
  const dd = Math.sqrt(down.reduce((a, x) => a + x * x, 0) / (n - 1));
  if (dd === 0) return null;
  return (r.reduce((a, x) => a + x, 0) / n / dd) * Math.sqrt(252);
}

describe('curve figures (property)', () => {
  const returnsArb = fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 2, maxLength: 300 });

  it('Sharpe and Sortino agree with the independent implementation', () => {
    fc.assert(
      fc.property(returnsArb, (r) => {
        const a = sharpeRatio(r);
        const b = refSharpe(r);
        // the Σx² form loses precision on near-constant series; compare where it is well conditioned
        if (a !== null && b !== null && Math.abs(a) < 1e6) expect(a).toBeCloseTo(b, 6);
        const s = sortinoRatio(r);
        const t = refSortino(r);
        expect(s === null).toBe(t === null);
        if (s !== null && t !== null) expect(Math.abs(s - t)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(t)));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('max drawdown equals the largest fall over every pair (brute force)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 60 }), (start, eq) => {
        const samples = eq.map((equity, i) => ({ ts: i + 1, equity }));
        const all = [start, ...eq];
        let best = 0;
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) best = Math.max(best, all[i]! - all[j]!);
        const dd = maxDrawdown({ ts: 0, equity: start }, samples);
        expect(dd.amount).toBe(best);
        if (best > 0) {
          const peak = all[dd.peakTs!]!;
          expect(peak - all[dd.troughTs!]!).toBe(best);
          expect(dd.pct).toBeCloseTo(best / peak, 12);
          if (dd.recoveredTs !== null) expect(all[dd.recoveredTs]!).toBeGreaterThanOrEqual(peak);
          else expect(all.slice(dd.troughTs! + 1).every((x) => x < peak)).toBe(true);
        }
      }),
      { seed, numRuns: 500 },
    );
  });
});
