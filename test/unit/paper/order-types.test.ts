// Every order type × TIF: crossing / non-crossing, triggered / untriggered, rest then fill, expiry
import { describe, expect, it } from 'vitest';
import { createPaperBroker, type PaperBroker } from '../../../src/domain/paper/index.js';
import type { OrderInstructions, Side, TimeInForce } from '../../../src/domain/types.js';
import { errorCode, FRICTIONLESS, fillsOf, input, lastHistory, sig, T0, TOKEN, types, unwrap } from './fixtures.js';

const TIFS: TimeInForce[] = ['DAY', 'IOC', 'FOK'];

// A broker where s1 holds 100 shares bought at 100.00 (so SELL orders have a position)
function brokerWithPosition(): PaperBroker {
  const b = createPaperBroker(FRICTIONLESS);
  unwrap(b.submit(input(sig({ quantity: 100, ts: T0 - 1 })), T0 - 1));
  return b;
}

function submit(b: PaperBroker, side: Side, order: OrderInstructions, ts = T0) {
  return unwrap(b.submit(input(sig({ side, order, ts })), ts));
}

describe('market orders', () => {
  it.each(TIFS)('%s fills immediately at the reference price', (tif) => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = submit(b, 'BUY', { tif });
    expect(types(ev)).toEqual(['order-submitted', 'fill', 'order-filled']);
    expect(fillsOf(ev)[0]).toMatchObject({ quantity: 10, price: 10_000, fees: 0, side: 'BUY', broker: 'paper' });
    expect(lastHistory(ev)).toEqual(['Initialized', 'Submitted', 'Filled']);
  });

  it('uses the last tick price when known, else the validated price, else the signal price', () => {
    const b = createPaperBroker(FRICTIONLESS);
    const r1 = unwrap(b.submit({ signal: sig({ ts: 1 }), validatedQty: 1, validatedPrice: 9_000 }, 1));
    expect(fillsOf(r1)[0]!.price).toBe(9_000);
    const r2 = unwrap(b.submit({ signal: sig({ ts: 2, price: 9_500 }), validatedQty: 1, validatedPrice: 0 }, 2));
    expect(fillsOf(r2)[0]!.price).toBe(9_500);
    b.onTick(TOKEN, 11_000, 3);
    const r3 = unwrap(b.submit({ signal: sig({ ts: 4 }), validatedQty: 1, validatedPrice: 9_000 }, 4));
    expect(fillsOf(r3)[0]!.price).toBe(11_000);
  });

  it('rejects with ERR_PAPER_NO_MARKET when no price is known at all', () => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = unwrap(b.submit({ signal: sig({ price: 0 }), validatedQty: 1, validatedPrice: 0 }, T0));
    expect(errorCode(ev)).toBe('ERR_PAPER_NO_MARKET');
  });
});

describe('limit orders', () => {
  it.each(TIFS)('crossing BUY %s fills at min(market, limit)', (tif) => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = submit(b, 'BUY', { orderType: 'limit', tif, limitPrice: 10_100 });
    expect(fillsOf(ev).map((f) => [f.quantity, f.price])).toEqual([[10, 10_000]]);
    expect(ev.at(-1)!.type).toBe('order-filled');
  });

  it.each(TIFS)('crossing SELL %s fills at max(market, limit)', (tif) => {
    const b = brokerWithPosition();
    const ev = submit(b, 'SELL', { orderType: 'limit', tif, limitPrice: 9_900 });
    expect(fillsOf(ev).map((f) => [f.side, f.quantity, f.price])).toEqual([['SELL', 10, 10_000]]);
  });

  it('limit defaults to the reference price (marketable)', () => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = submit(b, 'BUY', { orderType: 'limit' });
    expect(fillsOf(ev)).toHaveLength(1);
    expect(ev.find((e) => e.type === 'order-filled')).toMatchObject({ order: { limitPrice: 10_000 } });
  });

  it('non-crossing DAY BUY rests (no 0-qty fill) and fills on a later crossing tick', () => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = submit(b, 'BUY', { orderType: 'limit', limitPrice: 9_800 });
    expect(types(ev)).toEqual(['order-submitted', 'order-accepted']);
    expect(fillsOf(ev)).toHaveLength(0);
    expect(b.openOrders()).toHaveLength(1);
    expect(b.onTick(TOKEN, 9_850, T0 + 1)).toEqual([]);
    const later = b.onTick(TOKEN, 9_700, T0 + 2);
    expect(types(later)).toEqual(['fill', 'order-filled']);
    expect(fillsOf(later)[0]).toMatchObject({ price: 9_700, quantity: 10, ts: T0 + 2 });
    expect(lastHistory(later)).toEqual(['Initialized', 'Submitted', 'Accepted', 'Filled']);
    expect(b.openOrders()).toHaveLength(0);
    expect(b.held('s1', TOKEN)).toBe(10);
  });

  it('non-crossing DAY SELL rests and fills when the market rises to it', () => {
    const b = brokerWithPosition();
    expect(types(submit(b, 'SELL', { orderType: 'limit', limitPrice: 10_200 }))).toEqual(['order-submitted', 'order-accepted']);
    expect(b.onTick(TOKEN, 10_150, T0 + 1)).toEqual([]);
    expect(fillsOf(b.onTick(TOKEN, 10_250, T0 + 2))[0]).toMatchObject({ side: 'SELL', price: 10_250 });
    expect(b.held('s1', TOKEN)).toBe(90);
  });

  it('non-crossing IOC and FOK are rejected with their codes', () => {
    const b = createPaperBroker(FRICTIONLESS);
    expect(errorCode(submit(b, 'BUY', { orderType: 'limit', tif: 'IOC', limitPrice: 9_800 }, T0))).toBe('ERR_PAPER_IOC_NO_FILL');
    expect(errorCode(submit(b, 'BUY', { orderType: 'limit', tif: 'FOK', limitPrice: 9_800 }, T0 + 1))).toBe('ERR_PAPER_FOK_UNFILLABLE');
    expect(b.openOrders()).toHaveLength(0);
  });

  it('resting DAY orders expire at session end and never fill afterwards', () => {
    const b = createPaperBroker(FRICTIONLESS);
    const id = submit(b, 'BUY', { orderType: 'limit', limitPrice: 9_800 })[0]!;
    const eod = b.endOfDay(T0 + 1000);
    expect(types(eod)).toEqual(['order-expired']);
    expect(errorCode(eod)).toBe('ERR_PAPER_EXPIRED');
    expect(lastHistory(eod)).toEqual(['Initialized', 'Submitted', 'Accepted', 'Expired']);
    expect(b.onTick(TOKEN, 9_000, T0 + 2000)).toEqual([]);
    expect('order' in id && b.order(id.order.orderId)).toBeUndefined(); // finished orders leave the book at EOD
  });
});

describe('stop orders', () => {
  it.each(TIFS)('BUY stop %s triggered on arrival acts as market', (tif) => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = submit(b, 'BUY', { orderType: 'stop', tif, stopPrice: 9_900 });
    expect(types(ev)).toEqual(['order-submitted', 'order-triggered', 'fill', 'order-filled']);
    expect(fillsOf(ev)[0]!.price).toBe(10_000);
  });

  it.each(['IOC', 'FOK'] as const)('untriggered %s stop is rejected ERR_PAPER_STOP_NOT_TRIGGERED', (tif) => {
    const b = createPaperBroker(FRICTIONLESS);
    expect(errorCode(submit(b, 'BUY', { orderType: 'stop', tif, stopPrice: 10_100 }))).toBe('ERR_PAPER_STOP_NOT_TRIGGERED');
  });

  it('untriggered DAY BUY stop rests, triggers on a later tick and fills at that tick', () => {
    const b = createPaperBroker(FRICTIONLESS);
    expect(types(submit(b, 'BUY', { orderType: 'stop', stopPrice: 10_100 }))).toEqual(['order-submitted', 'order-accepted']);
    expect(b.onTick(TOKEN, 10_050, T0 + 1)).toEqual([]);
    const ev = b.onTick(TOKEN, 10_150, T0 + 2);
    expect(types(ev)).toEqual(['order-triggered', 'fill', 'order-filled']);
    expect(fillsOf(ev)[0]!.price).toBe(10_150);
    expect(lastHistory(ev)).toEqual(['Initialized', 'Submitted', 'Accepted', 'Triggered', 'Filled']);
  });

  it('untriggered DAY SELL stop triggers when the market falls to it', () => {
    const b = brokerWithPosition();
    expect(types(submit(b, 'SELL', { orderType: 'stop', stopPrice: 9_900 }))).toEqual(['order-submitted', 'order-accepted']);
    expect(b.onTick(TOKEN, 9_950, T0 + 1)).toEqual([]);
    expect(fillsOf(b.onTick(TOKEN, 9_880, T0 + 2))[0]).toMatchObject({ side: 'SELL', price: 9_880 });
  });

  it('untriggered DAY stop expires at session end', () => {
    const b = createPaperBroker(FRICTIONLESS);
    submit(b, 'BUY', { orderType: 'stop', stopPrice: 10_100 });
    expect(errorCode(b.endOfDay(T0 + 1))).toBe('ERR_PAPER_EXPIRED');
  });

  it('stop without a stop price is rejected', () => {
    const b = createPaperBroker(FRICTIONLESS);
    expect(errorCode(submit(b, 'BUY', { orderType: 'stop' }))).toBe('ERR_PAPER_MISSING_STOP');
  });
});

describe('stop-limit orders', () => {
  it.each(TIFS)('%s triggered and crossing fills at min(market, limit)', (tif) => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = submit(b, 'BUY', { orderType: 'stop_limit', tif, stopPrice: 9_900, limitPrice: 10_050 });
    expect(types(ev)).toEqual(['order-submitted', 'order-triggered', 'fill', 'order-filled']);
  });

  it('triggered but not crossing: DAY rests in Triggered, IOC / FOK rejected', () => {
    const b = createPaperBroker(FRICTIONLESS);
    const day = submit(b, 'BUY', { orderType: 'stop_limit', stopPrice: 9_900, limitPrice: 9_950 }, T0);
    expect(types(day)).toEqual(['order-submitted', 'order-triggered']);
    expect(b.openOrders()[0]!.status).toBe('Triggered');
    expect(errorCode(submit(b, 'BUY', { orderType: 'stop_limit', tif: 'IOC', stopPrice: 9_900, limitPrice: 9_950 }, T0 + 1))).toBe('ERR_PAPER_IOC_NO_FILL');
    expect(errorCode(submit(b, 'BUY', { orderType: 'stop_limit', tif: 'FOK', stopPrice: 9_900, limitPrice: 9_950 }, T0 + 2))).toBe('ERR_PAPER_FOK_UNFILLABLE');
    const fill = b.onTick(TOKEN, 9_940, T0 + 3);
    expect(types(fill)).toEqual(['fill', 'order-filled']);
    expect(fillsOf(fill)[0]!.price).toBe(9_940);
  });

  it('untriggered DAY rests, triggers without crossing, then fills on a crossing tick', () => {
    const b = createPaperBroker(FRICTIONLESS);
    submit(b, 'BUY', { orderType: 'stop_limit', stopPrice: 10_200, limitPrice: 10_250 });
    expect(b.onTick(TOKEN, 10_100, T0 + 1)).toEqual([]);
    expect(types(b.onTick(TOKEN, 10_300, T0 + 2))).toEqual(['order-triggered']);
    const ev = b.onTick(TOKEN, 10_240, T0 + 3);
    expect(fillsOf(ev)[0]!.price).toBe(10_240);
    expect(lastHistory(ev)).toEqual(['Initialized', 'Submitted', 'Accepted', 'Triggered', 'Filled']);
  });

  it('stop-limit without a limit is rejected ERR_PAPER_MISSING_LIMIT', () => {
    const b = createPaperBroker(FRICTIONLESS);
    expect(errorCode(submit(b, 'BUY', { orderType: 'stop_limit', stopPrice: 9_900 }))).toBe('ERR_PAPER_MISSING_LIMIT');
  });
});

describe('cancel', () => {
  it('cancels a resting order once; finished and unknown orders are refused with codes', () => {
    const b = createPaperBroker(FRICTIONLESS);
    const ev = submit(b, 'BUY', { orderType: 'limit', limitPrice: 9_000 });
    const id = ev[0]!.type === 'order-submitted' ? ev[0]!.order.orderId : '';
    const c = unwrap(b.cancel(id, T0 + 5));
    expect(types(c)).toEqual(['order-canceled']);
    expect(c[0]).toMatchObject({ error: null, order: { status: 'Canceled' } });
    expect(b.onTick(TOKEN, 8_000, T0 + 6)).toEqual([]);
    const again = b.cancel(id, T0 + 7);
    expect(again.ok ? null : again.error.code).toBe('ERR_ORDER_BAD_TRANSITION');
    const unknown = b.cancel('paper-nope', T0 + 7);
    expect(unknown.ok ? null : unknown.error.code).toBe('ERR_ORDER_UNKNOWN');
  });
});
