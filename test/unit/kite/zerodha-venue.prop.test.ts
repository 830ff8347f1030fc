// The zerodha venue (src/services/engine/zerodha-venue.ts), pure: signals become intents whose
// PlaceOrder effects appear only once committed and reconciled; Kite's answers, order states and
// trades fold into our orders and fills; a trade is a fill exactly once, even across restarts; an
// unknown placement outcome is never re-sent by the same process, only after a start-up
// reconciliation proved Kite lacks it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../src/errors.js';
import type { TradingSignal } from '../../../src/domain/types.js';
import { config, INFY, kiteOrder, kiteTrade, signal } from './zerodha-fixtures.js';
import type { KiteOrder } from '../../../src/kite/rest/types.js';
import { createZerodhaAdapter, placeOutcome, UNKNOWN_GIVE_UP_POLLS, type ZerodhaAdapter } from '../../../src/services/engine/zerodha-venue.js';
import type { AdapterEvent } from '../../../src/services/engine/adapter.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

function submit(a: ZerodhaAdapter, s: TradingSignal): readonly AdapterEvent[] {
  const r = a.submit({ signal: s, validatedQty: s.quantity, validatedPrice: 0 }, s.ts);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const fills = (events: readonly AdapterEvent[]) => events.flatMap((e) => (e.type === 'fill' ? [e.fill] : []));

describe('zerodha venue', () => {
  it('sends nothing before the start-up reconciliation nor before the intent is committed', () => {
    const a = createZerodhaAdapter(config, undefined);
    const ev = submit(a, signal(1000));
    expect(ev.map((e) => e.type)).toEqual(['order-submitted']);
    const tag = (ev[0] as { order: { orderId: string } }).order.orderId;
    expect(tag).toMatch(/^ap[0-9a-f]{18}$/);
    expect(a.effects(a.lastIntentSeq)).toEqual([]);
    a.reconcileStart([], [], 1001);
    expect(a.effects(a.lastIntentSeq - 1)).toEqual([]);
    const eff = a.effects(a.lastIntentSeq);
    expect(eff).toEqual([{ kind: 'place', tag, params: expect.objectContaining({ tag, exchange: 'NSE', tradingsymbol: 'INFY', transactionType: 'BUY', orderType: 'MARKET', quantity: 10, product: 'MIS', validity: 'DAY' }) }]);
    a.markSending(eff[0]!);
    expect(a.effects(a.lastIntentSeq)).toEqual([]);
    expect(a.submit({ signal: signal(1000), validatedQty: 10, validatedPrice: 0 }, 1000)).toMatchObject({ ok: false, error: { code: 'ERR_ORDER_DUPLICATE' } });
  });

  it('refuses what Kite cannot take before sending: unknown instrument, FOK, a limit without price', () => {
    const a = createZerodhaAdapter(config, undefined);
    const cases: TradingSignal[] = [signal(1, { token: 999 }), signal(2, { order: { tif: 'FOK' } }), signal(3, { order: { orderType: 'stop' } })];
    for (const s of cases) {
      const ev = submit(a, s);
      expect(ev.map((e) => e.type)).toEqual(['order-rejected']);
      expect(ev[0]).toMatchObject({ error: { code: 'ERR_KITE_BAD_ARGUMENT' } });
    }
    a.reconcileStart([], [], 10);
    expect(a.effects(a.lastIntentSeq)).toEqual([]);
  });

  it('folds the answer, the order state and the trades; a trade is a fill once, also after a restart', () => {
    const a = createZerodhaAdapter(config, undefined);
    const tag = (submit(a, signal(1000))[0] as { order: { orderId: string } }).order.orderId;
    a.reconcileStart([], [], 1000);
    a.markSending(a.effects(1)[0]!);
    expect(a.placed(tag, 'K1', 1001).map((e) => e.type)).toEqual(['order-accepted']);
    const trades = [kiteTrade('T1', 'K1', 4), kiteTrade('T2', 'K1', 6, 157_330)];
    const ev = [...a.applyOrders([kiteOrder('K1', tag, 'COMPLETE', 10)], 1002), ...a.applyTrades(trades, 1002)];
    expect(ev.map((e) => e.type)).toEqual(['fill', 'order-partially-filled', 'fill', 'order-filled']);
    expect(fills(ev).map((f) => [f.tradeId, f.orderId, f.quantity, f.price, f.fillSeq, f.broker])).toEqual([
      ['T1', tag, 4, 157_320, 1, 'zerodha'],
      ['T2', tag, 6, 157_330, 2, 'zerodha'],
    ]);
    // The fill time is Kite's IST stamp: 10:15 IST is 04:45 UTC
    expect(fills(ev)[0]!.ts).toBe(Date.UTC(2026, 11, 2, 4, 45));
    expect(a.applyTrades(trades, 1003)).toEqual([]);
    const b = createZerodhaAdapter(config, JSON.parse(JSON.stringify(a.exportState())));
    expect(b.reconcileStart([kiteOrder('K1', tag, 'COMPLETE', 10)], trades, 1004).events).toEqual([]);
    expect(b.effects(b.lastIntentSeq)).toEqual([]);
    expect(b.liveIntents()).toBe(0);
  });

  it('an unknown outcome is never re-sent: adopted when Kite shows it, else rejected after some polls', () => {
    const a = createZerodhaAdapter(config, undefined);
    const t1 = (submit(a, signal(1))[0] as { order: { orderId: string } }).order.orderId;
    const t2 = (submit(a, signal(2))[0] as { order: { orderId: string } }).order.orderId;
    a.reconcileStart([], [], 3);
    for (const e of a.effects(2)) a.markSending(e);
    const timeout = placeOutcome(appError('ERR_KITE_TIMEOUT', { route: 'POST /orders/{variety}', timeoutMs: 7000 }));
    expect(timeout.kind).toBe('unknown');
    expect(a.placeFailed(t1, timeout, 4)).toEqual([]);
    expect(a.placeFailed(t2, timeout, 4)).toEqual([]);
    expect(a.effects(2)).toEqual([]);
    const adopted = a.applyOrders([kiteOrder('K1', t1, 'OPEN')], 5);
    expect(adopted.map((e) => e.type)).toEqual(['order-accepted']);
    const later: AdapterEvent[] = [];
    for (let i = 1; i < UNKNOWN_GIVE_UP_POLLS; i++) later.push(...a.applyOrders([kiteOrder('K1', t1, 'OPEN')], 6));
    expect(later.map((e) => e.type)).toEqual(['order-rejected']);
    expect(a.effects(2)).toEqual([]);
    expect(a.openOrders().map((o) => o.orderId)).toEqual([t1]);
    // Should Kite show it after all, its trade is reported, never turned into a fill of a rejected order
    expect(a.applyOrders([kiteOrder('K2', t2, 'COMPLETE', 10)], 7)).toEqual([]);
    expect(a.applyTrades([kiteTrade('T9', 'K2', 10)], 7)).toEqual([]);
    expect(a.unappliedTrades()).toEqual(['T9']);
  });

  it('classifies placement failures: refusals reject, throttling is resent, outages are unknown', () => {
    expect(placeOutcome(appError('ERR_KITE_MARGIN', { route: 'r', status: 400, errorType: 'MarginException', reason: 'x' })).kind).toBe('rejected');
    expect(placeOutcome(appError('ERR_KITE_TOKEN', { route: 'r', status: 403, errorType: 'TokenException', reason: 'x' })).kind).toBe('rejected');
    expect(placeOutcome(appError('ERR_KITE_RATE_LIMITED', { route: 'r', status: 429, errorType: 'NetworkException', reason: 'x' })).kind).toBe('not-sent');
    expect(placeOutcome(appError('ERR_CIRCUIT_OPEN', { name: 'kite-rest', retryInMs: 10 })).kind).toBe('not-sent');
    expect(placeOutcome(appError('ERR_KITE_GENERAL', { route: 'r', status: 502, errorType: 'GeneralException', reason: 'x' })).kind).toBe('unknown');
    expect(placeOutcome(new TypeError('fetch failed')).kind).toBe('unknown');
  });

  it('after a crash at any point of the send, a restart sends exactly the intents Kite lacks', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('uncommitted-send', 'sent-lost', 'sent-recorded', 'never-sent'), { minLength: 1, maxLength: 12 }), (fates) => {
        const a = createZerodhaAdapter(config, undefined);
        const tags = fates.map((_, i) => (submit(a, signal(100 + i))[0] as { order: { orderId: string } }).order.orderId);
        a.reconcileStart([], [], 1);
        const kite: KiteOrder[] = [];
        fates.forEach((f, i) => {
          const e = a.effects(a.lastIntentSeq).find((x) => x.tag === tags[i]);
          if (f === 'never-sent' || e === undefined) return;
          a.markSending(e);
          kite.push(kiteOrder(`K${i}`, tags[i]!, 'OPEN'));
          if (f === 'sent-recorded') a.placed(tags[i]!, `K${i}`, 2);
        });
        // What was persisted is the state at some commit: the crash loses nothing committed
        const b = createZerodhaAdapter(config, JSON.parse(JSON.stringify(a.exportState())));
        expect(b.effects(b.lastIntentSeq)).toEqual([]);
        const { report } = b.reconcileStart(kite, [], 3);
        const resent = b.effects(b.lastIntentSeq).map((e) => e.tag).sort();
        const lacking = tags.filter((t) => !kite.some((k) => k.tag === t)).sort();
        expect(resent).toEqual(lacking);
        expect(report.adopted.length).toBe(kite.length);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('the session end forgets finished orders but not the trades of a live one', () => {
    const a = createZerodhaAdapter(config, undefined);
    const done = (submit(a, signal(1))[0] as { order: { orderId: string } }).order.orderId;
    const live = (submit(a, signal(2))[0] as { order: { orderId: string } }).order.orderId;
    a.reconcileStart([], [], 3);
    for (const e of a.effects(2)) a.markSending(e);
    a.placed(done, 'KD', 4);
    a.placed(live, 'KL', 4);
    const trades = [kiteTrade('TD', 'KD', 10), kiteTrade('TL', 'KL', 4)];
    expect(fills(a.applyTrades(trades, 5)).map((f) => f.tradeId)).toEqual(['TD', 'TL']);
    a.endOfDay(6);
    expect(a.openOrders().map((o) => o.orderId)).toEqual([live]);
    // Kite still lists the day's trades: the live order's trade is not applied again
    expect(a.applyTrades([...trades, kiteTrade('TL2', 'KL', 6)], 7).map((e) => e.type)).toEqual(['fill', 'order-filled']);
    expect((a.exportState() as { appliedTrades: unknown }).appliedTrades).toEqual([['TL', live], ['TL2', live]]);
  });

  it('random duplicated and reordered trade reports fill each trade exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), (qtys, picks) => {
        const total = qtys.reduce((x, y) => x + y, 0);
        const a = createZerodhaAdapter(config, undefined);
        const tag = (submit(a, signal(7, { quantity: total }))[0] as { order: { orderId: string } }).order.orderId;
        a.reconcileStart([], [], 8);
        a.markSending(a.effects(1)[0]!);
        a.placed(tag, 'K7', 9);
        const trades = qtys.map((q, i) => kiteTrade(`T${i}`, 'K7', q));
        let state: unknown = a.exportState();
        const seen: string[] = [];
        // Each report is a random window of the trades; every few reports the process restarts
        picks.forEach((p, n) => {
          const v = createZerodhaAdapter(config, state);
          v.reconcileStart([kiteOrder('K7', tag, 'OPEN')], [], 10);
          const window = trades.slice(0, 1 + (p % trades.length));
          seen.push(...fills(v.applyTrades(n % 2 === 0 ? window : [...window].reverse(), 11)).map((f) => f.tradeId));
          state = JSON.parse(JSON.stringify(v.exportState()));
        });
        const last = createZerodhaAdapter(config, state);
        last.reconcileStart([], [], 12);
        seen.push(...fills(last.applyTrades(trades, 12)).map((f) => f.tradeId));
        expect([...seen].sort()).toEqual(trades.map((t) => t.tradeId).sort());
        expect(last.openOrders()).toEqual([]);
      }),
      { seed, numRuns: 200 },
    );
  });
});
