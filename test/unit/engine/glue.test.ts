// Engine glue without workers: config mapping, payload decoding, adapter registry and restore,
// envelopes (correlation and slot size).
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config.js';
import { isAppError } from '../../../src/errors.js';
import { CATALOGUE } from '../../../src/errors.js';
import { createAdapter, supportedBrokers } from '../../../src/services/engine/adapter.js';
import { calendarFrom, paperConfigFrom, tickSizeOf } from '../../../src/services/engine/config.js';
import { decodeValidated } from '../../../src/services/engine/decode.js';
import { envelopeFor } from '../../../src/services/engine/messages.js';
import { OriginBook, planBatch } from '../../../src/services/engine/plan.js';
import { IdSource, rootEvent } from '../../../src/protocol/envelope.js';
import type { AdapterEvent } from '../../../src/services/engine/adapter.js';
import { input, sig, T0, TOKEN, unwrap } from '../paper/fixtures.js';

const validated = (over: Record<string, unknown> = {}, signal: Record<string, unknown> = {}) => ({
  type: 'validated_signal',
  data: { signal: { ...sig(), ...signal }, validatedQty: 10, validatedPrice: 10_000, checks: {}, ts: T0, ...over },
});

describe('config mapping', () => {
  it('maps AppConfig.paper to PaperConfig with null for unset limits', () => {
    const p = paperConfigFrom(defaultConfig().paper);
    expect(p).toMatchObject({ slippagePercent: 0.05, commissionPercent: 0.1, startingCash: 1_000_000, maxQuantity: null, maxPrice: null, maxPositionNotional: null });
    const set = paperConfigFrom({ ...defaultConfig().paper, maxQuantity: 50, maxPrice: 2500.5, maxPositionNotional: 100_000 });
    expect(set).toMatchObject({ maxQuantity: 50, maxPrice: 2500.5, maxPositionNotional: 100_000 });
    expect(paperConfigFrom(undefined)).toEqual({});
  });
  it('derives the calendar and reads tick sizes defensively', () => {
    expect(calendarFrom(undefined)).toEqual({ market24x7: true, holidays: [] });
    expect(calendarFrom({ source: 'replay', holidays: ['2024-01-26'] })).toEqual({ market24x7: false, holidays: ['2024-01-26'] });
    expect(calendarFrom(defaultConfig().feed).market24x7).toBe(true);
    expect(tickSizeOf({ tickSize: 10 })).toBe(10);
    expect(tickSizeOf({ tickSize: 0 })).toBeUndefined();
    expect(tickSizeOf({ tickSize: 2.5 })).toBeUndefined();
    expect(tickSizeOf(undefined)).toBeUndefined();
  });
});

describe('decodeValidated', () => {
  it('accepts a well-formed validated signal', () => {
    const r = decodeValidated(validated());
    expect(r.ok && r.value.validatedQty).toBe(10);
  });
  it.each([
    ['not an object', 42, 'envelope'],
    ['wrong type', { ...validated(), type: 'trading_signal' }, 'validated_signal'],
    ['fractional price', validated({}, { price: 10.5 }), 'signal.price'],
    ['bad side', validated({}, { side: 'HOLD' }), 'signal.side'],
    ['zero quantity', validated({ validatedQty: 0 }), 'validatedQty'],
    ['unknown order type', validated({}, { order: { orderType: 'iceberg' } }), 'orderType'],
    ['missing signal', { type: 'validated_signal', data: {} }, 'expected'],
  ])('refuses %s', (_name, env, reason) => {
    const r = decodeValidated(env);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.reason).toContain(reason);
  });
});

describe('adapter registry', () => {
  it('refuses unsupported brokers with a startup error naming the supported ones', () => {
    for (const b of ['binance', 42, '__proto__']) {
      let caught: unknown;
      try {
        createAdapter(b, { paper: {} }, undefined);
      } catch (e) {
        caught = e;
      }
      expect(isAppError(caught, 'ERR_BROKER_UNSUPPORTED')).toBe(true);
      expect((caught as Error).message).toBe(`broker "${String(b)}" has no trading-engine adapter; supported: paper, zerodha`);
    }
    // zerodha needs the split engine's I/O shell: without its settings (the fused core) it is refused
    let caught: unknown;
    try {
      createAdapter('zerodha', { paper: {} }, undefined);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'ERR_BROKER_UNSUPPORTED')).toBe(true);
    expect((caught as Error).message).toContain('RUNTIME__TOPOLOGY=split');
    expect(CATALOGUE.ERR_BROKER_UNSUPPORTED.category).toBe('startup');
    expect(supportedBrokers()).toEqual(['paper', 'zerodha']);
  });
  it('a restored paper adapter continues exactly like the original and refuses a replayed signal', () => {
    const a = createAdapter('paper', { paper: {} }, undefined);
    unwrap(a.submit(input(sig({ order: { orderType: 'limit', limitPrice: 9_000 } })), T0));
    const b = createAdapter('paper', { paper: {} }, JSON.parse(JSON.stringify(a.exportState())));
    expect(b.openOrders()).toEqual(a.openOrders());
    expect(b.onTick(TOKEN, 8_900, T0 + 1)).toEqual(a.onTick(TOKEN, 8_900, T0 + 1));
    const again = b.submit(input(sig({ order: { orderType: 'limit', limitPrice: 9_000 } })), T0);
    expect(!again.ok && again.error.code).toBe('ERR_ORDER_DUPLICATE');
  });
  it('refuses a stored state of another schema version', () => {
    expect(() => createAdapter('paper', { paper: {} }, { v: 2 })).toThrow(/schema v2/);
  });
});

describe('envelopes', () => {
  const ids = new IdSource('1a2b3c4d', 'trading-engine-paper', 3);
  const events = (): AdapterEvent[] => [...unwrap(createAdapter('paper', { paper: {} }, undefined).submit(input(sig({ strategyId: 'momentum_breakout_long_v2' })), T0))];
  it('children of the signal; later events keep its correlation with causation at the signal; else roots', () => {
    const parent = rootEvent(new IdSource('1a2b3c4d', 'risk-manager', 1), 'risk-manager', T0, { type: 'validated_signal', broker: 'paper', key: 'k', data: {} });
    const plan = planBatch('paper', [{ parent, events: events() }], new OriginBook(() => null));
    const child = envelopeFor(plan.messages[1]!, parent, 'paper', ids, 'trading-engine-paper', T0);
    expect(child).toMatchObject({ correlationId: parent.correlationId, causationId: parent.id, type: 'order_filled' });
    const linked = envelopeFor(plan.messages[1]!, null, 'paper', ids, 'trading-engine-paper', T0);
    expect(linked).toMatchObject({ correlationId: parent.correlationId, causationId: parent.id, traceId: parent.traceId });
    const orphan = envelopeFor({ ...plan.messages[1]!, origin: null }, null, 'paper', ids, 'trading-engine-paper', T0);
    expect(orphan.causationId).toBeNull();
    expect(orphan.correlationId).toBe(orphan.id);
  });
  it('an order_filled envelope with long names fits a 1 KiB event slot', () => {
    const parent = rootEvent(new IdSource('1a2b3c4d', 'risk-manager', 1), 'risk-manager', T0, { type: 'validated_signal', broker: 'paper', key: 'k', data: {} });
    const plan = planBatch('paper', [{ parent, events: events() }], new OriginBook(() => null));
    for (const m of plan.messages) {
      const bytes = new TextEncoder().encode(JSON.stringify(envelopeFor(m, parent, 'paper', ids, 'trading-engine-paper', T0))).length;
      expect(bytes).toBeLessThan(1000);
    }
  });
});
