import { describe, expect, it } from 'vitest';
import {
  applyFill,
  brokerPnlSnapshot,
  createDedup,
  createPortfolio,
  exportDedup,
  exportState,
  importDedup,
  importState,
  isDuplicateFill,
  markToMarket,
  pnlSnapshot,
  recordFill,
  strategyTotals,
} from '../../../src/domain/portfolio/index.js';
import { mkFill } from './fill-factory.js';

describe('fill dedup window', () => {
  it('remembers the last `window` tradeIds on top of the fillSeq watermark', () => {
    const d = createDedup(2);
    const a = mkFill({ side: 'BUY', quantity: 1, price: 1, tradeId: 'a', fillSeq: 10 });
    const b = mkFill({ side: 'BUY', quantity: 1, price: 1, tradeId: 'b', fillSeq: 11 });
    const c = mkFill({ side: 'BUY', quantity: 1, price: 1, tradeId: 'c', fillSeq: 12 });
    for (const f of [a, b, c]) recordFill(d, f);
    expect(d.watermark).toBe(12);
    // re-logged under a new fillSeq: caught while in the window, not after eviction
    expect(isDuplicateFill(d, { ...c, fillSeq: 50 })).toBe(true);
    expect(isDuplicateFill(d, { ...b, fillSeq: 50 })).toBe(true);
    expect(isDuplicateFill(d, { ...a, fillSeq: 50 })).toBe(false);
    // and the ring survives export/import in the same eviction order
    const back = importDedup(exportDedup(d));
    expect(exportDedup(back)).toEqual(exportDedup(d));
    recordFill(back, mkFill({ side: 'BUY', quantity: 1, price: 1, tradeId: 'e', fillSeq: 13 }));
    expect(isDuplicateFill(back, { ...b, fillSeq: 60 })).toBe(false);
    expect(isDuplicateFill(back, { ...c, fillSeq: 60 })).toBe(true);
  });
});

describe('exportState / importState', () => {
  it('round-trips through JSON text and keeps deduplicating', () => {
    const s = createPortfolio({ startingCash: 1_234_500 });
    const f1 = mkFill({ side: 'BUY', quantity: 5, price: 1000, fees: 3 });
    applyFill(s, f1);
    applyFill(s, mkFill({ side: 'SELL', quantity: 2, price: 1100, broker: 'zerodha', strategyId: 'z' }));
    markToMarket(s, 256265, 1050);
    const json = exportState(s);
    const back = importState(JSON.parse(JSON.stringify(json)));
    expect(exportState(back)).toEqual(json);
    expect(strategyTotals(back, 'paper', 's1')).toEqual(strategyTotals(s, 'paper', 's1'));
    expect(applyFill(back, f1).ok).toBe(false);
  });

  it('refuses another schema version', () => {
    const json = { ...exportState(createPortfolio()), v: 2 } as unknown as ReturnType<typeof exportState>;
    expect(() => importState(json)).toThrow(expect.objectContaining({ code: 'ERR_STORE_SCHEMA' }));
  });
});

describe('snapshots', () => {
  it('pnlSnapshot carries the strategy id, rows by token and totals in paise', () => {
    const s = createPortfolio();
    applyFill(s, mkFill({ side: 'BUY', quantity: 2, price: 500, token: 9, fees: 1 }));
    applyFill(s, mkFill({ side: 'BUY', quantity: 1, price: 700, token: 3 }));
    applyFill(s, mkFill({ side: 'SELL', quantity: 1, price: 800, token: 3 }));
    markToMarket(s, 9, 510);
    const snap = pnlSnapshot(s, 'paper', 's1', 42);
    expect(snap).toMatchObject({ kind: 'pnl-snapshot', broker: 'paper', strategyId: 's1', ts: 42, currencyDivisor: 100 });
    expect(snap.positions.map((r) => r.token)).toEqual([3, 9]);
    expect(snap.positions[0]).toMatchObject({ qty: 0, realizedPnl: 100, unrealizedPnl: 0 });
    expect(snap.positions[1]).toMatchObject({ qty: 2, unrealizedPnl: 20, fees: 1, marked: true });
    expect(snap.totals).toMatchObject({ realizedPnl: 100, unrealizedPnl: 20, fees: 1, netPnl: 119, openPositions: 1 });
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });

  it('brokerPnlSnapshot sums strategies and isolates brokers', () => {
    const s = createPortfolio();
    applyFill(s, mkFill({ side: 'BUY', quantity: 1, price: 100, strategyId: 'a', fees: 2 }));
    applyFill(s, mkFill({ side: 'BUY', quantity: 1, price: 100, strategyId: 'b', fees: 3 }));
    applyFill(s, mkFill({ side: 'BUY', quantity: 1, price: 100, strategyId: 'a', broker: 'zerodha', fees: 50 }));
    const snap = brokerPnlSnapshot(s, 'paper', 1);
    expect(snap.strategies.map((x) => x.strategyId)).toEqual(['a', 'b']);
    expect(snap.totals.fees).toBe(5);
    expect(snap.totals.startingCash).toBe(200_000_000);
    expect(brokerPnlSnapshot(s, 'zerodha', 1).totals.fees).toBe(50);
  });
});
