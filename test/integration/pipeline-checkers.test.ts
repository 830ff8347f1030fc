// Negative controls for the pipeline checkers (test/support/checkers.ts): on a small consistent
// store they report nothing, and each seeded defect — a lost, duplicated or foreign fill, a fillSeq
// gap, an order disagreeing with its fills, a position or cash that is not the fold, an illegal
// order history, two orders for one signal key, a broken correlation — is reported. No workers.
import { describe, expect, it } from 'vitest';
import { createOrder, applyOrderEvent, applyOrderFill, type OrderRecord } from '../../src/domain/order/order.js';
import { clientOrderIdFor, signalKey, tradeIdFor } from '../../src/domain/order/ids.js';
import { exportState, foldFills } from '../../src/domain/portfolio/index.js';
import { createRiskState, exportRiskState, onFill } from '../../src/domain/risk/index.js';
import type { Fill, Side } from '../../src/domain/types.js';
import type { EventOrigin, StoredOrder } from '../../src/protocol/engine.js';
import {
  CLEAN_FILL_SET,
  correlationChecker,
  fillSetChecker,
  orderChecker,
  positionReplayChecker,
  type StoreDump,
} from '../support/checkers.js';

const CASH = 100_000_000;
const ok = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

let n = 0;
function origin(): EventOrigin {
  n += 1;
  return { eventId: `r1.risk-manager.1.${n}`, correlationId: `r1.strategy-runner.1.${n}`, traceId: `r1.strategy-runner.1.${n}` };
}

/** A filled market order of `qty` at `price` in one fill, and that fill at `fillSeq`. */
function filled(strategyId: string, token: number, side: Side, qty: number, price: number, ts: number, fillSeq: number): { order: StoredOrder; fill: Fill } {
  const key = signalKey({ strategyId, token, side, ts });
  const orderId = clientOrderIdFor('paper', key);
  let o: OrderRecord = createOrder(
    { orderId, clientOrderId: orderId, broker: 'paper', strategyId, token, side, type: 'market', tif: 'DAY', qty, limitPrice: null, stopPrice: null, signalKey: key, parentOrderId: null },
    ts,
  );
  const fees = Math.round((price * qty) / 1000);
  o = ok(applyOrderEvent(o, 'submit', ts));
  o = ok(applyOrderFill(o, qty, price, fees, ts));
  const fill: Fill = { tradeId: tradeIdFor(orderId, 1), orderId, broker: 'paper', strategyId, token, side, quantity: qty, price, fees, ts, fillSeq };
  return { order: { ...o, origin: origin() }, fill };
}

/** A consistent store: 4 fills, portfolio stored 1 fill behind the log, risk fully caught up. */
function store(): StoreDump {
  const legs = [
    filled('momentum', 738561, 'BUY', 10, 250_000, 1_000, 1),
    filled('momentum', 738561, 'SELL', 4, 251_000, 2_000, 2),
    filled('rsi', 81153, 'BUY', 3, 99_500, 3_000, 3),
    filled('rsi', 81153, 'SELL', 3, 98_000, 4_000, 4),
  ];
  const fills = legs.map((l) => l.fill);
  const risk = createRiskState('paper');
  for (const f of fills) onFill(risk, f);
  return {
    broker: 'paper',
    fills,
    orders: legs.map((l) => l.order),
    portfolio: exportState(foldFills(fills.slice(0, 3), { startingCash: CASH })),
    risk: exportRiskState(risk),
    engine: undefined,
  };
}

describe('pipeline checkers', () => {
  it('find nothing wrong in a consistent store, catching the portfolio up like the manager', () => {
    const d = store();
    expect(fillSetChecker({ dump: d, acked: d.fills.map((f) => f.tradeId) })).toEqual(CLEAN_FILL_SET);
    expect(orderChecker(d.orders)).toEqual([]);
    expect(correlationChecker(d.orders)).toEqual([]);
    expect(positionReplayChecker(d, { startingCash: CASH })).toEqual({ caughtUp: 1, portfolio: [], risk: [], cash: [] });
  });

  it('report lost, duplicated and unexpected fills, sequence gaps and order/fill disagreement', () => {
    const d = store();
    const [f1, f2, f3, f4] = d.fills as [Fill, Fill, Fill, Fill];
    const foreign: Fill = { ...f4, tradeId: 'paper-ffff-1', orderId: 'paper-ffff', fillSeq: 5 };
    const r = fillSetChecker({ dump: { ...d, fills: [f1, f3, { ...f3, fillSeq: 3 }, f4, foreign] }, acked: [f1.tradeId, f2.tradeId] });
    expect(r.lost).toEqual([f2.tradeId]);
    expect(r.duplicated).toEqual([`${f3.tradeId} ×2`]);
    expect(r.unexpected).toEqual(['paper-ffff-1 (fillSeq 5)']);
    expect(r.sequence).toEqual(['log position 2 holds fillSeq 3']);
    expect(r.orderMismatch.some((m) => m.startsWith(`${f2.orderId}:`))).toBe(true);
    expect(r.orderMismatch.some((m) => m.startsWith(`${f3.orderId}:`))).toBe(true);
    expect(r.orderMismatch).toContain('fills of unknown order paper-ffff');
  });

  it('report a portfolio or risk state that is not the fold, and a broken cash identity', () => {
    const d = store();
    const p = structuredClone(d.portfolio!) as unknown as { brokers: { strategies: { cash: number; positions: { qty: number }[] }[] }[] };
    p.brokers[0]!.strategies[0]!.cash += 1;
    const bad = positionReplayChecker({ ...d, portfolio: d.portfolio && (p as unknown as typeof d.portfolio) }, { startingCash: CASH });
    expect(bad.portfolio.length).toBe(1);
    expect(bad.cash.length).toBe(1);
    const risk = structuredClone(d.risk!) as unknown as { positions: { qty: number }[] };
    risk.positions[0]!.qty += 1;
    expect(positionReplayChecker({ ...d, risk: risk as unknown as typeof d.risk }, { startingCash: CASH }).risk.length).toBe(1);
    expect(positionReplayChecker({ ...d, portfolio: undefined }, { startingCash: CASH }).portfolio).toEqual(['no stored portfolio state but 4 logged fills']);
  });

  it('report illegal histories, two orders for one signal key, foreign ids and broken correlation', () => {
    const d = store();
    const [a, b] = d.orders as [StoredOrder, StoredOrder];
    const illegal: StoredOrder = { ...a, history: [...a.history, { status: 'Accepted', ts: 9 }], status: 'Accepted' };
    expect(orderChecker([illegal])).toEqual([
      `${a.orderId}: illegal step Filled → Accepted in Initialized → Submitted → Filled → Accepted`,
      `${a.orderId}: status Accepted with 10/10 filled`,
    ]);
    expect(orderChecker([a, { ...b, signalKey: a.signalKey }])).toEqual([
      `signal key ${a.signalKey} has orders ${a.orderId} and ${b.orderId}`,
      `${b.orderId}: expected id ${a.orderId} from signal key ${a.signalKey}`,
    ]);
    const wrong = correlationChecker([{ ...a, origin: { eventId: 'r1.trading-engine-paper.1.0', correlationId: 'r1.risk-manager.1.0', traceId: 'x' } }]);
    expect(wrong).toEqual([
      `${a.orderId}: origin event r1.trading-engine-paper.1.0 is not a risk event`,
      `${a.orderId}: correlation r1.risk-manager.1.0 is not a strategy signal`,
      `${a.orderId}: trace x ≠ correlation r1.risk-manager.1.0`,
    ]);
    expect(correlationChecker([a, { ...b, origin: a.origin }])).toEqual([`${b.orderId} and ${a.orderId} share correlation ${a.origin!.correlationId}`]);
    expect(correlationChecker([{ ...a, origin: null }])).toEqual([`${a.orderId}: no origin`]);
  });
});
