import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPaperBroker } from '../../../src/domain/paper/index.js';
import { splitQuantity } from '../../../src/domain/paper/partials.js';
import { seededRng } from '../../../src/domain/rng.js';
import { fillsOf, input, sig, T0, types, unwrap } from './fixtures.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('splitQuantity', () => {
  it('same seed ⇒ same parts; parts are ≥ 1, at most maxPartials, and sum to qty', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 6 }), (key, qty, maxPartials) => {
        const a = splitQuantity(qty, seededRng(key), 1, maxPartials);
        const b = splitQuantity(qty, seededRng(key), 1, maxPartials);
        expect(a).toEqual(b);
        expect(a.reduce((s, q) => s + q, 0)).toBe(qty);
        expect(a.every((q) => q >= 1 && Number.isInteger(q))).toBe(true);
        expect(a.length).toBeLessThanOrEqual(Math.max(1, Math.min(maxPartials, qty)));
        if (qty > 1 && maxPartials > 1) expect(a.length).toBeGreaterThanOrEqual(2);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('never splits with probability 0, qty 1 or maxPartials 1', () => {
    expect(splitQuantity(100, seededRng('k'), 0, 3)).toEqual([100]);
    expect(splitQuantity(1, seededRng('k'), 1, 3)).toEqual([1]);
    expect(splitQuantity(100, seededRng('k'), 1, 1)).toEqual([100]);
  });
});

describe('partial fills in the broker', () => {
  const config = { partialFillProb: 1, maxPartials: 3 };

  it('splits one execution into 2..3 fills at one price, tradeIds orderId-1..n, fillSeq increasing', () => {
    const b = createPaperBroker(config);
    const ev = unwrap(b.submit(input(sig({ quantity: 100 })), T0));
    const fills = fillsOf(ev);
    expect(fills.length).toBeGreaterThanOrEqual(2);
    expect(fills.length).toBeLessThanOrEqual(3);
    expect(fills.reduce((s, f) => s + f.quantity, 0)).toBe(100);
    expect(new Set(fills.map((f) => f.price)).size).toBe(1);
    const orderId = fills[0]!.orderId;
    expect(fills.map((f) => f.tradeId)).toEqual(fills.map((_, i) => `${orderId}-${i + 1}`));
    expect(fills.map((f) => f.fillSeq)).toEqual(fills.map((_, i) => i + 1));
    expect(types(ev).filter((t) => t === 'order-partially-filled')).toHaveLength(fills.length - 1);
    expect(ev.at(-1)).toMatchObject({ type: 'order-filled', order: { status: 'Filled', filledQty: 100, fillCount: fills.length } });
  });

  it('is deterministic: the same signal on a fresh broker gives the same parts; the config seed changes them', () => {
    const parts = (extra: object, ts: number): number[] =>
      fillsOf(unwrap(createPaperBroker({ ...config, ...extra }).submit(input(sig({ quantity: 1000, ts })), T0))).map((f) => f.quantity);
    expect(parts({}, T0)).toEqual(parts({}, T0));
    const variants = new Set([T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4].map((ts) => parts({}, ts).join(',')));
    expect(variants.size).toBeGreaterThan(1);
    const seeded = new Set(['a', 'b', 'c', 'd', 'e'].map((s) => parts({ seed: s }, T0).join(',')));
    expect(seeded.size).toBeGreaterThan(1);
  });

  it('each part pays its own fee, rounded half up', () => {
    const b = createPaperBroker({ ...config, slippagePercent: 0 });
    const fills = fillsOf(unwrap(b.submit(input(sig({ quantity: 1000, price: 1_005 })), T0)));
    for (const f of fills) expect(f.fees).toBe(Math.floor((f.price * f.quantity * 1000) / 1e6 + 0.5));
    const spent = fills.reduce((s, f) => s + f.price * f.quantity + f.fees, 0);
    expect(b.cash('s1')).toBe(100_000_000 - spent);
  });
});
