import { describe, expect, it } from 'vitest';
import {
  bracketLevels,
  buyCost,
  crosses,
  feeFor,
  fillPriceFor,
  maxAffordableQty,
  roundToTick,
  slippedPrice,
  stopTriggered,
} from '../../../src/domain/paper/pricing.js';
import { defaultPaperConfig, percentToPpm, resolvePaperConfig, rupeesToPaise } from '../../../src/domain/paper/config.js';

describe('config conversion', () => {
  it('percent → ppm and rupees → paise with the original defaults', () => {
    expect(percentToPpm(0.05)).toBe(500);
    expect(percentToPpm(0.1)).toBe(1000);
    expect(rupeesToPaise(1_000_000)).toBe(100_000_000);
    const p = resolvePaperConfig();
    expect(p).toMatchObject({ slippagePpm: 500, commissionPpm: 1000, startingCash: 100_000_000, maxPartials: 3, minQuantity: 1, maxPrice: null, defaultTickSize: 5 });
    expect(defaultPaperConfig.partialFillProb).toBe(0);
    expect(resolvePaperConfig({ maxPrice: 0, minQuantity: 0 })).toMatchObject({ maxPrice: null, minQuantity: 1 });
  });
});

describe('fees', () => {
  it('round half up to the paisa', () => {
    expect(feeFor(10_000, 10, 1000)).toBe(100); // 100000 × 0.001
    expect(feeFor(1_005, 1, 1000)).toBe(1); // 1.005 → 1
    expect(feeFor(1_500, 1, 1000)).toBe(2); // 1.5 → 2 (half up)
    expect(feeFor(1_499, 1, 1000)).toBe(1); // 1.499 → 1
    expect(feeFor(10_000, 10, 0)).toBe(0);
  });

  it('stay exact past 2^53 intermediate products', () => {
    // 9e8 paise × 9e6 qty × 1000 ppm overflows a double product; result is exact
    expect(feeFor(900_000_000, 9_000_000, 1000)).toBe(8_100_000_000_000);
  });

  it('max affordable qty includes fees and is tight', () => {
    for (const [cash, price] of [[100_000_000, 10_005], [1_000_500, 1_000], [999, 1_000], [123_457, 333]] as const) {
      const q = maxAffordableQty(cash, price, 1000);
      if (q > 0) expect(buyCost(price, q, 1000)).toBeLessThanOrEqual(cash);
      expect(buyCost(price, q + 1, 1000)).toBeGreaterThan(cash);
    }
    expect(maxAffordableQty(1_001_000, 1_000, 1000)).toBe(1000); // 1000 × 1000 + 1000 fee
    expect(maxAffordableQty(0, 100, 1000)).toBe(0);
  });
});

describe('slippage and ticks', () => {
  it('slips adversely and rounds adversely to the tick', () => {
    expect(slippedPrice(10_000, 'BUY', 500, 5)).toBe(10_005); // 10005 exactly
    expect(slippedPrice(10_000, 'SELL', 500, 5)).toBe(9_995);
    expect(slippedPrice(10_010, 'BUY', 500, 5)).toBe(10_020); // 10015.005 → up to 10020
    expect(slippedPrice(10_010, 'SELL', 500, 5)).toBe(10_000); // 10004.995 → down to 10000
    expect(slippedPrice(10_000, 'BUY', 0, 5)).toBe(10_000);
    expect(slippedPrice(5, 'SELL', 500, 5)).toBe(5); // never below one tick
  });

  it('never fills worse than the limit', () => {
    expect(fillPriceFor(10_000, 'BUY', 10_000, 500, 5)).toBe(10_000);
    expect(fillPriceFor(9_000, 'BUY', 10_000, 500, 5)).toBe(9_005);
    expect(fillPriceFor(10_000, 'SELL', 10_000, 500, 5)).toBe(10_000);
    expect(fillPriceFor(11_000, 'SELL', 10_000, 500, 5)).toBe(10_990);
  });

  it('rounds to tick in both directions', () => {
    expect(roundToTick(10_003, 5, 'up')).toBe(10_005);
    expect(roundToTick(10_003, 5, 'down')).toBe(10_000);
    expect(roundToTick(10_005, 5, 'down')).toBe(10_005);
  });

  it('crossing and trigger rules', () => {
    expect(crosses('BUY', 100, 100)).toBe(true);
    expect(crosses('BUY', 101, 100)).toBe(false);
    expect(crosses('SELL', 100, 100)).toBe(true);
    expect(crosses('SELL', 99, 100)).toBe(false);
    expect(stopTriggered('BUY', 100, 100)).toBe(true);
    expect(stopTriggered('BUY', 99, 100)).toBe(false);
    expect(stopTriggered('SELL', 100, 100)).toBe(true);
    expect(stopTriggered('SELL', 101, 100)).toBe(false);
  });

  it('bracket levels round away from the entry, no leg for bps ≤ 0', () => {
    expect(bracketLevels(10_005, 100, 50, 5)).toEqual({ takeProfit: 10_110, stopLoss: 9_950 }); // 10105.05↑, 9954.975↓
    expect(bracketLevels(10_000, 0, 100, 5)).toEqual({ takeProfit: null, stopLoss: 9_900 });
    expect(bracketLevels(10_000, 100, 0, 5)).toEqual({ takeProfit: 10_100, stopLoss: null });
    expect(bracketLevels(10_000, 100, 10_000, 5).stopLoss).toBeNull();
  });
});
