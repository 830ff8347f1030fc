import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CATALOGUE, formatMessage } from '../../../src/errors.js';
import { parseStrategies, parseStrategiesDocument } from '../../../src/domain/strategy/config.js';
import type { StrategyConfigError } from '../../../src/domain/strategy/types.js';

const reasons = (errors: readonly StrategyConfigError[], id: string): string[] =>
  errors.filter((e) => e.strategyId === id).map((e) => (e.code === 'ERR_STRATEGY_CONFIG' ? e.reason : `unknown type ${e.type}`));

describe('strategy config parsing', () => {
  it('applies envelope and param defaults', () => {
    const r = parseStrategies([{ id: 'm1', type: 'momentum', instruments: [1] }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.value[0];
    expect(s?.config).toEqual({ id: 'm1', type: 'momentum', broker: 'paper', instruments: [1], params: {}, enabled: true });
    expect(s?.params).toMatchObject({
      type: 'momentum',
      rules: { lookbackPeriods: 20, threshold: 0.01, positionSize: 100 },
      limits: { maxConfidence: 100, minQuantity: 1 },
      order: {},
    });
  });

  it('hybrid defaults follow the original (rules 20/0.01/100, ML lookback 20, majority vote, 0.6)', () => {
    const r = parseStrategies([{ id: 'h', type: 'hybrid_mean_reversion', instruments: [1] }]);
    expect(r.ok && r.value[0]?.params).toMatchObject({
      type: 'hybrid_mean_reversion',
      rules: { lookbackPeriods: 20, rsiPeriod: 14, bollingerStd: 2 },
      ml: { kind: 'mean_reversion', lookbackPeriods: 20, confidenceThreshold: 0.6, predictor: 'logistic' },
      policy: 'majority_vote',
      minMlConfidence: 0.6,
    });
    const b = parseStrategies([{ id: 'b', type: 'ml_breakout', instruments: [1] }]);
    expect(b.ok && b.value[0]?.params).toMatchObject({ ml: { kind: 'breakout', lookbackPeriods: 30 } });
  });

  it('reports every problem of every strategy at once', () => {
    const r = parseStrategies([
      { id: 'ok1', type: 'rsi', instruments: [1] },
      { id: 'bad-type', type: 'MomentumProcessor', instruments: [1] },
      { id: 'bad:id', type: 'momentum', broker: 'kite', instruments: [], params: { threshold: -1, lookbak_periods: 3 } },
      { type: 'rsi', instruments: [1.5], params: { rsi_oversold: 80, rsi_overbought: 20 } },
      { id: 'ok1', type: 'momentum', instruments: [2, 2] },
      { id: 'hy', type: 'hybrid_momentum', instruments: [1], params: { rules_config: { threshold: 0 }, ml_config: { model_path: 'x.joblib' } } },
      'not an object',
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const e of r.error) {
      expect(e.code in CATALOGUE).toBe(true);
      expect(formatMessage(e.code, e)).not.toMatch(/\{\w+\}/);
    }
    expect(r.error.find((e) => e.code === 'ERR_STRATEGY_UNKNOWN_TYPE')).toMatchObject({
      strategyId: 'bad-type',
      type: 'MomentumProcessor',
    });
    const bad = reasons(r.error, 'bad:id');
    expect(bad.some((m) => m.startsWith('id:'))).toBe(true);
    expect(bad.some((m) => m.startsWith('broker:'))).toBe(true);
    expect(bad.some((m) => m.startsWith('instruments:'))).toBe(true);
    expect(bad.some((m) => m.startsWith('params.threshold:'))).toBe(true);
    expect(bad.some((m) => m.includes('lookbak_periods'))).toBe(true);
    expect(reasons(r.error, '#3').some((m) => m.startsWith('instruments.0:'))).toBe(true);
    expect(reasons(r.error, 'ok1')).toEqual(expect.arrayContaining([
      'instruments: token 2 is listed twice',
    ]));
    const hy = reasons(r.error, 'hy');
    expect(hy.some((m) => m.startsWith('params.rules_config.threshold:'))).toBe(true);
    expect(hy.some((m) => m.startsWith('params.ml_config:') && m.includes('model_path'))).toBe(true);
    expect(reasons(r.error, '#6').length).toBeGreaterThan(0);
  });

  it('reports duplicate ids', () => {
    const r = parseStrategies([
      { id: 'x', type: 'rsi', instruments: [1] },
      { id: 'x', type: 'momentum', instruments: [2] },
    ]);
    expect(!r.ok && reasons(r.error, 'x')).toEqual(['id: used by more than one strategy']);
  });

  it('cross-field checks: RSI levels, order instructions, sizes, predictors', () => {
    const r = parseStrategies([
      { id: 'levels', type: 'rsi', instruments: [1], params: { rsi_oversold: 70, rsi_overbought: 30 } },
      { id: 'stop', type: 'momentum', instruments: [1], params: { order_type: 'stop' } },
      { id: 'limit', type: 'momentum', instruments: [1], params: { limit_price: 100, limit_offset_bps: 3 } },
      { id: 'size', type: 'low_frequency_demo', instruments: [1], params: { quantity: 1, min_quantity: 5 } },
      { id: 'pred', type: 'ml_momentum', instruments: [1], params: { predictor: 'onnx' } },
      { id: 'weights', type: 'ml_breakout', instruments: [1], params: { predictor_params: { weights: [1] } } },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(reasons(r.error, 'levels')[0]).toMatch(/^params\.rsi_oversold: expected below/);
    expect(reasons(r.error, 'stop')).toEqual(['params.stop_price: required for order_type stop']);
    expect(reasons(r.error, 'limit')).toHaveLength(2); // both given, and order type is market
    expect(reasons(r.error, 'size')[0]).toMatch(/^params\.quantity: expected ≥ min_quantity 5/);
    expect(reasons(r.error, 'pred')[0]).toMatch(/unknown predictor "onnx"; available: logistic/);
    expect(reasons(r.error, 'weights')[0]).toMatch(/expected 4 weights/);
  });

  it('accepts order instructions and converts percentages to bps', () => {
    const r = parseStrategies([
      {
        id: 'o',
        type: 'momentum',
        instruments: [1],
        params: { order_type: 'stop_limit', tif: 'FOK', limit_offset_bps: 5, stop_price: 12_000, take_profit_pct: 1.5, stop_loss_pct: 0.25 },
      },
    ]);
    expect(r.ok && r.value[0]?.params.order).toEqual({
      orderType: 'stop_limit',
      tif: 'FOK',
      limitOffsetBps: 5,
      stopPrice: 12_000,
      takeProfitBps: 150,
      stopLossBps: 25,
    });
  });

  it('document shape errors are reported against (document)', () => {
    for (const doc of [null, [], { strategies: 'x' }, { strategies: [], extra: 1 }]) {
      const r = parseStrategiesDocument(doc);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error[0]?.strategyId).toBe('(document)');
    }
    expect(parseStrategiesDocument({ strategies: [] })).toEqual({ ok: true, value: [] });
  });

  it('the shipped defaults file is valid: the 18 tradable NSE instruments (no index), all paper', () => {
    const doc: unknown = parse(readFileSync(new URL('../../../src/defaults/strategies.yaml', import.meta.url), 'utf8'));
    const r = parseStrategiesDocument(doc);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.length).toBeGreaterThanOrEqual(5);
    expect(r.value.every((s) => s.broker === 'paper' && s.enabled)).toBe(true);
    const tokens = new Set(r.value.flatMap((s) => s.instruments));
    expect(tokens.size).toBe(18);
    // NIFTY50 and BANKNIFTY are indices (registry: tradable false); listing them refuses the start
    expect(tokens.has(256265) || tokens.has(260105)).toBe(false);
    expect(new Set(r.value.map((s) => s.type))).toEqual(
      new Set(['momentum', 'rsi', 'mean_reversion', 'low_frequency_demo', 'hybrid_momentum', 'ml_breakout']),
    );
  });
});
