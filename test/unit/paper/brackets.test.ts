// Brackets / OCO: exits are real orders that update position, cash and pay fees
import { describe, expect, it } from 'vitest';
import { createPaperBroker, feeFor, type PaperEvent } from '../../../src/domain/paper/index.js';
import { fillsOf, input, sig, T0, TOKEN, types, unwrap } from './fixtures.js';

// Default slippage (0.05 %) and commission (0.1 %). Entry: market BUY 10 at 100.00 ⇒ 100.05.
// TP 1 % ⇒ 10105.05 → 10110; SL 0.5 % ⇒ 9954.975 → 9950
function armed() {
  const b = createPaperBroker();
  const ev = unwrap(b.submit(input(sig({ order: { takeProfitBps: 100, stopLossBps: 50 } })), T0));
  return { b, ev, entry: fillsOf(ev)[0]! };
}

const bracketEvents = (ev: readonly PaperEvent[]) => ev.filter((e) => e.type === 'bracket-armed' || e.type === 'bracket-removed');

describe('brackets', () => {
  it('arms on a BUY that opens the position, with levels from the slipped entry price', () => {
    const { b, ev, entry } = armed();
    expect(entry.price).toBe(10_005);
    expect(types(ev).at(-1)).toBe('bracket-armed');
    expect(b.bracket('s1', TOKEN)).toMatchObject({ entryPrice: 10_005, takeProfit: 10_110, stopLoss: 9_950, entryOrderId: entry.orderId });
  });

  it('take profit: SELL of the whole position at tp (limit semantics), with fees, cash and position updated', () => {
    const { b, entry } = armed();
    const cashAfterEntry = b.cash('s1');
    expect(b.onTick(TOKEN, 10_105, T0 + 1)).toEqual([]);
    const ev = b.onTick(TOKEN, 10_110, T0 + 2);
    expect(types(ev)).toEqual(['bracket-removed', 'order-submitted', 'fill', 'order-filled']);
    expect(ev[0]).toMatchObject({ reason: 'take-profit' });
    const exit = fillsOf(ev)[0]!;
    // Slipped tick price would be 10100 < tp, so the limit holds it at 10110
    expect(exit).toMatchObject({ side: 'SELL', quantity: 10, price: 10_110, orderId: `${entry.orderId}-tp`, tradeId: `${entry.orderId}-tp-1` });
    expect(exit.fees).toBe(feeFor(10_110, 10, 1000));
    expect(exit.fees).toBeGreaterThan(0);
    expect(b.cash('s1')).toBe(cashAfterEntry + 10_110 * 10 - exit.fees);
    expect(b.held('s1', TOKEN)).toBe(0);
    expect(b.bracket('s1', TOKEN)).toBeUndefined();
    expect(ev[1]).toMatchObject({ order: { parentOrderId: entry.orderId, type: 'limit', limitPrice: 10_110 } });
    expect(b.onTick(TOKEN, 12_000, T0 + 3)).toEqual([]); // OCO: nothing left to fire
  });

  it('take profit fills better than tp when the tick gapped through', () => {
    const { b } = armed();
    const exit = fillsOf(b.onTick(TOKEN, 10_500, T0 + 1))[0]!;
    // 10500 slipped down 0.05 % = 10494.75, floored to the tick = 10490: still better than tp 10110
    expect(exit.price).toBe(10_490);
  });

  it('stop loss: SELL at the tick price with slippage, fees charged', () => {
    const { b, entry } = armed();
    const cashAfterEntry = b.cash('s1');
    const ev = b.onTick(TOKEN, 9_940, T0 + 1);
    expect(ev[0]).toMatchObject({ type: 'bracket-removed', reason: 'stop-loss' });
    const exit = fillsOf(ev)[0]!;
    expect(exit).toMatchObject({ side: 'SELL', quantity: 10, orderId: `${entry.orderId}-sl` });
    expect(exit.price).toBe(9_935); // 9940 × 0.9995 = 9935.03 → down to 9935
    expect(b.cash('s1')).toBe(cashAfterEntry + exit.price * 10 - exit.fees);
    expect(b.held('s1', TOKEN)).toBe(0);
  });

  it('SL wins when both legs are hit on one tick', () => {
    const b = createPaperBroker({ slippagePercent: 0, commissionPercent: 0 });
    unwrap(b.submit(input(sig({ order: { takeProfitBps: 1, stopLossBps: 1 } })), T0));
    // Real levels can never both be hit (sl < entry < tp), so craft a state where one tick hits both
    const state = b.exportState();
    const crafted = { ...state, brackets: state.brackets.map((x) => ({ ...x, takeProfit: 9_000, stopLoss: 9_500 })) };
    const c = createPaperBroker({ slippagePercent: 0, commissionPercent: 0 }, crafted);
    const ev = c.onTick(TOKEN, 9_400, T0 + 1);
    expect(ev[0]).toMatchObject({ type: 'bracket-removed', reason: 'stop-loss' });
    expect(fillsOf(ev)).toHaveLength(1);
  });

  it('one bracket per (strategy, instrument): a second BUY adds to the position, the exit sells all', () => {
    const { b } = armed();
    const ev2 = unwrap(b.submit(input(sig({ ts: T0 + 1, order: { takeProfitBps: 500 } })), T0 + 1));
    expect(bracketEvents(ev2)).toEqual([]);
    expect(b.bracket('s1', TOKEN)!.takeProfit).toBe(10_110);
    expect(fillsOf(b.onTick(TOKEN, 10_200, T0 + 2))[0]!.quantity).toBe(20);
  });

  it('a BUY into an existing position does not arm a bracket', () => {
    const b = createPaperBroker();
    unwrap(b.submit(input(sig({ ts: T0 })), T0));
    const ev = unwrap(b.submit(input(sig({ ts: T0 + 1, order: { takeProfitBps: 100 } })), T0 + 1));
    expect(bracketEvents(ev)).toEqual([]);
    expect(b.brackets()).toEqual([]);
  });

  it('a strategy SELL that flattens the position removes the bracket', () => {
    const { b } = armed();
    const ev = unwrap(b.submit(input(sig({ side: 'SELL', ts: T0 + 1 })), T0 + 1));
    expect(bracketEvents(ev)).toMatchObject([{ type: 'bracket-removed', reason: 'flat' }]);
    expect(b.onTick(TOKEN, 5_000, T0 + 2)).toEqual([]);
  });

  it('brackets survive endOfDay (they protect an open position)', () => {
    const { b } = armed();
    b.endOfDay(T0 + 10);
    expect(b.brackets()).toHaveLength(1);
    expect(fillsOf(b.onTick(TOKEN, 9_000, T0 + 20))).toHaveLength(1);
  });

  it('other strategies and instruments are untouched', () => {
    const { b } = armed();
    unwrap(b.submit(input(sig({ strategyId: 's2', ts: T0 })), T0));
    b.onTick(TOKEN, 9_000, T0 + 1);
    expect(b.held('s1', TOKEN)).toBe(0);
    expect(b.held('s2', TOKEN)).toBe(10);
    expect(b.onTick(TOKEN + 1, 1, T0 + 2)).toEqual([]);
  });
});
