// Property tests over random signal / tick / cancel / session-end sequences
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_TRANSITIONS, type OrderRecord } from '../../../src/domain/order/index.js';
import { createPaperBroker, type PaperBroker, type PaperConfig, type PaperEvent } from '../../../src/domain/paper/index.js';
import type { Fill, OrderType, Side, TimeInForce, TradingSignal } from '../../../src/domain/types.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const STRATEGIES = ['a', 'b'] as const;
const TOKENS = [1, 2] as const;

type Op =
  | { kind: 'submit'; strategy: string; token: number; side: Side; qty: number; type: OrderType; tif: TimeInForce;
      limitOff: number; stopOff: number; tp: number; sl: number; refOff: number }
  | { kind: 'tick'; token: number; price: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'redeliver'; pick: number }
  | { kind: 'eod' };

const price = fc.integer({ min: 1_800, max: 2_200 }).map((x) => x * 5); // 90.00 .. 110.00 on 5-paise ticks
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({
    kind: fc.constant('submit' as const),
    strategy: fc.constantFrom(...STRATEGIES),
    token: fc.constantFrom(...TOKENS),
    side: fc.constantFrom<Side>('BUY', 'SELL'),
    qty: fc.integer({ min: 1, max: 300 }),
    type: fc.constantFrom<OrderType>('market', 'limit', 'stop', 'stop_limit'),
    tif: fc.constantFrom<TimeInForce>('DAY', 'IOC', 'FOK'),
    limitOff: fc.integer({ min: -300, max: 300 }),
    stopOff: fc.integer({ min: -300, max: 300 }),
    tp: fc.constantFrom(0, 0, 50, 200),
    sl: fc.constantFrom(0, 0, 50, 200),
    refOff: fc.integer({ min: -100, max: 100 }),
  }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('tick' as const), token: fc.constantFrom(...TOKENS), price }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'eod' as const }) },
);

const config: fc.Arbitrary<Partial<PaperConfig>> = fc.record({
  slippagePercent: fc.constantFrom(0, 0.05, 0.3),
  commissionPercent: fc.constantFrom(0, 0.1, 1),
  startingCash: fc.constantFrom(5_000, 50_000),
  partialFillProb: fc.constantFrom(0, 0.5, 1),
  maxPartials: fc.constantFrom(1, 3, 5),
  maxPositionNotional: fc.constantFrom(null, 20_000),
});

interface Run {
  readonly events: PaperEvent[];
  readonly perCall: string[];
  readonly signals: TradingSignal[];
  readonly duplicates: number;
}

// Drives a broker through ops; `onCall` may swap the broker (to test restore) between calls
function run(b0: PaperBroker, ops: readonly Op[], swap?: (i: number, b: PaperBroker) => PaperBroker): Run {
  let b = b0;
  let ts = 1_000;
  const events: PaperEvent[] = [];
  const perCall: string[] = [];
  const signals: TradingSignal[] = [];
  const last = new Map<number, number>([[1, 10_000], [2, 10_000]]);
  let duplicates = 0;
  ops.forEach((o, i) => {
    if (swap !== undefined) b = swap(i, b);
    ts += 1_000;
    let out: readonly PaperEvent[] = [];
    switch (o.kind) {
      case 'submit': {
        const ref = last.get(o.token)! + o.refOff * 5;
        const s: TradingSignal = {
          strategyId: o.strategy, token: o.token, side: o.side, quantity: o.qty, price: ref, ts, confidence: 1, metadata: {},
          order: { orderType: o.type, tif: o.tif, limitPrice: ref + o.limitOff * 5, stopPrice: ref + o.stopOff * 5, takeProfitBps: o.tp, stopLossBps: o.sl },
        };
        signals.push(s);
        const r = b.submit({ signal: s, validatedQty: o.qty, validatedPrice: ref }, ts);
        expect(r.ok).toBe(true);
        if (r.ok) out = r.value;
        break;
      }
      case 'tick':
        last.set(o.token, o.price);
        out = b.onTick(o.token, o.price, ts);
        break;
      case 'cancel': {
        const open = b.openOrders();
        const target = open[o.pick % Math.max(1, open.length)];
        if (target !== undefined) {
          const r = b.cancel(target.orderId, ts);
          expect(r.ok).toBe(true);
          if (r.ok) out = r.value;
        }
        break;
      }
      case 'redeliver': {
        const s = signals[o.pick % Math.max(1, signals.length)];
        if (s !== undefined) {
          const r = b.submit({ signal: s, validatedQty: s.quantity, validatedPrice: s.price }, ts);
          expect(r.ok ? 'created' : r.error.code).toBe('ERR_ORDER_DUPLICATE');
          duplicates++;
        }
        break;
      }
      case 'eod':
        out = b.endOfDay(ts);
        break;
    }
    events.push(...out);
    perCall.push(JSON.stringify(out));
    for (const sid of STRATEGIES) {
      expect(b.cash(sid)).toBeGreaterThanOrEqual(0);
      for (const t of TOKENS) expect(b.held(sid, t)).toBeGreaterThanOrEqual(0);
    }
  });
  return { events, perCall, signals, duplicates };
}

describe('paper broker invariants', () => {
  it('cash and held never negative; Σ fills ≤ order qty; ledger equals the fold of emitted fills', () => {
    fc.assert(
      fc.property(config, fc.array(op, { minLength: 1, maxLength: 60 }), (cfg, ops) => {
        const b = createPaperBroker(cfg);
        const { events } = run(b, ops);
        const fills: Fill[] = events.flatMap((e) => (e.type === 'fill' ? [e.fill] : []));
        const start = Math.round((cfg.startingCash ?? 1_000_000) * 100);
        const cash = new Map<string, number>();
        const held = new Map<string, number>();
        const perOrder = new Map<string, number>();
        const orders = new Map<string, OrderRecord>();
        for (const e of events) if ('order' in e) orders.set(e.order.orderId, e.order);
        let prevSeq = 0;
        for (const f of fills) {
          expect(f.quantity).toBeGreaterThan(0);
          expect(Number.isSafeInteger(f.price) && Number.isSafeInteger(f.fees) && f.fees >= 0).toBe(true);
          expect(f.fillSeq).toBeGreaterThan(prevSeq);
          prevSeq = f.fillSeq;
          const c = cash.get(f.strategyId) ?? start;
          cash.set(f.strategyId, f.side === 'BUY' ? c - (f.price * f.quantity + f.fees) : c + (f.price * f.quantity - f.fees));
          const k = `${f.strategyId}|${f.token}`;
          held.set(k, (held.get(k) ?? 0) + (f.side === 'BUY' ? f.quantity : -f.quantity));
          perOrder.set(f.orderId, (perOrder.get(f.orderId) ?? 0) + f.quantity);
        }
        expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
        for (const sid of STRATEGIES) {
          expect(b.cash(sid)).toBe(cash.get(sid) ?? start);
          for (const t of TOKENS) expect(b.held(sid, t)).toBe(held.get(`${sid}|${t}`) ?? 0);
        }
        for (const [id, q] of perOrder) {
          const o = orders.get(id)!;
          expect(q).toBeLessThanOrEqual(o.qty);
          expect(o.filledQty).toBe(q);
        }
        for (const o of orders.values()) {
          for (let i = 1; i < o.history.length; i++) {
            expect(Object.values(ORDER_TRANSITIONS[o.history[i - 1]!.status])).toContain(o.history[i]!.status);
          }
        }
      }),
      { seed, numRuns: 150 },
    );
  });

  it('redelivered signals never create a second order', () => {
    fc.assert(
      fc.property(config, fc.array(op, { minLength: 1, maxLength: 40 }), (cfg, ops) => {
        const { events, signals } = run(createPaperBroker(cfg), ops);
        const created = events.filter((e) => e.type === 'order-submitted' && e.order.parentOrderId === null);
        expect(created).toHaveLength(signals.length);
        expect(new Set(created.map((e) => ('order' in e ? e.order.signalKey : ''))).size).toBe(signals.length);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('same config and calls ⇒ same events; export/import at a random cut ⇒ identical continuation', () => {
    fc.assert(
      fc.property(config, fc.array(op, { minLength: 1, maxLength: 50 }), fc.nat(), (cfg, ops, cutPick) => {
        const ref = run(createPaperBroker(cfg), ops);
        expect(run(createPaperBroker(cfg), ops).perCall).toEqual(ref.perCall);
        const cut = cutPick % (ops.length + 1);
        const restored = run(createPaperBroker(cfg), ops, (i, b) =>
          i === cut ? createPaperBroker(cfg, JSON.parse(JSON.stringify(b.exportState()))) : b,
        );
        expect(restored.perCall).toEqual(ref.perCall);
      }),
      { seed, numRuns: 80 },
    );
  });
});
