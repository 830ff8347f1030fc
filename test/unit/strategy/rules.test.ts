import { describe, expect, it } from 'vitest';
import {
  createMeanReversion,
  createMomentum,
  createRsi,
  evaluateMeanReversion,
  evaluateMomentum,
  evaluateRsi,
} from '../../../src/domain/strategy/rules.js';
import { ctxOf } from './helpers.js';

describe('momentum', () => {
  const p = { lookbackPeriods: 5, threshold: 0.01, positionSize: 100 };

  it('needs lookback prices and compares with the price lookback − 1 ticks ago', () => {
    expect(evaluateMomentum(p, ctxOf([10000, 10000, 10000, 10200]))).toBeNull();
    const d = evaluateMomentum(p, ctxOf([9000, 10000, 10000, 10000, 10000, 10200]));
    expect(d).toMatchObject({ side: 'BUY', quantity: 100, price: 10200 });
    expect(d?.confidence).toBeCloseTo(0.1, 12);
    expect(d?.metadata['momentum']).toBeCloseTo(0.02, 12);
  });

  it('SELL below −threshold, nothing at exactly ±threshold, confidence capped at 1', () => {
    const s = evaluateMomentum(p, ctxOf([10000, 10000, 10000, 10000, 9800]));
    expect(s?.side).toBe('SELL');
    expect(s?.confidence).toBeCloseTo(0.1, 12);
    expect(evaluateMomentum(p, ctxOf([10000, 10000, 10000, 10000, 10100]))).toBeNull();
    expect(evaluateMomentum(p, ctxOf([10000, 10000, 10000, 10000, 9900]))).toBeNull();
    expect(evaluateMomentum(p, ctxOf([10000, 1, 1, 1, 13000]))?.confidence).toBe(1);
  });

  it('history length = lookback', () => {
    expect(createMomentum(p).historyLength).toBe(5);
  });
});

describe('rsi', () => {
  const p = { rsiPeriod: 3, oversold: 30, overbought: 70, positionSize: 7 };

  it('waits for 2 × period prices', () => {
    expect(createRsi(p).historyLength).toBe(6);
    expect(evaluateRsi(p, ctxOf([50, 50, 48, 46, 47]))).toBeNull();
  });

  it('BUY when oversold with confidence (oversold − RSI)/oversold', () => {
    // RSI 20 (the original, counting the tick twice, saw 33.3 and stayed silent)
    const d = evaluateRsi(p, ctxOf([50, 50, 50, 48, 46, 47]));
    expect(d).toMatchObject({ side: 'BUY', quantity: 7, price: 47 });
    expect(d?.confidence).toBeCloseTo(10 / 30, 12);
    expect(d?.metadata['rsi']).toBeCloseTo(20, 12);
    expect(evaluateRsi(p, ctxOf([20, 19, 18, 17, 16, 15]))?.confidence).toBe(1);
  });

  it('SELL when overbought with confidence (RSI − overbought)/(100 − overbought)', () => {
    const d = evaluateRsi(p, ctxOf([50, 50, 50, 52, 54, 53]));
    expect(d?.side).toBe('SELL');
    expect(d?.confidence).toBeCloseTo(10 / 30, 12);
  });

  it('nothing in between', () => {
    expect(evaluateRsi(p, ctxOf([10, 10, 12, 13, 12, 13]))).toBeNull();
  });
});

describe('mean_reversion', () => {
  const p = {
    lookbackPeriods: 5,
    rsiPeriod: 2,
    oversold: 30,
    overbought: 70,
    bollingerStd: 1,
    positionSize: 3,
  };

  it('history length = max(lookback, 2 × rsi period)', () => {
    expect(createMeanReversion(p).historyLength).toBe(5);
    expect(createMeanReversion({ ...p, rsiPeriod: 4 }).historyLength).toBe(8);
    expect(evaluateMeanReversion(p, ctxOf([10000, 10000, 10100, 9800]))).toBeNull();
  });

  it('BUY below the lower band with RSI oversold', () => {
    // RSI over 10000, 10100, 9800: +100, −300 ⇒ 25; mean 9980, sample σ √12000
    const d = evaluateMeanReversion(p, ctxOf([10000, 10000, 10000, 10100, 9800]));
    const lower = 9980 - Math.sqrt(12000);
    expect(d).toMatchObject({ side: 'BUY', quantity: 3, price: 9800 });
    expect(d?.confidence).toBeCloseTo(5 / 20 + (lower - 9800) / lower, 12);
    expect(d?.metadata['lower']).toBeCloseTo(lower, 9);
  });

  it('SELL above the upper band with RSI overbought', () => {
    const d = evaluateMeanReversion(p, ctxOf([10000, 10000, 10000, 9900, 10200]));
    const upper = 10020 + Math.sqrt(12000);
    expect(d?.side).toBe('SELL');
    expect(d?.confidence).toBeCloseTo(5 / 20 + (10200 - upper) / upper, 12);
  });

  it('nothing when the price stays inside the bands even with an extreme RSI', () => {
    expect(evaluateMeanReversion({ ...p, bollingerStd: 3 }, ctxOf([10000, 10000, 10000, 10100, 9800]))).toBeNull();
  });
});
