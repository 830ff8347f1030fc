import { describe, expect, it } from 'vitest';
import { ok } from '../../../src/errors.js';
import { breakoutFeatures, meanReversionFeatures, momentumFeatures } from '../../../src/domain/strategy/features.js';
import { conservative, createHybrid, majorityVote } from '../../../src/domain/strategy/hybrid.js';
import { createMl, evaluateMl, type MlParams } from '../../../src/domain/strategy/ml.js';
import {
  createLogisticPredictor,
  createPredictorRegistry,
  logisticFactory,
  type Prediction,
  type Predictor,
} from '../../../src/domain/strategy/predictor.js';
import { createMomentum } from '../../../src/domain/strategy/rules.js';
import type { Decision } from '../../../src/domain/strategy/types.js';
import { arraySeries } from '../../../src/domain/strategy/window.js';
import { ctxOf } from './helpers.js';

const fixed = (p: Prediction | null): Predictor => ({ predict: () => p });
const dec = (side: 'BUY' | 'SELL', confidence: number, quantity: number, price = 100): Decision => ({
  side,
  confidence,
  quantity,
  price,
  metadata: {},
});

describe('features (§4.4)', () => {
  const prices = [100, 101, 102, 103, 104, 105];
  const rets = [1 / 100, 1 / 101, 1 / 102, 1 / 103, 1 / 104];
  const mean = rets.reduce((a, b) => a + b) / rets.length;
  const popSd = Math.sqrt(rets.reduce((a, r) => a + (r - mean) ** 2, 0) / rets.length);

  it('momentum: total return, 5-period return, σ of returns, price, length', () => {
    const f = momentumFeatures(arraySeries(prices), 6);
    expect(f).toHaveLength(5);
    expect(f?.[0]).toBeCloseTo(0.05, 12);
    expect(f?.[1]).toBeCloseTo((105 - 101) / 101, 12);
    expect(f?.[2]).toBeCloseTo(popSd, 12);
    expect(f?.slice(3)).toEqual([105, 6]);
    expect(momentumFeatures(arraySeries(prices), 7)).toBeNull();
  });

  it('mean reversion: z (sample σ), price, σ of returns, length', () => {
    const f = meanReversionFeatures(arraySeries(prices), 6);
    const sd = Math.sqrt(17.5 / 5); // deviations ±0.5, ±1.5, ±2.5 around 102.5
    expect(f?.[0]).toBeCloseTo(2.5 / sd, 12);
    expect(f?.[2]).toBeCloseTo(popSd, 12);
    expect(f?.[3]).toBe(6);
    expect(meanReversionFeatures(arraySeries([5, 5, 5]), 3)?.[0]).toBe(0);
  });

  it('breakout: distance to window max/min, mean |return|, price', () => {
    const f = breakoutFeatures(arraySeries([100, 120, 90, 110]), 4);
    expect(f?.[0]).toBeCloseTo((110 - 120) / 120, 12);
    expect(f?.[1]).toBeCloseTo((110 - 90) / 90, 12);
    expect(f?.[2]).toBeCloseTo((0.2 + 30 / 120 + 20 / 90) / 3, 12);
    expect(f?.[3]).toBe(110);
  });
});

describe('logistic predictor and registry', () => {
  it('maps the logit to BUY/SELL with confidence max(p, 1 − p)', () => {
    const pr = createLogisticPredictor({ weights: [1, 0], bias: 0 });
    expect(pr.predict([Math.log(3), 99])).toEqual({ label: 'BUY', confidence: expect.closeTo(0.75, 12) as number });
    expect(pr.predict([-Math.log(3), 0])?.label).toBe('SELL');
    expect(pr.predict([-Math.log(3), 0])?.confidence).toBeCloseTo(0.75, 12);
    expect(pr.predict([0, 0])).toEqual({ label: 'HOLD', confidence: 0.5 });
    expect(pr.predict([1])).toBeNull(); // feature count mismatch
    expect(pr.predict([Number.NaN, 0])).toBeNull();
  });

  it('factory validates weights length per feature kind', () => {
    expect(logisticFactory('momentum', {}).ok).toBe(true);
    const bad = logisticFactory('breakout', { weights: [1, 2] });
    expect(bad.ok).toBe(false);
    expect(logisticFactory('breakout', { wieghts: [1] }).ok).toBe(false);
  });

  it('registry holds built-ins and accepts plug-ins', () => {
    const reg = createPredictorRegistry();
    expect(reg.names()).toEqual(['logistic']);
    reg.register('always_buy', () => ok(fixed({ label: 'BUY', confidence: 0.9 })));
    expect(reg.names()).toEqual(['always_buy', 'logistic']);
    expect(reg.get('nope')).toBeUndefined();
  });
});

describe('ML strategies', () => {
  const p: MlParams = {
    kind: 'momentum',
    lookbackPeriods: 5,
    confidenceThreshold: 0.6,
    positionSize: 4,
    predictor: 'test',
    predictorParams: {},
  };
  const h = [100, 101, 102, 103, 104];

  it('signals only above the threshold (strictly), with ML metadata', () => {
    const d = evaluateMl(p, fixed({ label: 'SELL', confidence: 0.61 }), ctxOf(h));
    expect(d).toMatchObject({ side: 'SELL', confidence: 0.61, quantity: 4, price: 104 });
    expect(d?.metadata['ml_prediction']).toBe('SELL');
    expect(d?.metadata['features']).toHaveLength(5);
    expect(evaluateMl(p, fixed({ label: 'BUY', confidence: 0.6 }), ctxOf(h))).toBeNull();
    expect(evaluateMl(p, fixed({ label: 'HOLD', confidence: 0.99 }), ctxOf(h))).toBeNull();
    expect(evaluateMl(p, fixed(null), ctxOf(h))).toBeNull();
  });

  it('stays silent until the history is full (no zero features)', () => {
    let calls = 0;
    const counting: Predictor = { predict: () => (calls++, { label: 'BUY', confidence: 1 }) };
    expect(evaluateMl(p, counting, ctxOf(h.slice(1)))).toBeNull();
    expect(calls).toBe(0);
    expect(createMl(p, counting).historyLength).toBe(5);
  });

  it('the default logistic momentum model buys a strong rise', () => {
    const pr = logisticFactory('momentum', {});
    if (!pr.ok) throw new Error(pr.error);
    const d = evaluateMl({ ...p, lookbackPeriods: 20 }, pr.value, ctxOf(Array.from({ length: 20 }, (_, i) => 10000 + 10 * i)));
    expect(d?.side).toBe('BUY');
  });
});

describe('hybrid policies (§4.3)', () => {
  it('majority vote: agreement boosts confidence, takes max quantity and the ML price', () => {
    const d = majorityVote(dec('BUY', 0.7, 10, 100), dec('BUY', 0.8, 20, 101), 0.6);
    expect(d).toMatchObject({ side: 'BUY', quantity: 20, price: 101 });
    expect(d?.confidence).toBeCloseTo(0.85, 12);
    expect(majorityVote(dec('BUY', 0.95, 1), dec('BUY', 0.99, 1), 0.6)?.confidence).toBe(1);
  });

  it('majority vote: confident ML overrides disagreeing rules; weak ML yields to rules', () => {
    const ml = majorityVote(dec('BUY', 0.5, 10), dec('SELL', 0.65, 5), 0.6);
    expect(ml).toMatchObject({ side: 'SELL', confidence: 0.65, quantity: 5 });
    const rules = majorityVote(dec('BUY', 0.5, 10), dec('SELL', 0.55, 5), 0.6);
    expect(rules).toMatchObject({ side: 'BUY', confidence: 0.5, quantity: 10 });
  });

  it('majority vote: weak ML alone is discounted by 0.8; nothing ⇒ nothing', () => {
    expect(majorityVote(null, dec('SELL', 0.5, 5), 0.6)?.confidence).toBeCloseTo(0.4, 12);
    expect(majorityVote(dec('SELL', 0.3, 5), null, 0.6)).toMatchObject({ side: 'SELL', confidence: 0.3 });
    expect(majorityVote(null, null, 0.6)).toBeNull();
  });

  it('conservative: only on agreement, +0.2, min quantity, rules price', () => {
    const d = conservative(dec('SELL', 0.5, 10, 100), dec('SELL', 0.7, 3, 101));
    expect(d).toMatchObject({ side: 'SELL', quantity: 3, price: 100 });
    expect(d?.confidence).toBeCloseTo(0.8, 12);
    expect(conservative(dec('SELL', 0.9, 1), dec('BUY', 0.9, 1))).toBeNull();
    expect(conservative(dec('SELL', 0.9, 1), null)).toBeNull();
    expect(conservative(null, dec('SELL', 0.9, 1))).toBeNull();
  });

  it('the hybrid really runs its ML side (no silent always-None quirk)', () => {
    const rules = createMomentum({ lookbackPeriods: 3, threshold: 0.01, positionSize: 10 });
    const mlP = { kind: 'momentum' as const, lookbackPeriods: 5, confidenceThreshold: 0.6, positionSize: 4, predictor: 'x', predictorParams: {} };
    const hybrid = createHybrid(rules, createMl(mlP, fixed({ label: 'BUY', confidence: 0.9 })), 'conservative', 0.6);
    expect(hybrid.historyLength).toBe(5);
    const d = hybrid.evaluate(ctxOf([100, 100, 100, 100, 110]));
    // rules: m = 0.1 ⇒ 0.5; ML 0.9; conservative ⇒ (0.5 + 0.9)/2 + 0.2
    expect(d).toMatchObject({ side: 'BUY', quantity: 4 });
    expect(d?.confidence).toBeCloseTo(0.9, 12);
  });

  it('a failing ML side is reported as a warning and the rules signal still flows', () => {
    const rules = createMomentum({ lookbackPeriods: 3, threshold: 0.01, positionSize: 10 });
    const boom: Predictor = {
      predict: () => {
        throw new Error('model exploded');
      },
    };
    const mlP = { kind: 'momentum' as const, lookbackPeriods: 3, confidenceThreshold: 0.6, positionSize: 4, predictor: 'x', predictorParams: {} };
    const hybrid = createHybrid(rules, createMl(mlP, boom), 'majority_vote', 0.6);
    const warnings: string[] = [];
    const d = hybrid.evaluate(ctxOf([100, 100, 110], 1, 0, warnings));
    expect(d).toMatchObject({ side: 'BUY', quantity: 10 });
    expect(warnings).toEqual(['ml side failed: model exploded']);
  });
});
