import { describe, expect, it } from 'vitest';
import {
  createRiskState,
  DEFAULT_RISK_LIMITS,
  evaluateAndRecord,
  evaluateSignal,
  exportRiskState,
  importRiskState,
  istDay,
  onFill,
  onTick,
  positionOf,
  RULE_NAMES,
  setKillSwitch,
} from '../../../src/domain/risk/index.js';
import { CATALOGUE } from '../../../src/errors.js';
import { DAY_END, mkRiskFill, mkSignal, NEXT_DAY, T0 } from './helpers.js';

describe('evaluateSignal', () => {
  it('validates with every check true and echoes quantity and price', () => {
    const v = evaluateSignal(createRiskState('paper'), mkSignal({ quantity: 7, price: 12_345 }));
    expect(v).toEqual({
      outcome: 'validated',
      validatedQty: 7,
      validatedPrice: 12_345,
      checks: Object.fromEntries(RULE_NAMES.map((r) => [r, true])),
    });
  });

  it('evaluates all rules and lists every failure in rule order with catalogued codes', () => {
    const s = createRiskState('paper');
    onTick(s, 100, 1000);
    setKillSwitch(s, true, 'test');
    const v = evaluateSignal(s, mkSignal({ quantity: 2000, price: 300_000 }));
    expect(v.outcome).toBe('rejected');
    if (v.outcome !== 'rejected') return;
    expect(v.checks).toEqual({
      MaxPositionSize: false,
      MaxDailyTrades: true,
      PriceLimit: false,
      MaxOrderNotional: false,
      DailyLossLimit: true,
      KillSwitch: false,
      TradableInstrument: true,
    });
    expect(v.reasons.map((r) => [r.rule, r.code])).toEqual([
      ['MaxPositionSize', 'ERR_RISK_MAX_POSITION'],
      ['PriceLimit', 'ERR_RISK_PRICE_DEVIATION'],
      ['MaxOrderNotional', 'ERR_RISK_MAX_NOTIONAL'],
      ['KillSwitch', 'ERR_RISK_KILL_SWITCH'],
    ]);
    for (const r of v.reasons) {
      expect(CATALOGUE[r.code].category).toBe('domain');
      expect(r.message).not.toMatch(/\{\w+\}/); // every placeholder filled
    }
  });

  it('does not change state; evaluateAndRecord counts only validated signals', () => {
    const s = createRiskState('paper');
    const before = exportRiskState(s);
    evaluateSignal(s, mkSignal());
    expect(exportRiskState(s)).toEqual(before);
    const limits = { ...DEFAULT_RISK_LIMITS, maxDailyTrades: 3 };
    const outcomes = Array.from({ length: 5 }, () => evaluateAndRecord(s, mkSignal(), limits).outcome);
    expect(outcomes).toEqual(['validated', 'validated', 'validated', 'rejected', 'rejected']);
    expect(s.dailyTrades.get('s1')).toEqual({ day: istDay(T0), count: 3 });
    expect(evaluateAndRecord(s, mkSignal({ ts: NEXT_DAY }), limits).outcome).toBe('validated');
  });
});

describe('per-broker isolation', () => {
  it('paper and zerodha never share positions, counters, prices or kill switch', () => {
    const paper = createRiskState('paper');
    const zerodha = createRiskState('zerodha');
    const limits = { ...DEFAULT_RISK_LIMITS, maxDailyTrades: 1 };
    expect(evaluateAndRecord(paper, mkSignal(), limits).outcome).toBe('validated');
    expect(evaluateAndRecord(zerodha, mkSignal(), limits).outcome).toBe('validated');
    expect(evaluateAndRecord(paper, mkSignal(), limits).outcome).toBe('rejected');
    onFill(paper, mkRiskFill({ side: 'BUY', quantity: 990, price: 1 }));
    onTick(paper, 100, 1);
    setKillSwitch(paper, true, 'paper only');
    expect(positionOf(zerodha, 's1', 100).qty).toBe(0);
    expect(evaluateSignal(zerodha, mkSignal({ ts: NEXT_DAY, quantity: 1000 })).outcome).toBe('validated');
  });

  it('refuses a fill routed to the wrong broker', () => {
    const zerodha = createRiskState('zerodha');
    expect(() => onFill(zerodha, mkRiskFill({ side: 'BUY', quantity: 1, price: 1 }))).toThrow(
      expect.objectContaining({ code: 'ERR_FILL_INVALID' }),
    );
  });
});

describe('onFill dedup and persistence', () => {
  it('a duplicate fill is a no-op returning ERR_FILL_DUPLICATE', () => {
    const s = createRiskState('paper');
    const f = mkRiskFill({ side: 'SELL', quantity: 5, price: 100, fees: 3 });
    expect(onFill(s, f).ok).toBe(true);
    const before = exportRiskState(s);
    const r = onFill(s, f);
    expect(r.ok === false && r.error.code).toBe('ERR_FILL_DUPLICATE');
    expect(exportRiskState(s)).toEqual(before);
    expect(positionOf(s, 's1', 100)).toEqual({ qty: -5, costBasis: -500 });
    expect(s.dailyPnl.netRealized).toBe(-3);
  });

  it('round-trips through JSON and keeps every counter', () => {
    const s = createRiskState('zerodha');
    onFill(s, mkRiskFill({ broker: 'zerodha', side: 'BUY', quantity: 5, price: 100 }));
    onFill(s, mkRiskFill({ broker: 'zerodha', side: 'SELL', quantity: 2, price: 90, ts: DAY_END }));
    onTick(s, 100, 95);
    evaluateAndRecord(s, mkSignal({ strategyId: 'x' }));
    setKillSwitch(s, true, 'why');
    const json = exportRiskState(s);
    const back = importRiskState(JSON.parse(JSON.stringify(json)));
    expect(exportRiskState(back)).toEqual(json);
    expect(back.dailyPnl).toEqual({ day: istDay(T0), netRealized: -20 });
    expect(() => importRiskState({ ...json, v: 9 } as unknown as typeof json)).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_SCHEMA' }),
    );
  });
});
