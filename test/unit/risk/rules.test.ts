import { describe, expect, it } from 'vitest';
import {
  createRiskState,
  DEFAULT_RISK_LIMITS,
  evaluateSignal,
  onFill,
  onTick,
  recordValidated,
  setKillSwitch,
  type RiskLimits,
  type RiskState,
  type RiskVerdict,
} from '../../../src/domain/risk/index.js';
import { DAY_END, mkRiskFill, mkSignal, NEXT_DAY, T0 } from './helpers.js';

const L: RiskLimits = DEFAULT_RISK_LIMITS;

function failed(v: RiskVerdict): string[] {
  return v.outcome === 'rejected' ? v.reasons.map((r) => r.rule) : [];
}

function fill(state: RiskState, over: Parameters<typeof mkRiskFill>[0]): void {
  expect(onFill(state, mkRiskFill(over)).ok).toBe(true);
}

describe('MaxPositionSize', () => {
  it('limits the projected position built from real fills', () => {
    const s = createRiskState('paper');
    expect(failed(evaluateSignal(s, mkSignal({ quantity: 1000, price: 1 }), L))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ quantity: 1001, price: 1 }), L))).toEqual(['MaxPositionSize']);
    fill(s, { side: 'BUY', quantity: 600, price: 1 });
    expect(failed(evaluateSignal(s, mkSignal({ quantity: 400, price: 1 }), L))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ quantity: 401, price: 1 }), L))).toEqual(['MaxPositionSize']);
    expect(failed(evaluateSignal(s, mkSignal({ side: 'SELL', quantity: 1600, price: 1 }), L))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ side: 'SELL', quantity: 1601, price: 1 }), L))).toEqual(['MaxPositionSize']);
    // positions are per strategy and per token
    expect(failed(evaluateSignal(s, mkSignal({ strategyId: 's2', quantity: 1000, price: 1 }), L))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ token: 7, quantity: 1000, price: 1 }), L))).toEqual([]);
  });

  it('never blocks an order that only reduces an over-limit position', () => {
    const s = createRiskState('paper');
    fill(s, { side: 'BUY', quantity: 1500, price: 1 });
    expect(failed(evaluateSignal(s, mkSignal({ side: 'SELL', quantity: 200, price: 1 }), L))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ side: 'BUY', quantity: 1, price: 1 }), L))).toEqual(['MaxPositionSize']);
  });
});

describe('MaxDailyTrades', () => {
  it('counts validated signals per (strategy, IST day) and resets at IST midnight', () => {
    const limits = { ...L, maxDailyTrades: 2 };
    const s = createRiskState('paper');
    recordValidated(s, mkSignal({ ts: T0 }));
    expect(failed(evaluateSignal(s, mkSignal({ ts: DAY_END }), limits))).toEqual([]);
    recordValidated(s, mkSignal({ ts: DAY_END }));
    const v = evaluateSignal(s, mkSignal({ ts: DAY_END }), limits);
    expect(failed(v)).toEqual(['MaxDailyTrades']);
    expect(v.outcome === 'rejected' && v.reasons[0]?.message).toBe('daily trade limit 2 reached for strategy s1 on paper');
    expect(failed(evaluateSignal(s, mkSignal({ strategyId: 's2' }), limits))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ ts: NEXT_DAY }), limits))).toEqual([]);
    recordValidated(s, mkSignal({ ts: NEXT_DAY }));
    // a late signal of the previous day does not move the counter back
    recordValidated(s, mkSignal({ ts: T0 }));
    expect(s.dailyTrades.get('s1')).toEqual({ day: 19738, count: 1 });
  });
});

describe('PriceLimit', () => {
  it('is skipped without a last price, passes exactly at the limit, fails beyond it', () => {
    const s = createRiskState('paper');
    expect(failed(evaluateSignal(s, mkSignal({ price: 5000 }), L))).toEqual([]);
    expect(onTick(s, 100, 0)).toBe(false);
    expect(failed(evaluateSignal(s, mkSignal({ price: 5000 }), L))).toEqual([]);
    expect(onTick(s, 100, 1000)).toBe(true);
    expect(failed(evaluateSignal(s, mkSignal({ price: 1100 }), L))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ price: 900 }), L))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ price: 1101 }), L))).toEqual(['PriceLimit']);
    const v = evaluateSignal(s, mkSignal({ price: 899 }), L);
    expect(failed(v)).toEqual(['PriceLimit']);
    expect(v.outcome === 'rejected' && v.reasons[0]?.message).toBe('price deviation 10.10% exceeds limit 10.00%');
  });
});

describe('MaxOrderNotional', () => {
  it('fails when quantity × price exceeds the maximum, exactly', () => {
    const limits = { ...L, maxPosition: 10 ** 9 };
    const s = createRiskState('paper');
    expect(failed(evaluateSignal(s, mkSignal({ quantity: 500, price: 1_000_000 }), limits))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ quantity: 500, price: 1_000_001 }), limits))).toEqual(['MaxOrderNotional']);
    const v = evaluateSignal(s, mkSignal({ quantity: 10 ** 8, price: 10 ** 9 }), limits);
    expect(v.outcome === 'rejected' && v.reasons[0]?.message).toBe('order notional 1000000000000000.00 exceeds maximum 5000000.00');
  });
});

describe('DailyLossLimit', () => {
  function losingState(loss: number, fees = 0): RiskState {
    const s = createRiskState('paper');
    fill(s, { side: 'BUY', quantity: 100, price: 1000 });
    fill(s, { side: 'SELL', quantity: 50, price: 1000 - loss / 50, fees });
    return s; // long 50 left, net realized −loss − fees
  }
  const limits = { ...L, dailyLossLimit: 10_000 };

  it('rejects exposure-increasing orders once net realized ≤ −limit, fees included', () => {
    expect(failed(evaluateSignal(losingState(9_950), mkSignal({ quantity: 1 }), limits))).toEqual([]);
    const s = losingState(9_950, 50);
    const v = evaluateSignal(s, mkSignal({ quantity: 1 }), limits);
    expect(failed(v)).toEqual(['DailyLossLimit']);
    expect(v.outcome === 'rejected' && v.reasons[0]).toMatchObject({ code: 'ERR_RISK_DAILY_LOSS', message: 'daily loss 100.00 reached limit 100.00 for paper' });
  });

  it('still allows orders that reduce a position, not ones that cross through zero', () => {
    const s = losingState(10_000);
    expect(failed(evaluateSignal(s, mkSignal({ side: 'SELL', quantity: 50 }), limits))).toEqual([]);
    expect(failed(evaluateSignal(s, mkSignal({ side: 'SELL', quantity: 51 }), limits))).toEqual(['DailyLossLimit']);
    expect(failed(evaluateSignal(s, mkSignal({ token: 5, side: 'SELL', quantity: 1 }), limits))).toEqual(['DailyLossLimit']);
  });

  it('is broker-wide across strategies and resets on the next IST day', () => {
    const s = losingState(10_000);
    expect(failed(evaluateSignal(s, mkSignal({ strategyId: 'other' }), limits))).toEqual(['DailyLossLimit']);
    expect(failed(evaluateSignal(s, mkSignal({ ts: NEXT_DAY }), limits))).toEqual([]);
    // a profitable fill the next day starts a fresh total; a late fill of the old day is ignored for the total
    fill(s, { side: 'SELL', quantity: 10, price: 1100, ts: NEXT_DAY });
    expect(s.dailyPnl).toEqual({ day: 19738, netRealized: 1000 });
    fill(s, { side: 'SELL', quantity: 10, price: 1, ts: T0 });
    expect(s.dailyPnl).toEqual({ day: 19738, netRealized: 1000 });
  });
});

describe('KillSwitch', () => {
  it('rejects everything while engaged, with its reason', () => {
    const s = createRiskState('paper');
    setKillSwitch(s, true, 'operator halt');
    const v = evaluateSignal(s, mkSignal(), L);
    expect(failed(v)).toEqual(['KillSwitch']);
    expect(v.outcome === 'rejected' && v.reasons[0]?.message).toBe('trading is halted by the kill switch (operator halt)');
    setKillSwitch(s, false, '');
    expect(evaluateSignal(s, mkSignal(), L).outcome).toBe('validated');
  });
});
