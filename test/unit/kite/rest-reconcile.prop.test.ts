// Properties of reconciliation by tag over random crash points: for each signal we meant to send, the
// send may never have happened, may have reached Kite with the answer lost, or may have been answered
// and recorded; Kite may have filled any of it in several trades, and our fill log may hold any
// subset. Whatever the mix: nothing Kite has is reported missing (no duplicate send), everything it
// lacks is, and every unapplied trade of ours comes back exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kiteStatusKind, orderStatusOf, reconcile, type LocalIntent } from '../../../src/kite/rest/reconcile.js';
import { orderTag } from '../../../src/kite/rest/tag.js';
import type { KiteOrder, KiteTrade } from '../../../src/kite/rest/types.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

function order(id: string, tag: string | null, status: string): KiteOrder {
  return {
    orderId: id, exchangeOrderId: null, parentOrderId: null, status, statusMessage: null, tag, variety: 'regular', exchange: 'NSE',
    tradingsymbol: 'INFY', instrumentToken: 408065, orderType: 'MARKET', transactionType: 'BUY', validity: 'DAY', product: 'MIS',
    quantity: 10, filledQuantity: 0, pendingQuantity: 10, cancelledQuantity: 0, price: 0, triggerPrice: 0, averagePrice: 0,
    orderTimestamp: null, exchangeTimestamp: null,
  };
}

function trade(id: string, orderId: string): KiteTrade {
  return {
    tradeId: id, orderId, exchangeOrderId: null, exchange: 'NSE', tradingsymbol: 'INFY', instrumentToken: 408065, product: 'MIS',
    transactionType: 'BUY', quantity: 1, averagePrice: 157315, fillTimestamp: null, orderTimestamp: null, exchangeTimestamp: null,
  };
}

const fate = fc.record({
  reached: fc.constantFrom('never', 'lost-answer', 'recorded'),
  trades: fc.integer({ min: 0, max: 3 }),
  applied: fc.integer({ min: 0, max: 3 }),
  status: fc.constantFrom('OPEN', 'COMPLETE', 'CANCELLED', 'REJECTED', 'TRIGGER PENDING'),
});

describe('reconcile by tag', () => {
  it('adopts what Kite has, reports only what it lacks, returns each unapplied trade once', () => {
    fc.assert(
      fc.property(fc.array(fate, { maxLength: 30 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), (fates, foreignCount, shuffle) => {
        const intents: LocalIntent[] = [];
        const orders: KiteOrder[] = [];
        const trades: KiteTrade[] = [];
        const applied = new Set<string>();
        const expectUnapplied: string[] = [];
        fates.forEach((f, i) => {
          const tag = orderTag(`sig:${i}`);
          const id = `ord${i}`;
          intents.push(f.reached === 'recorded' ? { tag, orderId: id } : { tag });
          if (f.reached === 'never') return;
          orders.push(order(id, tag, f.status));
          for (let t = 0; t < f.trades; t++) {
            const tid = `t${i}.${t}`;
            trades.push(trade(tid, id));
            if (t < f.applied) applied.add(tid);
            else expectUnapplied.push(tid);
          }
        });
        for (let k = 0; k < foreignCount; k++) {
          orders.push(order(`manual${k}`, k % 2 === 0 ? null : 'handmade', 'COMPLETE'));
          trades.push(trade(`tm${k}`, `manual${k}`));
        }
        const book = shuffle ? [...orders].reverse() : orders;
        // Kite answers the same trade on /trades once; a replayed page must not double it
        const r = reconcile(intents, book, [...trades, ...trades], applied);
        const sentTags = new Set(orders.filter((o) => o.tag !== null && o.tag.startsWith('ap')).map((o) => o.tag));
        expect(r.missing.every((m) => !sentTags.has(m.tag))).toBe(true);
        expect(r.missing.length + r.adopted.length).toBe(intents.length);
        expect(r.adopted.map((a) => a.intent.tag).sort()).toEqual([...sentTags].sort());
        for (const a of r.adopted) expect(a.learnedId).toBe(a.intent.orderId === undefined);
        expect(r.newTrades.map((t) => t.tradeId).sort()).toEqual(expectUnapplied.sort());
        expect(r.foreign).toHaveLength(foreignCount);
        expect(r.orphans).toEqual([]);
        expect(r.duplicateTags).toEqual([]);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('reports orphans and duplicate tags', () => {
    const a = orderTag('a');
    const r = reconcile([], [order('1', a, 'OPEN'), order('2', a, 'OPEN')], [], new Set());
    expect(r.duplicateTags).toEqual([a]);
    expect(r.orphans.map((o) => o.orderId)).toEqual(['1']);
  });

  it('maps Kite statuses to the order state machine', () => {
    expect(kiteStatusKind('PUT ORDER REQ RECEIVED')).toBe('pending-new');
    expect(kiteStatusKind('SOMETHING NEW')).toBe('unknown');
    const o = (status: string, filledQuantity = 0, orderType = 'LIMIT'): Pick<KiteOrder, 'status' | 'filledQuantity' | 'orderType'> => ({ status, filledQuantity, orderType });
    expect(orderStatusOf(o('OPEN PENDING'))).toBe('Submitted');
    expect(orderStatusOf(o('OPEN'))).toBe('Accepted');
    expect(orderStatusOf(o('OPEN', 3))).toBe('PartiallyFilled');
    expect(orderStatusOf(o('TRIGGER PENDING', 0, 'SL'))).toBe('Accepted');
    expect(orderStatusOf(o('OPEN', 0, 'SL-M'))).toBe('Triggered');
    expect(orderStatusOf(o('COMPLETE', 10))).toBe('Filled');
    expect(orderStatusOf(o('CANCELLED', 2))).toBe('Canceled');
    expect(orderStatusOf(o('REJECTED'))).toBe('Rejected');
    expect(orderStatusOf(o('MODIFY PENDING'))).toBe('Accepted');
    expect(orderStatusOf(o('WHAT'))).toBeUndefined();
  });
});
