// Flatten on the pure risk domain: the closing signals built from the risk state's positions, and
// the rules that let a reducing flatten exit through the kill switch and the daily trade limit
// (and nothing else through them).
import { describe, expect, it } from 'vitest';
import {
  closingSignals,
  createRiskState,
  DEFAULT_RISK_LIMITS,
  evaluateAndRecord,
  evaluateSignal,
  maxChunkQty,
  onFill,
  onTick,
  recordValidated,
  setKillSwitch,
  dailyTradeCount,
  istDay,
  type RiskLimits,
  type RiskState,
  type RiskVerdict,
} from '../../../src/domain/risk/index.js';
import { signalKey } from '../../../src/domain/order/ids.js';
import { tradableLookup } from '../../../src/domain/instruments/index.js';
import { mkRiskFill, mkSignal, T0 } from './helpers.js';

const L: RiskLimits = DEFAULT_RISK_LIMITS;
const TS = T0 + 60_000;

function failed(v: RiskVerdict): string[] {
  return v.outcome === 'rejected' ? v.reasons.map((r) => r.rule) : [];
}

function fill(state: RiskState, over: Parameters<typeof mkRiskFill>[0]): void {
  expect(onFill(state, mkRiskFill(over)).ok).toBe(true);
}

describe('closingSignals', () => {
  it('closes every non-zero position at the last price, in strategy then token order, and skips flat ones', () => {
    const s = createRiskState('paper');
    fill(s, { strategyId: 'zeta', token: 5, side: 'BUY', quantity: 7, price: 2000 });
    fill(s, { strategyId: 'alpha', token: 9, side: 'BUY', quantity: 3, price: 1000 });
    fill(s, { strategyId: 'alpha', token: 2, side: 'BUY', quantity: 4, price: 500 });
    fill(s, { strategyId: 'alpha', token: 2, side: 'SELL', quantity: 4, price: 510 }); // flat again
    fill(s, { strategyId: 'alpha', token: 3, side: 'BUY', quantity: 2, price: 800 });
    onTick(s, 9, 1100);
    onTick(s, 5, 2100);
    const out = closingSignals(s, L, { ts: TS });
    expect(out.map((x) => [x.strategyId, x.token, x.side, x.quantity, x.price])).toEqual([
      ['alpha', 3, 'SELL', 2, 800], // no tick seen: the average cost
      ['alpha', 9, 'SELL', 3, 1100],
      ['zeta', 5, 'SELL', 7, 2100],
    ]);
    for (const x of out) {
      expect(x).toMatchObject({ ts: TS, reduceOnly: true, order: { orderType: 'market', tif: 'IOC' }, feedSeq: 0 });
      expect(x.tickSeq).toBeUndefined();
    }
  });

  it('filters by strategy, and a short position is bought back', () => {
    const s = createRiskState('paper');
    fill(s, { strategyId: 'a', side: 'BUY', quantity: 5, price: 100 });
    // Not reachable through the paper venue (no shorting), but risk positions are signed
    s.positions.set('b', new Map([[100, { qty: -6, costBasis: -600 }]]));
    expect(closingSignals(s, L, { ts: TS, strategyId: 'b' }).map((x) => [x.strategyId, x.side, x.quantity])).toEqual([['b', 'BUY', 6]]);
    expect(closingSignals(s, L, { ts: TS, strategyId: 'nobody' })).toEqual([]);
  });

  it('splits a position larger than one order may be under the notional limit into keyed chunks', () => {
    const s = createRiskState('paper');
    fill(s, { side: 'BUY', quantity: 25, price: 1000 });
    onTick(s, 100, 1000);
    const limits = { ...L, maxOrderNotional: 10_000 }; // 10 units per order
    const out = closingSignals(s, limits, { ts: TS });
    expect(out.map((x) => [x.quantity, x.feedSeq])).toEqual([[10, 0], [10, 1], [5, 2]]);
    // every chunk is a distinct order, and none can collide with a strategy signal of that instant
    const keys = out.map((x) => signalKey(x));
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(`s1:100:SELL:${TS}:0:flatten`);
    expect(signalKey(mkSignal({ side: 'SELL', ts: TS, feedSeq: 0 }))).toBe(`s1:100:SELL:${TS}:0`);
    // and every chunk passes the notional rule
    for (const x of out) expect(failed(evaluateSignal(s, x, limits))).toEqual([]);
  });

  it('maxChunkQty never exceeds the limit and is 0 when one unit already does', () => {
    expect(maxChunkQty(3, 10)).toBe(3);
    expect(maxChunkQty(7, 7)).toBe(1);
    expect(maxChunkQty(8, 7)).toBe(0);
    expect(maxChunkQty(0, 7)).toBe(Number.MAX_SAFE_INTEGER);
    for (const [p, m] of [[3, 2 ** 52], [999_999_937, 2 ** 53 - 1], [7, 2 ** 53 - 3]] as const) {
      const q = maxChunkQty(p, m);
      expect(BigInt(q) * BigInt(p) <= BigInt(m)).toBe(true);
      expect((BigInt(q) + 1n) * BigInt(p) > BigInt(m)).toBe(true);
    }
  });

  it('a single unit over the notional limit gives one whole signal, which risk rejects (reported, not hidden)', () => {
    const s = createRiskState('paper');
    fill(s, { side: 'BUY', quantity: 4, price: 1000 });
    onTick(s, 100, 1000);
    const limits = { ...L, maxOrderNotional: 999 };
    const out = closingSignals(s, limits, { ts: TS });
    expect(out.map((x) => x.quantity)).toEqual([4]);
    expect(failed(evaluateSignal(s, out[0]!, limits))).toEqual(['MaxOrderNotional']);
  });
});

describe('kill switch and daily limit vs reducing flatten exits', () => {
  it('the engaged kill switch lets a reducing flatten exit through, and nothing else', () => {
    const s = createRiskState('paper');
    fill(s, { side: 'BUY', quantity: 10, price: 1000 });
    setKillSwitch(s, true, 'halt');
    const exit = closingSignals(s, L, { ts: TS })[0]!;
    expect(failed(evaluateSignal(s, exit, L))).toEqual([]);
    // the same order from a strategy (no marker) is still stopped
    const { reduceOnly: _r, ...plain } = exit;
    expect(failed(evaluateSignal(s, plain, L))).toEqual(['KillSwitch']);
    // a marker on an order that grows or flips the position buys nothing
    expect(failed(evaluateSignal(s, { ...exit, side: 'BUY' }, L))).toEqual(['KillSwitch']);
    expect(failed(evaluateSignal(s, { ...exit, quantity: 11 }, L))).toEqual(['KillSwitch']);
    expect(failed(evaluateSignal(s, mkSignal({ reduceOnly: true }), L))).toEqual(['KillSwitch']); // a BUY on a long
    // without a position there is nothing to reduce
    const flat = createRiskState('paper');
    setKillSwitch(flat, true, 'halt');
    expect(failed(evaluateSignal(flat, { ...exit }, L))).toEqual(['KillSwitch']);
  });

  it('the daily trade limit lets a reducing flatten exit through, and does not count it', () => {
    const limits = { ...L, maxDailyTrades: 1 };
    const s = createRiskState('paper');
    fill(s, { side: 'BUY', quantity: 10, price: 1000 });
    recordValidated(s, mkSignal({ ts: TS }));
    expect(failed(evaluateSignal(s, mkSignal({ side: 'SELL', ts: TS }), limits))).toEqual(['MaxDailyTrades']);
    const exit = closingSignals(s, limits, { ts: TS })[0]!;
    expect(evaluateAndRecord(s, exit, limits).outcome).toBe('validated');
    expect(dailyTradeCount(s, 's1', istDay(TS))).toBe(1);
    expect(failed(evaluateSignal(s, { ...exit, side: 'BUY' }, limits))).toEqual(['MaxDailyTrades']);
  });

  it('the other rules still judge a flatten exit (price deviation, tradability)', () => {
    const s = createRiskState('paper');
    fill(s, { side: 'BUY', quantity: 10, price: 1000 });
    onTick(s, 100, 1000);
    const exit = closingSignals(s, L, { ts: TS })[0]!;
    expect(failed(evaluateSignal(s, { ...exit, price: 2000 }, L))).toEqual(['PriceLimit']);
    expect(failed(evaluateSignal(s, exit, L, { tradable: tradableLookup([{ token: 100, tradable: false }]) }))).toEqual(['TradableInstrument']);
  });
});
