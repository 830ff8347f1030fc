import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../src/errors.js';
import { offsetLimitPrice, pctToBps, resolveOrder } from '../../../src/domain/strategy/order.js';
import { DEFAULT_VALIDATOR_LIMITS, normaliseConfidence, validateDecision } from '../../../src/domain/strategy/validator.js';
import type { Decision } from '../../../src/domain/strategy/types.js';

const d = (o: Partial<Decision> = {}): Decision => ({ side: 'BUY', confidence: 0.5, quantity: 1, price: 100, metadata: {}, ...o });

describe('standard validator (§4.1)', () => {
  const L = DEFAULT_VALIDATOR_LIMITS;

  it('accepts a normal decision, including percent confidence up to max_confidence', () => {
    expect(validateDecision(d(), 100, L).ok).toBe(true);
    expect(validateDecision(d({ confidence: 100 }), 100, L).ok).toBe(true);
    expect(validateDecision(d({ confidence: 0 }), 100, L).ok).toBe(true);
  });

  it.each([
    ['negative confidence', d({ confidence: -0.01 }), 100],
    ['confidence above max', d({ confidence: 100.5 }), 100],
    ['NaN confidence', d({ confidence: Number.NaN }), 100],
    ['quantity below minimum', d({ quantity: 0 }), 100],
    ['fractional quantity', d({ quantity: 1.5 }), 100],
    ['tick price 0', d(), 0],
    ['signal price 0', d({ price: 0 }), 100],
    ['fractional signal price', d({ price: 100.5 }), 100],
  ])('rejects %s with ERR_SIGNAL_INVALID', (_name, decision, tickPrice) => {
    const r = validateDecision(decision, tickPrice, L);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ERR_SIGNAL_INVALID');
      expect(r.error.code in CATALOGUE).toBe(true);
    }
  });

  it('uses configured limits', () => {
    expect(validateDecision(d({ confidence: 2 }), 100, { maxConfidence: 1, minQuantity: 1 }).ok).toBe(false);
    expect(validateDecision(d({ quantity: 4 }), 100, { maxConfidence: 100, minQuantity: 5 }).ok).toBe(false);
  });

  it('normalises confidence: > 1 is percent, then clamp to [0, 1]', () => {
    expect(normaliseConfidence(0.7)).toBe(0.7);
    expect(normaliseConfidence(1)).toBe(1);
    expect(normaliseConfidence(85)).toBeCloseTo(0.85, 12);
    expect(normaliseConfidence(250)).toBe(1);
    expect(normaliseConfidence(-3)).toBe(0);
  });
});

describe('order instructions', () => {
  it('limit offset: BUY above, SELL below the last price, rounded half-up to a paisa', () => {
    expect(offsetLimitPrice('BUY', 250_000, 5)).toBe(250_125);
    expect(offsetLimitPrice('SELL', 250_000, 5)).toBe(249_875);
    // 12345 × 1.0005 = 12351.1725 ⇒ 12351; 12345 × 0.9995 = 12338.8275 ⇒ 12339
    expect(offsetLimitPrice('BUY', 12_345, 5)).toBe(12_351);
    expect(offsetLimitPrice('SELL', 12_345, 5)).toBe(12_339);
    // exactly half a paisa rounds up: 100 × 1.0050 = 100.5
    expect(offsetLimitPrice('BUY', 100, 50)).toBe(101);
    expect(offsetLimitPrice('SELL', 3, 5000)).toBe(2);
    expect(Number.isInteger(offsetLimitPrice('BUY', 9_999_999, 13))).toBe(true);
  });

  it('percent → integer bps', () => {
    expect(pctToBps(1)).toBe(100);
    expect(pctToBps(0.5)).toBe(50);
    expect(pctToBps(1.234)).toBe(123);
  });

  it('resolves a spec and omits absent fields', () => {
    expect(resolveOrder({}, 'BUY', 100)).toEqual({});
    const o = resolveOrder({ orderType: 'limit', tif: 'IOC', limitOffsetBps: 10, takeProfitBps: 100, stopLossBps: 50 }, 'SELL', 10_000);
    expect(o).toEqual({ orderType: 'limit', tif: 'IOC', limitPrice: 9_990, takeProfitBps: 100, stopLossBps: 50 });
    expect(Object.keys(o)).not.toContain('stopPrice');
    expect(resolveOrder({ orderType: 'stop_limit', limitPrice: 500, stopPrice: 490 }, 'BUY', 1)).toEqual({
      orderType: 'stop_limit',
      limitPrice: 500,
      stopPrice: 490,
    });
  });
});
