// Property: foldFills equals an independent BigInt reference fold, to the paisa, over thousands of
// random fills (both brokers, several strategies and tokens, longs, shorts, crossings, fees).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyFill,
  brokerTotals,
  exportState,
  foldFills,
  markToMarket,
  positionView,
  strategyIds,
  strategyTotals,
  type PortfolioState,
} from '../../../src/domain/portfolio/index.js';
import { BROKERS, type Broker, type Fill } from '../../../src/domain/types.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);
const START = 100_000_000n;

interface RefPos { qty: bigint; cost: bigint; realized: bigint; fees: bigint }
interface RefModel { pos: Map<string, RefPos>; cash: Map<string, bigint> }

// half away from zero, written independently of src (plain BigInt)
function roundDiv(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = a / d;
  const r = a - q * d;
  const out = 2n * r >= d ? q + 1n : q;
  return neg ? -out : out;
}

function refFold(fills: readonly Fill[]): RefModel {
  const m: RefModel = { pos: new Map(), cash: new Map() };
  const seen = new Set<string>();
  const lastSeq = new Map<Broker, number>();
  for (const f of [...fills].sort((a, b) => a.fillSeq - b.fillSeq)) {
    if (seen.has(f.tradeId) || f.fillSeq <= (lastSeq.get(f.broker) ?? -1)) continue;
    seen.add(f.tradeId);
    lastSeq.set(f.broker, f.fillSeq);
    const key = `${f.broker}|${f.strategyId}|${f.token}`;
    const ck = `${f.broker}|${f.strategyId}`;
    const p = m.pos.get(key) ?? { qty: 0n, cost: 0n, realized: 0n, fees: 0n };
    const price = BigInt(f.price);
    const fees = BigInt(f.fees);
    // walk the trade one direction at a time: first close what is open against us, then open
    let remaining = BigInt(f.quantity);
    const dir = f.side === 'BUY' ? 1n : -1n;
    while (remaining > 0n) {
      if (p.qty === 0n || (p.qty > 0n) === (dir > 0n)) {
        p.qty += dir * remaining;
        p.cost += dir * remaining * price;
        remaining = 0n;
      } else {
        const held = p.qty < 0n ? -p.qty : p.qty;
        const n = remaining < held ? remaining : held;
        const removed = n === held ? p.cost : roundDiv(p.cost * n, held);
        const sgn = p.qty > 0n ? 1n : -1n;
        p.realized += sgn * n * price - removed;
        p.cost -= removed;
        p.qty -= sgn * n;
        remaining -= n;
      }
    }
    p.fees += fees;
    m.pos.set(key, p);
    const c = m.cash.get(ck) ?? START;
    m.cash.set(ck, c - dir * BigInt(f.quantity) * price - fees);
  }
  return m;
}

// magnitudes chosen so cost*closed passes 2^53 (BigInt path) while balances stay safe integers
const fillArb = fc.record({
  broker: fc.constantFrom<Broker>(...BROKERS),
  strategyId: fc.constantFrom('a', 'b', 'c'),
  token: fc.constantFrom(1, 2, 3, 4),
  side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
  // tiny quantities and prices make exact-half roundings (e.g. cost 3 over 2 units) frequent
  quantity: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 5000 }), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 100_000 }), weight: 1 },
  ),
  price: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 10_000 }), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 50_000_000 }), weight: 1 },
  ),
  fees: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 })),
});

const scenarioArb = fc.record({
  raw: fc.array(fillArb, { minLength: 1, maxLength: 120 }),
  marks: fc.array(fc.tuple(fc.constantFrom(1, 2, 3, 4), fc.integer({ min: 1, max: 50_000_000 })), { maxLength: 6 }),
  dupIdx: fc.array(fc.nat(), { maxLength: 30 }),
  shuffle: fc.array(fc.nat(), { minLength: 0, maxLength: 200 }),
});

type RawFill = Omit<Fill, 'tradeId' | 'orderId' | 'ts' | 'fillSeq'>;

function toFills(raw: readonly RawFill[]): Fill[] {
  const seqs = new Map<Broker, number>();
  return raw.map((r, i) => {
    const fillSeq = (seqs.get(r.broker) ?? 0) + 1 + (i % 3); // gaps are allowed in a fill log
    seqs.set(r.broker, fillSeq);
    return { ...r, tradeId: `T${i}`, orderId: `O${i}`, ts: 1_700_000_000_000 + i * 1000, fillSeq };
  });
}

function permute<T>(xs: readonly T[], keys: readonly number[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (keys[i % Math.max(1, keys.length)] ?? 0) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function compare(state: PortfolioState, ref: RefModel, lastPrices: Map<number, number>): void {
  for (const [key, p] of ref.pos) {
    const [broker, strategyId, token] = key.split('|') as [Broker, string, string];
    const v = positionView(state, broker, strategyId, Number(token));
    expect(v).toBeDefined();
    if (v === undefined) return;
    expect([key, BigInt(v.qty), BigInt(v.costBasis), BigInt(v.realizedPnl), BigInt(v.fees)]).toEqual([key, p.qty, p.cost, p.realized, p.fees]);
    const tick = lastPrices.get(Number(token));
    const mark = tick !== undefined ? BigInt(tick) : p.qty === 0n ? 0n : roundDiv(p.cost, p.qty < 0n ? -p.qty : p.qty) * (p.qty < 0n ? -1n : 1n);
    expect(BigInt(v.unrealizedPnl)).toBe(mark * p.qty - p.cost);
  }
  for (const [ck, c] of ref.cash) {
    const [broker, strategyId] = ck.split('|') as [Broker, string];
    expect(BigInt(strategyTotals(state, broker, strategyId).cash)).toBe(c);
  }
}

function assertEquityInvariant(state: PortfolioState): void {
  for (const broker of BROKERS) {
    const totals = [...strategyIds(state, broker).map((id) => strategyTotals(state, broker, id)), brokerTotals(state, broker)];
    for (const t of totals) {
      expect(t.equity).toBe(t.cash + t.marketValue);
      expect(t.equity).toBe(t.startingCash + t.realizedPnl + t.unrealizedPnl - t.fees);
    }
  }
}

describe('foldFills vs an independent BigInt fold', () => {
  it('matches positions, cost basis, realized/unrealized PnL, fees and cash to the paisa', () => {
    fc.assert(
      fc.property(scenarioArb, ({ raw, marks }) => {
        const fills = toFills(raw);
        const state = foldFills(fills);
        const lastPrices = new Map<number, number>();
        for (const [token, price] of marks) {
          markToMarket(state, token, price);
          lastPrices.set(token, price);
        }
        compare(state, refFold(fills), lastPrices);
        assertEquityInvariant(state);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('is idempotent: injected duplicates, any input order, and a second application change nothing', () => {
    fc.assert(
      fc.property(scenarioArb, ({ raw, dupIdx, shuffle }) => {
        const fills = toFills(raw);
        const once = foldFills(fills);
        const dups = dupIdx.map((i) => fills[i % fills.length] as Fill);
        const withDups = foldFills(permute([...fills, ...dups], shuffle));
        expect(exportState(withDups)).toEqual(exportState(once));
        const before = exportState(withDups);
        for (const f of fills) expect(applyFill(withDups, f).ok).toBe(false);
        expect(exportState(withDups)).toEqual(before);
      }),
      { seed, numRuns: 100 },
    );
  });
});
