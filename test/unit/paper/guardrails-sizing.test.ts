// Guardrails, cash affordability (fees included), max position notional, no shorting, IOC/FOK clamps
import { describe, expect, it } from 'vitest';
import { createPaperBroker, feeFor } from '../../../src/domain/paper/index.js';
import type { TimeInForce } from '../../../src/domain/types.js';
import { errorCode, FRICTIONLESS, fillsOf, input, sig, T0, TOKEN, types, unwrap } from './fixtures.js';

describe('guardrails', () => {
  const cases: [string, Parameters<typeof createPaperBroker>[0], number, number, string][] = [
    ['price below minimum', { minPrice: 101 }, 10, 10_000, 'ERR_PAPER_PRICE_BELOW_MIN'],
    ['price above maximum', { maxPrice: 99.95 }, 10, 10_000, 'ERR_PAPER_PRICE_ABOVE_MAX'],
    ['instrument not allowed', { allowedInstruments: [1, 2] }, 10, 10_000, 'ERR_PAPER_INSTRUMENT_NOT_ALLOWED'],
    ['qty below minimum', { minQuantity: 11 }, 10, 10_000, 'ERR_PAPER_QTY_BELOW_MIN'],
    ['qty zero', {}, 0, 10_000, 'ERR_PAPER_QTY_BELOW_MIN'],
    ['qty above maximum', { maxQuantity: 9 }, 10, 10_000, 'ERR_PAPER_QTY_ABOVE_MAX'],
    ['non-integer qty', {}, 2.5, 10_000, 'ERR_SIGNAL_INVALID'],
  ];
  it.each(cases)('%s ⇒ rejected order with its code', (_name, config, qty, price, code) => {
    const b = createPaperBroker({ ...FRICTIONLESS, ...config });
    const ev = unwrap(b.submit(input(sig({ price }), qty, price), T0));
    expect(types(ev)).toEqual(['order-submitted', 'order-rejected']);
    expect(errorCode(ev)).toBe(code);
    expect(ev[1]).toMatchObject({ order: { status: 'Rejected' } });
    expect(b.cash('s1')).toBe(100_000_000);
  });

  it('passes at the exact bounds', () => {
    const b = createPaperBroker({ ...FRICTIONLESS, minPrice: 100, maxPrice: 100, minQuantity: 10, maxQuantity: 10, allowedInstruments: [TOKEN] });
    expect(fillsOf(unwrap(b.submit(input(sig()), T0)))).toHaveLength(1);
  });
});

describe('cash', () => {
  // 1000 rupees of cash; price 100.00, commission 0.1 %: 9 shares cost 90000 + 90 = 90090 paise
  const config = { slippagePercent: 0, commissionPercent: 0.1, startingCash: 1000 };

  it('charges price·qty + fees on BUY and credits price·qty − fees on SELL', () => {
    const b = createPaperBroker(config);
    const buy = fillsOf(unwrap(b.submit(input(sig({ quantity: 9 })), T0)))[0]!;
    expect(buy.fees).toBe(90);
    expect(b.cash('s1')).toBe(100_000 - 90_000 - 90);
    const sell = fillsOf(unwrap(b.submit(input(sig({ side: 'SELL', quantity: 4, ts: T0 + 1 })), T0 + 1)))[0]!;
    expect(sell.fees).toBe(feeFor(10_000, 4, 1000));
    expect(b.cash('s1')).toBe(100_000 - 90_090 + 40_000 - 40);
    expect(b.held('s1', TOKEN)).toBe(5);
  });

  it.each<[TimeInForce, string | null, number]>([
    ['DAY', 'ERR_PAPER_INSUFFICIENT_CASH', 0],
    ['FOK', 'ERR_PAPER_FOK_UNFILLABLE', 0],
    ['IOC', 'ERR_PAPER_INSUFFICIENT_CASH', 9],
  ])('%s BUY of 10 with cash for 9 ⇒ %s, fills %d', (tif, code, filled) => {
    const b = createPaperBroker(config);
    const ev = unwrap(b.submit(input(sig({ order: { tif } })), T0));
    expect(errorCode(ev)).toBe(code);
    expect(fillsOf(ev).reduce((s, f) => s + f.quantity, 0)).toBe(filled);
    expect(b.cash('s1')).toBeGreaterThanOrEqual(0);
    if (tif === 'IOC') {
      expect(types(ev)).toEqual(['order-submitted', 'fill', 'order-partially-filled', 'order-canceled']);
      expect(ev.at(-1)).toMatchObject({ order: { status: 'Canceled', filledQty: 9, qty: 10 } });
    }
  });

  it('IOC with nothing affordable fails rather than filling 0', () => {
    const b = createPaperBroker({ ...config, startingCash: 50 });
    const ev = unwrap(b.submit(input(sig({ order: { tif: 'IOC' } })), T0));
    expect(types(ev)).toEqual(['order-submitted', 'order-rejected']);
    expect(errorCode(ev)).toBe('ERR_PAPER_INSUFFICIENT_CASH');
  });

  it('cash is per strategy', () => {
    const b = createPaperBroker(config);
    unwrap(b.submit(input(sig({ quantity: 9 })), T0));
    expect(b.cash('s2')).toBe(100_000);
    expect(fillsOf(unwrap(b.submit(input(sig({ strategyId: 's2', quantity: 9 })), T0)))).toHaveLength(1);
  });

  it('a resting BUY that is no longer affordable when it triggers is rejected', () => {
    const b = createPaperBroker(config);
    unwrap(b.submit(input(sig({ quantity: 5, order: { orderType: 'limit', limitPrice: 9_000 } })), T0));
    unwrap(b.submit(input(sig({ quantity: 9, ts: T0 + 1 })), T0 + 1));
    const ev = b.onTick(TOKEN, 8_900, T0 + 2);
    expect(types(ev)).toEqual(['order-rejected']);
    expect(errorCode(ev)).toBe('ERR_PAPER_INSUFFICIENT_CASH');
    expect(ev[0]).toMatchObject({ order: { status: 'Rejected' } });
  });
});

describe('max position notional', () => {
  // cap 5000 rupees at 100.00 ⇒ at most 50 shares held
  const config = { ...FRICTIONLESS, maxPositionNotional: 5000 };

  it.each<[TimeInForce, string | null, number]>([
    ['DAY', 'ERR_PAPER_MAX_NOTIONAL', 0],
    ['FOK', 'ERR_PAPER_FOK_UNFILLABLE', 0],
    ['IOC', 'ERR_PAPER_MAX_NOTIONAL', 10],
  ])('%s BUY of 20 holding 40 ⇒ %s, fills %d', (tif, code, filled) => {
    const b = createPaperBroker(config);
    unwrap(b.submit(input(sig({ quantity: 40, ts: T0 - 1 })), T0 - 1));
    const ev = unwrap(b.submit(input(sig({ quantity: 20, order: { tif } })), T0));
    expect(errorCode(ev)).toBe(code);
    expect(fillsOf(ev).reduce((s, f) => s + f.quantity, 0)).toBe(filled);
  });

  it('a full position cannot grow, but can always be sold', () => {
    const b = createPaperBroker(config);
    unwrap(b.submit(input(sig({ quantity: 50, ts: T0 - 1 })), T0 - 1));
    expect(errorCode(unwrap(b.submit(input(sig({ quantity: 1, order: { tif: 'IOC' } })), T0)))).toBe('ERR_PAPER_MAX_NOTIONAL');
    expect(fillsOf(unwrap(b.submit(input(sig({ side: 'SELL', quantity: 50 })), T0)))).toHaveLength(1);
  });
});

describe('no shorting', () => {
  it.each<[TimeInForce, string, number]>([
    ['DAY', 'ERR_PAPER_NO_POSITION', 0],
    ['FOK', 'ERR_PAPER_FOK_UNFILLABLE', 0],
    ['IOC', 'ERR_PAPER_NO_POSITION', 4],
  ])('%s SELL of 10 holding 4 ⇒ %s, fills %d', (tif, code, filled) => {
    const b = createPaperBroker(FRICTIONLESS);
    unwrap(b.submit(input(sig({ quantity: 4, ts: T0 - 1 })), T0 - 1));
    const ev = unwrap(b.submit(input(sig({ side: 'SELL', order: { tif } })), T0));
    expect(errorCode(ev)).toBe(code);
    expect(fillsOf(ev).reduce((s, f) => s + f.quantity, 0)).toBe(filled);
    expect(b.held('s1', TOKEN)).toBe(4 - filled);
  });

  it('SELL with nothing held fails for every TIF', () => {
    for (const tif of ['DAY', 'IOC', 'FOK'] as const) {
      const b = createPaperBroker(FRICTIONLESS);
      const ev = unwrap(b.submit(input(sig({ side: 'SELL', order: { tif } })), T0));
      expect(types(ev)).toEqual(['order-submitted', 'order-rejected']);
      expect(b.held('s1', TOKEN)).toBe(0);
    }
  });
});
