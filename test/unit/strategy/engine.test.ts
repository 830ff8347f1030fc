import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gaussian, seededRng } from '../../../src/domain/rng.js';
import { ok } from '../../../src/errors.js';
import {
  createPredictorRegistry,
  createStrategyEngine,
  parseStrategiesDocument,
  type Predictor,
  type StrategyEngine,
} from '../../../src/domain/strategy/index.js';
import { makeTick } from './helpers.js';

function engineOf(configs: readonly unknown[], predictors = createPredictorRegistry()): StrategyEngine {
  const r = createStrategyEngine(configs, { predictors });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const momentum = (id: string, instruments: number[], params: Record<string, unknown> = {}) => ({
  id,
  type: 'momentum',
  instruments,
  params: { lookback_periods: 3, threshold: 0.01, position_size: 5, ...params },
});

describe('routing', () => {
  it('a tick reaches only the strategies configured for its instrument', () => {
    const e = engineOf([momentum('a', [1]), momentum('b', [2]), momentum('c', [1, 2])]);
    e.onTick(makeTick(1, 100));
    e.onTick(makeTick(3, 100));
    const byId = Object.fromEntries(e.stats().strategies.map((s) => [s.id, s.ticks]));
    expect(byId).toEqual({ a: 1, b: 0, c: 1 });
    expect(e.stats()).toMatchObject({ ticksSeen: 2, ticksRouted: 1, ticksInvalid: 0 });
    expect(e.instruments()).toEqual([1, 2]);
    expect(e.brokerOf('a')).toBe('paper');
    expect(e.brokerOf('zzz')).toBeUndefined();
  });

  it('disabled strategies are validated but get no ticks', () => {
    const e = engineOf([{ ...momentum('off', [9]), enabled: false }]);
    e.onTick(makeTick(9, 100));
    expect(e.stats().strategies[0]).toMatchObject({ id: 'off', enabled: false, ticks: 0 });
    expect(e.instruments()).toEqual([]);
  });

  it('per-instrument histories do not interleave (the original shared one deque)', () => {
    const e = engineOf([momentum('m', [1, 2])]);
    const out = [
      e.onTick(makeTick(1, 100)),
      e.onTick(makeTick(2, 200)),
      e.onTick(makeTick(1, 100)),
      e.onTick(makeTick(2, 200)),
      e.onTick(makeTick(1, 110)),
      e.onTick(makeTick(2, 200)),
    ];
    // A shared history would have seen 100 → 200 on instrument 2 and bought it
    expect(out.flatMap((o) => o.signals).map((s) => [s.token, s.side])).toEqual([[1, 'BUY']]);
    expect(e.exportState({ histories: true }).strategies['m']?.histories).toEqual({ '1': [100, 100, 110], '2': [200, 200, 200] });
  });

  it('non-positive prices are counted and kept out of the history', () => {
    const e = engineOf([momentum('m', [1])]);
    e.onTick(makeTick(1, 100));
    expect(e.onTick(makeTick(1, 0)).signals).toEqual([]);
    e.onTick(makeTick(1, 100));
    expect(e.stats().ticksInvalid).toBe(1);
    expect(e.exportState({ histories: true }).strategies['m']?.histories).toEqual({ '1': [100, 100] });
  });
});

describe('signals', () => {
  it('carry the tick integer price, timestamp precedence and normalised confidence', () => {
    const e = engineOf([momentum('m', [1])]);
    e.onTick(makeTick(1, 10_000));
    e.onTick(makeTick(1, 10_000));
    const [s] = e.onTick(makeTick(1, 10_500, 1_700_000_000_000, 5)).signals;
    expect(s).toEqual({
      strategyId: 'm',
      token: 1,
      side: 'BUY',
      quantity: 5,
      price: 10_500,
      ts: 1_700_000_000_000,
      confidence: 0.25,
      order: {},
      metadata: { momentum: 0.05, lookback_periods: 3 },
    });
    expect(e.onTick(makeTick(1, 11_000, 0, 42)).signals[0]?.ts).toBe(42);
    expect(e.onTick(makeTick(1, 11_500), 77).signals[0]?.ts).toBe(77);
    expect(e.stats().strategies[0]).toMatchObject({ signals: 3, buys: 3, sells: 0 });
  });

  it('attach resolved order instructions', () => {
    const e = engineOf([
      momentum('m', [1], { order_type: 'limit', tif: 'IOC', limit_offset_bps: 10, take_profit_pct: 1, stop_loss_pct: 0.5 }),
    ]);
    e.onTick(makeTick(1, 10_000));
    e.onTick(makeTick(1, 10_000));
    expect(e.onTick(makeTick(1, 9_000)).signals[0]?.order).toEqual({
      orderType: 'limit',
      tif: 'IOC',
      limitPrice: 8_991,
      takeProfitBps: 100,
      stopLossBps: 50,
    });
  });

  it('validator rejections and percent confidences are handled per strategy', () => {
    const reg = createPredictorRegistry();
    let confidence = 150;
    const pred: Predictor = { predict: () => ({ label: 'SELL', confidence }) };
    reg.register('fixed', () => ok(pred));
    const e = engineOf([{ id: 'ml', type: 'ml_momentum', instruments: [1], params: { lookback_periods: 2, predictor: 'fixed' } }], reg);
    e.onTick(makeTick(1, 100));
    const rejected = e.onTick(makeTick(1, 100));
    expect(rejected.signals).toEqual([]);
    expect(rejected.rejected).toEqual([
      { strategyId: 'ml', token: 1, error: { code: 'ERR_SIGNAL_INVALID', reason: expect.stringContaining('150') as string } },
    ]);
    confidence = 85;
    expect(e.onTick(makeTick(1, 100)).signals[0]?.confidence).toBeCloseTo(0.85, 12);
    expect(e.stats().strategies[0]).toMatchObject({ rejected: 1, signals: 1, sells: 1 });
  });
});

describe('failure isolation', () => {
  it('a throwing strategy is reported and the others still run', () => {
    const reg = createPredictorRegistry();
    reg.register('boom', () =>
      ok({
        predict: () => {
          throw new Error('kaput');
        },
      }),
    );
    const e = engineOf(
      [
        { id: 'ml', type: 'ml_momentum', instruments: [1], params: { lookback_periods: 2, predictor: 'boom' } },
        momentum('m', [1], { lookback_periods: 2 }),
        {
          id: 'hy',
          type: 'hybrid_momentum',
          instruments: [1],
          params: { rules_config: { lookback_periods: 2, position_size: 3 }, ml_config: { lookback_periods: 2, predictor: 'boom' } },
        },
      ],
      reg,
    );
    e.onTick(makeTick(1, 100));
    const out = e.onTick(makeTick(1, 110));
    expect(out.signals.map((s) => s.strategyId)).toEqual(['m', 'hy']);
    expect(out.errors).toEqual([
      { strategyId: 'ml', token: 1, message: 'kaput', fatal: true },
      { strategyId: 'hy', token: 1, message: 'ml side failed: kaput', fatal: false },
    ]);
    const s = Object.fromEntries(e.stats().strategies.map((x) => [x.id, x]));
    expect(s['ml']).toMatchObject({ errors: 1, signals: 0 });
    expect(s['hy']).toMatchObject({ warnings: 1, signals: 1 });
  });

  it('configs are validated all at once, including predictor construction', () => {
    const r = createStrategyEngine([
      { id: 'a', type: 'nope', instruments: [1] },
      { id: 'b', type: 'ml_momentum', instruments: [1], params: { predictor: 'missing' } },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((x) => [x.code, x.strategyId])).toEqual([
      ['ERR_STRATEGY_UNKNOWN_TYPE', 'a'],
      ['ERR_STRATEGY_CONFIG', 'b'],
    ]);
  });
});

describe('state export/import', () => {
  const lfd = { id: 'lf', type: 'low_frequency_demo', instruments: [2, 3], params: { min_interval_seconds: 60 } };

  it('low-frequency timers survive a restart through JSON', () => {
    const a = engineOf([lfd]);
    expect(a.onTick(makeTick(2, 100, 1_000_000)).signals).toHaveLength(1);
    const saved = JSON.parse(JSON.stringify(a.exportState())) as unknown;
    const b = engineOf([lfd]);
    expect(b.importState(saved)).toEqual({ ok: true, value: { restored: 1, skipped: [] } });
    expect(b.onTick(makeTick(2, 100, 1_030_000)).signals).toHaveLength(0);
    expect(b.onTick(makeTick(3, 100, 1_030_000)).signals).toHaveLength(1);
    expect(b.onTick(makeTick(2, 100, 1_060_000)).signals).toHaveLength(1);
  });

  it('histories round-trip: a restarted engine continues exactly like an uninterrupted one', () => {
    const cfg = [momentum('m', [1], { lookback_periods: 5 }), { id: 'r', type: 'rsi', instruments: [1], params: { rsi_period: 3 } }];
    const prices = [100, 102, 101, 99, 97, 96, 98, 101, 104, 103, 99, 95, 94, 97, 100];
    const whole = engineOf(cfg);
    const first = engineOf(cfg);
    const cut = 8;
    const expected = prices.map((p) => whole.onTick(makeTick(1, p)).signals);
    prices.slice(0, cut).forEach((p) => first.onTick(makeTick(1, p)));
    const resumed = engineOf(cfg);
    const report = resumed.importState(JSON.parse(JSON.stringify(first.exportState({ histories: true }))));
    expect(report.ok).toBe(true);
    const got = prices.slice(cut).map((p) => resumed.onTick(makeTick(1, p)).signals);
    expect(got).toEqual(expected.slice(cut));
    expect(expected.flat().length).toBeGreaterThan(0);
  });

  it('skips unknown strategies and instruments; rejects another schema version', () => {
    const e = engineOf([lfd]);
    const r = e.importState({
      v: 1,
      strategies: {
        gone: { type: 'momentum', histories: { '1': [1] } },
        lf: { type: 'low_frequency_demo', histories: { '9': [5] } },
      },
    });
    expect(r.ok && r.value.skipped).toEqual(['gone: no such enabled strategy', 'lf: instrument 9 not configured']);
    expect(e.importState({ v: 2, strategies: {} })).toEqual({
      ok: false,
      error: { code: 'ERR_STORE_SCHEMA', key: 'strategy-engine', version: 2, expected: 1 },
    });
  });
});

describe('shipped defaults', () => {
  it('every default strategy signals within a minute of a ~200 ticks/s random walk (2 bp per tick)', () => {
    const doc: unknown = parse(readFileSync(new URL('../../../src/defaults/strategies.yaml', import.meta.url), 'utf8'));
    const configs = parseStrategiesDocument(doc);
    if (!configs.ok) throw new Error(JSON.stringify(configs.error));
    const e = engineOf(configs.value);
    const tokens = e.instruments();
    const rng = seededRng('defaults-random-walk');
    const fair = new Map(tokens.map((t, i) => [t, 50_000 + 25_000 * i]));
    const t0 = Date.UTC(2024, 0, 2, 4, 0, 0);
    for (let i = 0; i < 200 * 60; i++) {
      const token = tokens[i % tokens.length] ?? 0;
      // 2 bp per-tick volatility (the synthetic feed's default), last price on a 5-paise grid
      const f = (fair.get(token) ?? 1) * (1 + 0.0002 * gaussian(rng));
      fair.set(token, f);
      e.onTick(makeTick(token, Math.max(5, Math.round(f / 5) * 5), t0 + i * 5));
    }
    for (const s of e.stats().strategies) {
      expect(s.errors, s.id).toBe(0);
      expect(s.rejected, s.id).toBe(0);
      expect(s.signals, s.id).toBeGreaterThan(0);
    }
  });
});
