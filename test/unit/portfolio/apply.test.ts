import { describe, expect, it } from 'vitest';
import {
  applyFill,
  createPortfolio,
  exportState,
  fillWatermark,
  markToMarket,
  positionView,
  strategyTotals,
  type PortfolioState,
} from '../../../src/domain/portfolio/index.js';
import { isAppError } from '../../../src/errors.js';
import type { Fill } from '../../../src/domain/types.js';
import { mkFill } from './fill-factory.js';

const START = 100_000_000;

function apply(state: PortfolioState, fill: Fill): void {
  const r = applyFill(state, fill);
  expect(r.ok).toBe(true);
}

function pos(state: PortfolioState, token = 256265, strategyId = 's1') {
  const v = positionView(state, 'paper', strategyId, token);
  if (v === undefined) throw new Error('no position');
  return v;
}

function cash(state: PortfolioState, strategyId = 's1'): number {
  return strategyTotals(state, 'paper', strategyId).cash;
}

describe('applyFill: long positions', () => {
  it('buy opens a position at cost and debits cash + fees', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'BUY', quantity: 10, price: 10_050, fees: 101 }));
    const p = pos(s);
    expect(p.qty).toBe(10);
    expect(p.costBasis).toBe(100_500);
    expect(p.avgPrice).toBe(10_050);
    expect(p.fees).toBe(101);
    expect(cash(s)).toBe(START - 100_500 - 101);
  });

  it('adding to a position accumulates cost basis (average cost)', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'BUY', quantity: 1, price: 100 }));
    apply(s, mkFill({ side: 'BUY', quantity: 2, price: 101 }));
    const p = pos(s);
    expect(p.qty).toBe(3);
    expect(p.costBasis).toBe(302);
    expect(p.avgPrice).toBeCloseTo(100.6667, 3);
  });

  it('partial close removes round-half-away pro-rata cost and books realized PnL', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'BUY', quantity: 1, price: 100 }));
    apply(s, mkFill({ side: 'BUY', quantity: 2, price: 101 })); // cost 302 for 3
    apply(s, mkFill({ side: 'SELL', quantity: 1, price: 110, fees: 3 }));
    // removed = round(302 / 3) = round(100.67) = 101; realized = 110 − 101 = 9
    let p = pos(s);
    expect(p.qty).toBe(2);
    expect(p.costBasis).toBe(201);
    expect(p.realizedPnl).toBe(9);
    expect(p.netRealizedPnl).toBe(6);
    // full close removes the rest exactly: 2 × 100 − 201 = −1
    apply(s, mkFill({ side: 'SELL', quantity: 2, price: 100 }));
    p = pos(s);
    expect(p.qty).toBe(0);
    expect(p.costBasis).toBe(0);
    expect(p.realizedPnl).toBe(8);
    // total realized equals proceeds − total cost, whatever the rounding in between
    expect(p.realizedPnl).toBe(110 + 200 - 302);
    expect(cash(s)).toBe(START - 302 + 310 - 3);
  });

  it('rounds exactly half away from zero', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'BUY', quantity: 2, price: 101 }));
    apply(s, mkFill({ side: 'BUY', quantity: 2, price: 100 })); // cost 402 for 4 → 100.5 each
    apply(s, mkFill({ side: 'SELL', quantity: 1, price: 100 }));
    // removed = round(402 / 4) = round(100.5) = 101 (half away from zero)
    expect(pos(s).costBasis).toBe(301);
    expect(pos(s).realizedPnl).toBe(-1);
  });
});

describe('applyFill: shorts and crossing zero', () => {
  it('sell from flat opens a short with negative cost basis; covering books profit', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'SELL', quantity: 10, price: 100 }));
    expect(pos(s).qty).toBe(-10);
    expect(pos(s).costBasis).toBe(-1000);
    expect(cash(s)).toBe(START + 1000);
    apply(s, mkFill({ side: 'BUY', quantity: 4, price: 90 }));
    expect(pos(s).qty).toBe(-6);
    expect(pos(s).costBasis).toBe(-600);
    expect(pos(s).realizedPnl).toBe(40);
  });

  it('crossing through zero closes the old lot and opens the remainder at the fill price', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'BUY', quantity: 5, price: 200 }));
    apply(s, mkFill({ side: 'SELL', quantity: 8, price: 210, fees: 7 }));
    const p = pos(s);
    expect(p.qty).toBe(-3);
    expect(p.costBasis).toBe(-630);
    expect(p.realizedPnl).toBe(50);
    expect(p.fees).toBe(7);
    apply(s, mkFill({ side: 'BUY', quantity: 4, price: 200 }));
    expect(pos(s).qty).toBe(1);
    expect(pos(s).costBasis).toBe(200);
    expect(pos(s).realizedPnl).toBe(50 + 30);
  });
});

describe('applyFill: dedup and validation', () => {
  it('a known tradeId is a no-op returning ERR_FILL_DUPLICATE', () => {
    const s = createPortfolio();
    const f = mkFill({ side: 'BUY', quantity: 3, price: 500, fees: 2 });
    apply(s, f);
    const before = exportState(s);
    const again = applyFill(s, { ...f, fillSeq: f.fillSeq + 100 });
    expect(again).toEqual({ ok: false, error: { code: 'ERR_FILL_DUPLICATE', tradeId: f.tradeId, broker: 'paper', fillSeq: f.fillSeq + 100 } });
    expect(exportState(s)).toEqual(before);
  });

  it('a fill at or below the broker watermark is a duplicate even with a new tradeId', () => {
    const s = createPortfolio();
    const f = mkFill({ side: 'BUY', quantity: 1, price: 500 });
    apply(s, f);
    expect(fillWatermark(s, 'paper')).toBe(f.fillSeq);
    const r = applyFill(s, { ...f, tradeId: 'other' });
    expect(r.ok).toBe(false);
    // the watermark is per broker: zerodha's log has its own sequence
    expect(applyFill(s, { ...f, tradeId: 'z1', broker: 'zerodha' }).ok).toBe(true);
    expect(fillWatermark(s, 'zerodha')).toBe(f.fillSeq);
  });

  it('throws ERR_FILL_INVALID for malformed fills, leaving state untouched', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'BUY', quantity: 1, price: 500 }));
    const before = exportState(s);
    const bad: Partial<Fill>[] = [{ quantity: 0 }, { quantity: 1.5 }, { price: -1 }, { price: 1.25 }, { fees: -3 }, { fillSeq: -1 }];
    for (const over of bad) {
      const f = { ...mkFill({ side: 'BUY', quantity: 1, price: 100 }), ...over };
      expect(() => applyFill(s, f)).toThrow(expect.objectContaining({ code: 'ERR_FILL_INVALID' }));
    }
    // an overflow found mid-computation must not half-apply the fill
    try {
      applyFill(s, mkFill({ side: 'BUY', quantity: 2 ** 30, price: 2 ** 30 }));
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'ERR_FILL_INVALID')).toBe(true);
    }
    expect(exportState(s)).toEqual(before);
  });
});

describe('mark to market and totals', () => {
  it('before any tick marks at rounded average cost; ticks mark every position in the token', () => {
    const s = createPortfolio();
    apply(s, mkFill({ side: 'BUY', quantity: 3, price: 100 }));
    apply(s, mkFill({ side: 'BUY', quantity: 1, price: 101 })); // cost 401 / 4 = 100.25 → 100
    apply(s, mkFill({ side: 'SELL', quantity: 2, price: 105, strategyId: 's2' }));
    let p = pos(s);
    expect(p.marked).toBe(false);
    expect(p.lastPrice).toBe(100);
    expect(p.unrealizedPnl).toBe(400 - 401); // rounding residue, documented
    expect(markToMarket(s, 256265, 110)).toBe(true);
    p = pos(s);
    expect(p.marked).toBe(true);
    expect(p.unrealizedPnl).toBe(440 - 401);
    expect(pos(s, 256265, 's2').unrealizedPnl).toBe(-220 + 210);
    expect(markToMarket(s, 256265, 0)).toBe(false);
    expect(pos(s).lastPrice).toBe(110);
  });

  it('equity = cash + market value = start + realized + unrealized − fees', () => {
    const s = createPortfolio({ startingCash: 5_000_00 });
    apply(s, mkFill({ side: 'BUY', quantity: 7, price: 333, fees: 5 }));
    apply(s, mkFill({ side: 'SELL', quantity: 3, price: 350, fees: 4 }));
    apply(s, mkFill({ side: 'BUY', quantity: 2, price: 999, token: 7, fees: 1 }));
    markToMarket(s, 7, 1001);
    const t = strategyTotals(s, 'paper', 's1');
    expect(t.startingCash).toBe(5_000_00);
    expect(t.fees).toBe(10);
    expect(t.equity).toBe(t.cash + t.marketValue);
    expect(t.equity).toBe(t.startingCash + t.realizedPnl + t.unrealizedPnl - t.fees);
    expect(t.netPnl).toBe(t.realizedPnl + t.unrealizedPnl - t.fees);
    expect(t.openPositions).toBe(2);
  });

  it('a strategy that never traded has only its starting cash', () => {
    const t = strategyTotals(createPortfolio(), 'zerodha', 'nobody');
    expect(t).toMatchObject({ cash: START, equity: START, realizedPnl: 0, fees: 0, openPositions: 0 });
  });
});
