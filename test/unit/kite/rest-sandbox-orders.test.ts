// The sandbox order book's matching rules, driven by hand: SL triggers, IOC remainders, partial fills,
// OMS rejections (lot size, tick size), refusals, and the invariants filled + pending + cancelled =
// quantity and positions = fold(trades).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/runtime/clock.js';
import { parseInstrumentsCsv } from '../../../src/domain/instruments/csv-parser.js';
import { BUILTIN_INSTRUMENTS_CSV } from '../../../src/kite/sandbox/rest-server.js';
import { SandboxOrderBook, type SandboxOrderRequest } from '../../../src/kite/sandbox/orders.js';

const INFY = 408065;
const FUT = 12517890;

function book(partialFillQty?: number): { b: SandboxOrderBook; price: (t: number, p: number) => void } {
  const last = new Map<number, number>();
  const b = new SandboxOrderBook({
    instruments: parseInstrumentsCsv(BUILTIN_INSTRUMENTS_CSV).instruments,
    clock: new FakeClock(),
    lastPrice: (t) => last.get(t),
    ...(partialFillQty !== undefined ? { partialFillQty } : {}),
  });
  return {
    b,
    price: (t, p) => {
      last.set(t, p);
      b.onPrice(t, p);
    },
  };
}

const req = (over: Partial<SandboxOrderRequest>): SandboxOrderRequest => ({
  variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transactionType: 'BUY', orderType: 'MARKET', quantity: 10,
  product: 'MIS', validity: 'DAY', price: 0, triggerPrice: 0, disclosedQuantity: 0, tag: null, ...over,
});

function latest(b: SandboxOrderBook, id: string): Record<string, unknown> {
  return b.history(id)!.at(-1)!;
}

function balanced(b: SandboxOrderBook): void {
  for (const o of b.orderList()) {
    const done = ['COMPLETE', 'CANCELLED', 'REJECTED'].includes(String(o['status']));
    if (o['status'] !== 'REJECTED') expect(Number(o['filled_quantity']) + Number(o['pending_quantity']) + Number(o['cancelled_quantity'])).toBe(o['quantity']);
    if (done) expect(o['pending_quantity']).toBe(0);
  }
}

describe('sandbox order book', () => {
  it('SL BUY triggers at the trigger and then rests as its limit; SL-M SELL fills at the triggering price', () => {
    const { b, price } = book();
    price(INFY, 150_000);
    const sl = b.place(req({ orderType: 'SL', triggerPrice: 151_000, price: 151_500 }));
    const slm = b.place(req({ transactionType: 'SELL', orderType: 'SL-M', triggerPrice: 149_000, quantity: 3 }));
    if (!sl.ok || !slm.ok) throw new Error('refused');
    expect(latest(b, sl.value)['status']).toBe('TRIGGER PENDING');
    price(INFY, 150_500);
    expect(latest(b, sl.value)['status']).toBe('TRIGGER PENDING');
    price(INFY, 152_000); // triggers, but 1520 > limit 1515: rests OPEN
    expect(latest(b, sl.value)['status']).toBe('OPEN');
    price(INFY, 151_500);
    expect(latest(b, sl.value)).toMatchObject({ status: 'COMPLETE', average_price: 1515 });
    price(INFY, 148_950);
    expect(latest(b, slm.value)).toMatchObject({ status: 'COMPLETE', average_price: 1489.5, filled_quantity: 3 });
    balanced(b);
  });

  it('partial fills, then IOC cancels what its first price did not fill', () => {
    const { b, price } = book(4);
    const day = b.place(req({ quantity: 10 }));
    const ioc = b.place(req({ orderType: 'LIMIT', price: 150_000, validity: 'IOC', quantity: 10 }));
    if (!day.ok || !ioc.ok) throw new Error('refused');
    price(INFY, 149_900);
    expect(latest(b, day.value)).toMatchObject({ status: 'OPEN', filled_quantity: 4, pending_quantity: 6 });
    expect(latest(b, ioc.value)).toMatchObject({ status: 'CANCELLED', filled_quantity: 4, cancelled_quantity: 6 });
    price(INFY, 150_100);
    price(INFY, 150_200);
    expect(latest(b, day.value)).toMatchObject({ status: 'COMPLETE', filled_quantity: 10 });
    // 4 @ 1499 + 4 @ 1501 + 2 @ 1502 = 15004 / 10 = 1500.4
    expect(latest(b, day.value)['average_price']).toBe(1500.4);
    expect(b.trades(day.value).map((t) => t['quantity'])).toEqual([4, 4, 2]);
    const pos = b.positions().net.find((p) => p['tradingsymbol'] === 'INFY')!;
    expect(pos).toMatchObject({ quantity: 14, buy_quantity: 14, buy_value: 4 * 1499 + 4 * 1501 + 2 * 1502 + 4 * 1499 });
    balanced(b);
  });

  it('the OMS rejects a wrong lot or tick; refusals come back as Kite errors', () => {
    const { b } = book();
    const lot = b.place(req({ exchange: 'NFO', tradingsymbol: 'NIFTY26DECFUT', quantity: 10, product: 'NRML' }));
    if (!lot.ok) throw new Error('refused');
    expect(latest(b, lot.value)).toMatchObject({ status: 'REJECTED', instrument_token: FUT });
    expect(String(latest(b, lot.value)['status_message'])).toContain('lot size 75');
    const tick = b.place(req({ orderType: 'LIMIT', price: 150_003 }));
    if (!tick.ok) throw new Error('refused');
    expect(latest(b, tick.value)['status']).toBe('REJECTED');
    expect(b.place(req({ tradingsymbol: 'NIFTY 50' }))).toMatchObject({ ok: false, refusal: { httpStatus: 400, errorType: 'InputException' } });
    expect(b.place(req({ orderType: 'SL', price: 100 }))).toMatchObject({ ok: false, refusal: { errorType: 'InputException' } });
    expect(b.cancel(lot.value)).toMatchObject({ ok: false, refusal: { httpStatus: 400 } });
    expect(b.modify('nope', { quantity: 1 })).toMatchObject({ ok: false });
    expect(b.trades()).toEqual([]);
  });

  it('a modify below the filled quantity is refused; a type change drops fields the type does not take', () => {
    const { b, price } = book(3);
    const o = b.place(req({ orderType: 'LIMIT', price: 150_000, quantity: 9 }));
    if (!o.ok) throw new Error('refused');
    price(INFY, 149_000);
    expect(b.modify(o.value, { quantity: 3 })).toMatchObject({ ok: false });
    expect(b.modify(o.value, { orderType: 'MARKET' })).toMatchObject({ ok: true });
    expect(latest(b, o.value)).toMatchObject({ order_type: 'MARKET', price: 0, status: 'OPEN', modified: true });
    balanced(b);
  });
});
