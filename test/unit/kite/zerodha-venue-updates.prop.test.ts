// The zerodha venue's ticker order updates and modify (src/services/engine/zerodha-venue.ts), pure:
// an update folds like a poll of one order but never makes a fill (it only says the trades are due);
// an update for an unknown tag, a stale or duplicated one changes nothing; a modify is a request sent
// after its commit, and our order takes Kite's quantity and prices only when Kite reports them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradingSignal } from '../../../src/domain/types.js';
import { createZerodhaAdapter, type ZerodhaAdapter } from '../../../src/services/engine/zerodha-venue.js';
import type { AdapterEvent } from '../../../src/services/engine/adapter.js';
import { config, kiteOrder, kiteTrade, signal } from './zerodha-fixtures.js';
import { decodeOrderUpdate, orderUpdateRecord } from '../../../src/services/engine/order-updates.js';
import { modifyArgFrom } from '../../../src/services/engine/modify.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

/** A venue with one order placed at Kite as K1 (reconciled, sent, answered). */
function placedVenue(over: Partial<TradingSignal> = {}): { a: ZerodhaAdapter; tag: string } {
  const a = createZerodhaAdapter(config, undefined);
  const r = a.submit({ signal: signal(1000, over), validatedQty: 10, validatedPrice: 0 }, 1000);
  if (!r.ok) throw new Error(r.error.message);
  const tag = (r.value[0] as { order: { orderId: string } }).order.orderId;
  a.reconcileStart([], [], 1000);
  const [eff] = a.effects(a.lastIntentSeq);
  a.markSending(eff!);
  a.placed(tag, 'K1', 1001);
  return { a, tag };
}

const fills = (events: readonly AdapterEvent[]) => events.filter((e) => e.type === 'fill');

describe('zerodha venue: ticker order updates', () => {
  it('an update saying COMPLETE makes no fill: it asks for the trades, which make it once', () => {
    const { a, tag } = placedVenue();
    const up = a.applyOrderUpdate(kiteOrder('K1', tag, 'COMPLETE', 10, { averagePrice: 157_320 }), 2000);
    expect(fills(up.events)).toEqual([]);
    expect(up).toMatchObject({ tradesDue: true, orderId: tag });
    expect(a.orderOf(tag)?.filledQty).toBe(0);
    const ev = a.applyTrades([kiteTrade('T1', 'K1', 10)], 2001);
    expect(fills(ev)).toHaveLength(1);
    expect(a.orderOf(tag)?.status).toBe('Filled');
    // The same update again (a duplicate message) and the poll afterwards change nothing
    expect(a.applyOrderUpdate(kiteOrder('K1', tag, 'COMPLETE', 10), 2002)).toMatchObject({ events: [], tradesDue: false });
    expect(a.applyTrades([kiteTrade('T1', 'K1', 10)], 2003)).toEqual([]);
  });

  it('an update for an unknown tag or order, or a stale status, is harmless', () => {
    const { a, tag } = placedVenue();
    const before = JSON.stringify(a.exportState());
    expect(a.applyOrderUpdate(kiteOrder('K9', 'apforeign0000000000', 'COMPLETE', 10), 2000)).toEqual({ events: [], tradesDue: false, orderId: undefined });
    expect(a.applyOrderUpdate(kiteOrder('K9', null, 'OPEN'), 2000).events).toEqual([]);
    expect(JSON.stringify(a.exportState())).toBe(before);
    a.applyTrades([kiteTrade('T1', 'K1', 10)], 2001);
    expect(a.orderOf(tag)?.status).toBe('Filled');
    // An OPEN or CANCELLED arriving after the fill is stale: the filled order stays filled
    expect(a.applyOrderUpdate(kiteOrder('K1', tag, 'OPEN'), 2002).events).toEqual([]);
    expect(a.applyOrderUpdate(kiteOrder('K1', tag, 'CANCELLED'), 2003).events).toEqual([]);
    expect(a.orderOf(tag)?.status).toBe('Filled');
  });

  it('an update before the placement answer adopts the Kite order id; the answer then changes nothing', () => {
    const a = createZerodhaAdapter(config, undefined);
    const r = a.submit({ signal: signal(1000), validatedQty: 10, validatedPrice: 0 }, 1000);
    const tag = r.ok ? (r.value[0] as { order: { orderId: string } }).order.orderId : '';
    a.reconcileStart([], [], 1000);
    a.markSending(a.effects(a.lastIntentSeq)[0]!);
    expect(a.applyOrderUpdate(kiteOrder('K1', tag, 'OPEN'), 1001).events.map((e) => e.type)).toEqual(['order-accepted']);
    expect(a.placed(tag, 'K1', 1002)).toEqual([]);
    expect(fills(a.applyTrades([kiteTrade('T1', 'K1', 10)], 1003))).toHaveLength(1);
  });

  it('property: any sequence of updates (duplicated, reordered, stale) never makes a fill; trades make each fill once', () => {
    const statuses = ['OPEN', 'COMPLETE', 'CANCELLED', 'UPDATE', 'TRIGGER PENDING', 'REJECTED', 'PUT ORDER REQ RECEIVED'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ status: fc.constantFrom(...statuses), filled: fc.integer({ min: 0, max: 10 }), ours: fc.boolean() }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 5 }), // at most 10: never an overfill
        (updates, tradeQtys) => {
          const { a, tag } = placedVenue();
          let due = false;
          for (const u of updates) {
            const r = a.applyOrderUpdate(kiteOrder(u.ours ? 'K1' : 'K2', u.ours ? tag : null, u.status, u.filled), 2000);
            if (fills(r.events).length > 0) return false;
            due ||= r.tradesDue;
          }
          if (a.orderOf(tag)!.filledQty !== 0) return false;
          const trades = tradeQtys.map((q, i) => kiteTrade(`T${i}`, 'K1', q));
          const first = fills(a.applyTrades(trades, 3000)).length;
          const again = fills(a.applyTrades(trades, 3001)).length;
          // A trade is a fill once, unless our order had already ended (a cancel/reject update)
          const ended = ['Canceled', 'Rejected'].includes(a.orderOf(tag)!.status) && first === 0;
          return again === 0 && (ended || first === trades.length) && (updates.some((u) => u.ours && u.filled > 0) ? due : !due);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('the ring record is checked: a malformed record is ERR_KITE_DATA naming the field', () => {
    const rec = orderUpdateRecord(kiteOrder('K1', 'apx', 'OPEN'), 5);
    expect(decodeOrderUpdate(JSON.parse(JSON.stringify(rec)))).toEqual({ ok: true, value: rec });
    const bad = decodeOrderUpdate({ ...rec, order: { ...rec.order, quantity: 'ten' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'ERR_KITE_DATA' } });
    expect(bad.ok ? '' : bad.error.message).toContain('order.quantity');
    expect(decodeOrderUpdate(null)).toMatchObject({ ok: false, error: { code: 'ERR_KITE_DATA' } });
  });
});

describe('zerodha venue: modify', () => {
  it('a modify is a request sent after its commit; the order takes the new values when Kite reports them', () => {
    const { a, tag } = placedVenue({ order: { orderType: 'limit', limitPrice: 157_000 } });
    expect(a.modify(tag, { price: 156_500, quantity: 12 }, 2000)).toEqual({ ok: true, value: [] });
    // Not before the commit that holds the request
    expect(a.effects(a.lastIntentSeq - 1)).toEqual([]);
    const eff = a.effects(a.lastIntentSeq);
    expect(eff).toEqual([{ kind: 'modify', tag, params: { variety: 'regular', orderId: 'K1', exchange: 'NSE', orderType: 'LIMIT', quantity: 12, price: 156_500 } }]);
    a.markSending(eff[0]!);
    expect(a.effects(a.lastIntentSeq)).toEqual([]);
    expect(a.orderOf(tag)).toMatchObject({ qty: 10, limitPrice: 157_000 });
    const ev = a.applyOrderUpdate(kiteOrder('K1', tag, 'OPEN', 0, { orderType: 'LIMIT', quantity: 12, price: 156_500 }), 2001).events;
    expect(ev.map((e) => e.type)).toEqual(['order-modified']);
    expect(a.orderOf(tag)).toMatchObject({ qty: 12, limitPrice: 156_500 });
    // The same report again changes nothing
    expect(a.applyOrders([kiteOrder('K1', tag, 'OPEN', 0, { orderType: 'LIMIT', quantity: 12, price: 156_500 })], 2002)).toEqual([]);
  });

  it('refuses what cannot be modified, with a catalogued code', () => {
    const { a, tag } = placedVenue();
    expect(a.modify('nope', { quantity: 5 }, 1)).toMatchObject({ ok: false, error: { code: 'ERR_ORDER_UNKNOWN' } });
    expect(a.modify(tag, {}, 1)).toMatchObject({ ok: false, error: { code: 'ERR_ORDER_MODIFY_INVALID' } });
    expect(a.modify(tag, { price: 100 }, 1)).toMatchObject({ ok: false, error: { code: 'ERR_ORDER_MODIFY_INVALID' } }); // MARKET has no price
    expect(a.modify(tag, { triggerPrice: 100 }, 1)).toMatchObject({ ok: false, error: { code: 'ERR_ORDER_MODIFY_INVALID' } });
    a.applyTrades([kiteTrade('T1', 'K1', 4)], 2);
    expect(a.modify(tag, { quantity: 4 }, 3)).toMatchObject({ ok: false, error: { code: 'ERR_ORDER_MODIFY_INVALID' } }); // not above filled
    expect(a.modify(tag, { quantity: 8 }, 3)).toMatchObject({ ok: true });
    a.applyTrades([kiteTrade('T2', 'K1', 6)], 4);
    expect(a.modify(tag, { quantity: 20 }, 5)).toMatchObject({ ok: false, error: { code: 'ERR_ORDER_UNKNOWN' } }); // filled: terminal
  });

  it('the command argument is checked at the boundary', () => {
    expect(modifyArgFrom({ orderId: 'x', price: 100, quantity: null })).toEqual({ ok: true, value: { orderId: 'x', change: { price: 100 } } });
    expect(modifyArgFrom({ orderId: 'x', price: 1.5 })).toMatchObject({ ok: false });
    expect(modifyArgFrom({ orderId: 'x' })).toMatchObject({ ok: false });
    expect(modifyArgFrom({ price: 100 })).toMatchObject({ ok: false });
    expect(modifyArgFrom('x')).toMatchObject({ ok: false });
  });
});
