import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOrderEvent,
  applyOrderFill,
  createOrder,
  ORDER_EVENT_TYPES,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  transition,
  type OrderRecord,
  type OrderStatus,
} from '../../../src/domain/order/index.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('transition is closed over the table', () => {
  it('random event sequences only ever reach listed statuses through listed edges', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_EVENT_TYPES), { maxLength: 40 }), (events) => {
        let s: OrderStatus = 'Initialized';
        for (const e of events) {
          const r = transition(s, e);
          const listed = ORDER_TRANSITIONS[s][e];
          if (r.ok) {
            expect(r.value).toBe(listed);
            expect(ORDER_STATUSES).toContain(r.value);
            s = r.value;
          } else {
            expect(listed).toBeUndefined();
            expect(r.error).toEqual({ code: 'ERR_ORDER_BAD_TRANSITION', from: s, event: e });
          }
        }
      }),
      { seed, numRuns: 500 },
    );
  });

  it('order histories built from random events and fills are paths in the table with 0 ≤ filled ≤ qty', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('event' as const), ev: fc.constantFrom('submit', 'accept', 'trigger', 'cancel', 'expire', 'reject' as const) }),
      fc.record({ kind: fc.constant('fill' as const), qty: fc.integer({ min: 1, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(step, { maxLength: 30 }), (qty, steps) => {
        let o: OrderRecord = createOrder(
          {
            orderId: 'o', clientOrderId: 'o', broker: 'paper', strategyId: 's', token: 1, side: 'BUY', type: 'market',
            tif: 'DAY', qty, limitPrice: null, stopPrice: null, signalKey: 'k', parentOrderId: null,
          },
          0,
        );
        steps.forEach((st, i) => {
          const r = st.kind === 'fill' ? applyOrderFill(o, st.qty, 100, 0, i + 1) : applyOrderEvent(o, st.ev, i + 1);
          if (r.ok) o = r.value;
        });
        expect(o.filledQty).toBeGreaterThanOrEqual(0);
        expect(o.filledQty).toBeLessThanOrEqual(o.qty);
        expect(o.history[0]!.status).toBe('Initialized');
        expect(o.history.at(-1)!.status).toBe(o.status);
        for (let i = 1; i < o.history.length; i++) {
          const from = o.history[i - 1]!.status;
          const to = o.history[i]!.status;
          expect(Object.values(ORDER_TRANSITIONS[from])).toContain(to);
        }
        if (o.status === 'Filled') expect(o.filledQty).toBe(o.qty);
      }),
      { seed, numRuns: 300 },
    );
  });
});
