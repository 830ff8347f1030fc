import { describe, expect, it } from 'vitest';
import {
  applyOrderEvent,
  applyOrderFill,
  createOrder,
  fillEventFor,
  isTerminal,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  transition,
  type NewOrder,
} from '../../../src/domain/order/index.js';

const spec: NewOrder = {
  orderId: 'paper-1',
  clientOrderId: 'paper-1',
  broker: 'paper',
  strategyId: 's1',
  token: 1,
  side: 'BUY',
  type: 'limit',
  tif: 'DAY',
  qty: 10,
  limitPrice: 100,
  stopPrice: null,
  signalKey: 's1:1:BUY:0',
  parentOrderId: null,
};

describe('transition table', () => {
  it('accepts listed edges and rejects everything else with ERR_ORDER_BAD_TRANSITION', () => {
    expect(transition('Initialized', 'submit')).toEqual({ ok: true, value: 'Submitted' });
    expect(transition('Submitted', 'accept')).toEqual({ ok: true, value: 'Accepted' });
    expect(transition('Accepted', 'trigger')).toEqual({ ok: true, value: 'Triggered' });
    expect(transition('Canceled', 'fill')).toEqual({ ok: true, value: 'Filled' });
    expect(transition('Filled', 'cancel')).toEqual({
      ok: false,
      error: { code: 'ERR_ORDER_BAD_TRANSITION', from: 'Filled', event: 'cancel' },
    });
    expect(transition('Initialized', 'fill').ok).toBe(false);
    expect(transition('Expired', 'expire').ok).toBe(false);
    expect(transition('PartiallyFilled', 'reject').ok).toBe(false);
  });

  it('terminal states absorb everything except the documented Canceled → Filled race', () => {
    for (const s of ORDER_STATUSES.filter(isTerminal)) {
      const edges = Object.keys(ORDER_TRANSITIONS[s]);
      expect(edges).toEqual(s === 'Canceled' ? ['fill'] : []);
    }
    expect(ORDER_STATUSES.filter(isTerminal).sort()).toEqual(['Canceled', 'Expired', 'Filled', 'Rejected']);
  });

  it('chooses fill vs partial-fill from cumulative quantity', () => {
    expect(fillEventFor(3, 10)).toBe('partial-fill');
    expect(fillEventFor(10, 10)).toBe('fill');
  });
});

describe('order record', () => {
  it('starts Initialized and records every transition in its history', () => {
    let o = createOrder(spec, 5);
    expect(o.status).toBe('Initialized');
    o = unwrapOk(applyOrderEvent(o, 'submit', 6));
    o = unwrapOk(applyOrderEvent(o, 'accept', 7));
    o = unwrapOk(applyOrderFill(o, 4, 100, 1, 8));
    expect(o.status).toBe('PartiallyFilled');
    o = unwrapOk(applyOrderFill(o, 6, 101, 2, 9));
    expect(o).toMatchObject({ status: 'Filled', filledQty: 10, fillCount: 2, filledNotional: 400 + 606, fees: 3, updatedTs: 9 });
    expect(o.history.map((h) => [h.status, h.ts])).toEqual([
      ['Initialized', 5],
      ['Submitted', 6],
      ['Accepted', 7],
      ['PartiallyFilled', 8],
      ['Filled', 9],
    ]);
    expect(JSON.parse(JSON.stringify(o))).toEqual(o);
  });

  it('refuses an overfill and an illegal event, naming the order', () => {
    const o = unwrapOk(applyOrderEvent(createOrder(spec, 0), 'submit', 1));
    const over = applyOrderFill(o, 11, 100, 0, 2);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.error).toMatchObject({ code: 'ERR_ORDER_BAD_TRANSITION', orderId: 'paper-1', reason: 'overfill' });
    const bad = applyOrderEvent(o, 'submit', 2);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ from: 'Submitted', event: 'submit', orderId: 'paper-1' });
  });

  it('stores the reason of a rejection in the history', () => {
    const o = unwrapOk(applyOrderEvent(createOrder(spec, 0), 'reject', 1, 'ERR_X: nope'));
    expect(o.history.at(-1)).toEqual({ status: 'Rejected', ts: 1, reason: 'ERR_X: nope' });
  });
});

function unwrapOk<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}
