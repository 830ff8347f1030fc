import { describe, expect, it } from 'vitest';
import { createSyntheticFeed, type SyntheticInstrument } from '../../../src/domain/feed/synthetic.js';
import { isSyntheticFeedState } from '../../../src/domain/feed/synthetic-state.js';
import { referencePrice, REFERENCE_PRICES } from '../../../src/domain/feed/reference-prices.js';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../../src/domain/instruments/defaults.js';
import { isAppError } from '../../../src/errors.js';
import type { Tick } from '../../../src/domain/types.js';
import { checkTick } from './tick-invariants.js';

const instruments: SyntheticInstrument[] = DEFAULT_INSTRUMENT_TOKENS.map((token) => ({ token }));
const T0 = Date.UTC(2024, 5, 12, 3, 45); // 09:15 IST, Wednesday

function run(seed: string, n: number, times = (i: number) => T0 + i * 250): Tick[] {
  const feed = createSyntheticFeed({ instruments, seed });
  return Array.from({ length: n }, (_, i) => feed.next(times(i)));
}

describe('createSyntheticFeed', () => {
  it('is deterministic: same seed and times give identical ticks; another seed differs', () => {
    expect(run('s1', 200)).toEqual(run('s1', 200));
    expect(run('s1', 200)).not.toEqual(run('s2', 200));
  });

  it('round-robins over the instruments and starts near the reference price', () => {
    const ticks = run('rr', 40);
    expect(ticks.map((t) => t.token)).toEqual([...DEFAULT_INSTRUMENT_TOKENS, ...DEFAULT_INSTRUMENT_TOKENS]);
    for (const t of ticks.slice(0, 20)) {
      const ref = REFERENCE_PRICES.get(t.token) ?? 0;
      expect(t.close).toBe(ref);
      expect(Math.abs(t.ltp - ref) / ref).toBeLessThan(0.01);
    }
  });

  it('keeps every tick well-formed over a long run', () => {
    for (const t of run('long', 4000)) checkTick(t, 5);
  });

  it('accumulates volume and VWAP for tradables; indices carry prices only', () => {
    const ticks = run('vol', 400);
    const infy = ticks.filter((t) => t.token === 408065);
    for (let i = 1; i < infy.length; i++) {
      const prev = infy[i - 1] as Tick;
      const cur = infy[i] as Tick;
      expect(cur.volume).toBe(prev.volume + cur.lastQty);
      expect(cur.high).toBeGreaterThanOrEqual(prev.high);
      expect(cur.low).toBeLessThanOrEqual(prev.low);
      expect(cur.open).toBe(infy[0]?.open);
    }
    const nifty = ticks.filter((t) => t.token === 256265);
    for (const t of nifty) {
      expect(t).toMatchObject({ tradable: false, volume: 0, lastQty: 0, avgPrice: 0, lastTradeTs: 0, depthBuy: [], depthSell: [] });
    }
  });

  it('rolls the day at IST midnight: close becomes the last price, OHLC and volume restart', () => {
    const feed = createSyntheticFeed({ instruments: [{ token: 738561 }], seed: 'day' });
    let last: Tick | undefined;
    for (let i = 0; i < 50; i++) last = feed.next(T0 + i * 1000);
    const nextDay = feed.next(T0 + 86_400_000);
    expect(nextDay.close).toBe(last?.ltp);
    expect(nextDay.open).toBe(nextDay.ltp);
    expect(nextDay.volume).toBe(nextDay.lastQty);
    expect(nextDay.high).toBe(nextDay.ltp);
  });

  it('continues the same walk after exportState / importState (also via JSON)', () => {
    const a = createSyntheticFeed({ instruments, seed: 7, pick: 'random' });
    const times = Array.from({ length: 300 }, (_, i) => T0 + i * 100);
    const straight = times.map((t) => a.next(t));

    const b = createSyntheticFeed({ instruments, seed: 7, pick: 'random' });
    const firstHalf = times.slice(0, 150).map((t) => b.next(t));
    const saved: unknown = JSON.parse(JSON.stringify(b.exportState()));
    expect(isSyntheticFeedState(saved)).toBe(true);
    const c = createSyntheticFeed({ instruments, seed: 'ignored, the state carries the seed', pick: 'random' });
    c.importState(saved);
    const secondHalf = times.slice(150).map((t) => c.next(t));
    expect([...firstHalf, ...secondHalf]).toEqual(straight);
  });

  it('picks instruments at random deterministically when asked', () => {
    const feed = createSyntheticFeed({ instruments, seed: 'pick', pick: 'random' });
    const tokens = Array.from({ length: 400 }, (_, i) => feed.next(T0 + i).token);
    expect(new Set(tokens).size).toBe(20);
    expect(tokens.slice(0, 20)).not.toEqual([...DEFAULT_INSTRUMENT_TOKENS]);
  });

  it('honours tick size, lot size and price overrides', () => {
    const feed = createSyntheticFeed({
      instruments: [{ token: 5720322, tickSize: 10, lotSize: 75, tradable: true }],
      seed: 'fut',
      volatilityBps: 20,
      referencePrices: new Map([[5720322, 2_345_670]]),
    });
    for (let i = 0; i < 500; i++) {
      const t = feed.next(T0 + i);
      checkTick(t, 10);
      expect(t.lastQty % 75).toBe(0);
      for (const l of [...t.depthBuy, ...t.depthSell]) expect(l.quantity % 75).toBe(0);
      if (i === 0) expect(t.close).toBe(2_345_670);
    }
  });

  it('rejects unusable configuration, bad times and foreign state', () => {
    const bad = [
      () => createSyntheticFeed({ instruments: [], seed: 1 }),
      () => createSyntheticFeed({ instruments: [{ token: 1 }, { token: 1 }], seed: 1 }),
      () => createSyntheticFeed({ instruments, seed: 1, volatilityBps: -1 }),
      () => createSyntheticFeed({ instruments: [{ token: 1, tickSize: 0 }], seed: 1 }),
      () => createSyntheticFeed({ instruments, seed: 1 }).next(Number.NaN),
      () => createSyntheticFeed({ instruments, seed: 1 }).importState({ v: 99 }),
      () => createSyntheticFeed({ instruments, seed: 1 }).importState({ v: 1, seed: 's', seq: 0, walks: [{ token: 1 }] }),
    ];
    for (const f of bad) expect(f).toThrow();
    try {
      createSyntheticFeed({ instruments, seed: 1 }).importState({ v: 99 });
    } catch (e) {
      expect(isAppError(e, 'ERR_STORE_SCHEMA')).toBe(true);
    }
  });
});

describe('referencePrice', () => {
  it('uses the table, then the snapshot price, then a stable hash-derived level on the tick grid', () => {
    expect(referencePrice(408065)).toBe(157315);
    expect(referencePrice(99, 12_347)).toBe(12_345);
    const unknown = referencePrice(123456);
    expect(unknown).toBe(referencePrice(123456));
    expect(unknown).toBeGreaterThanOrEqual(10_000);
    expect(unknown).toBeLessThan(500_000);
    expect(unknown % 5).toBe(0);
    expect(referencePrice(99, 2, 5)).toBe(5); // never below one tick
  });
});

describe('tick invariant checker (test helper)', () => {
  it('detects broken ticks, so the properties above can fail', async () => {
    const { tickProblem } = await import('./tick-invariants.js');
    const good = run('chk', 3)[2] as Tick;
    expect(tickProblem(good, 5)).toBeUndefined();
    expect(tickProblem({ ...good, ltp: good.ltp + 1 }, 5)).toMatch(/grid/);
    expect(tickProblem({ ...good, high: good.ltp - 5 }, 5)).toMatch(/outside/);
    expect(tickProblem({ ...good, depthBuy: [...good.depthBuy].reverse() }, 5)).toMatch(/bids/);
    expect(tickProblem({ ...good, depthSell: [...good.depthSell].reverse() }, 5)).toMatch(/asks/);
  });
});
