// tickSeq traceability: the market.ticks seq carried by a signal reaches the order record, the
// stored order and every order event summary (order_placed, order_filled), so a fill can be traced
// back to the tick that caused it (tick-to-fill latency). Orders without one keep their old shape.
import { describe, expect, it } from 'vitest';
import { createPaperBroker } from '../../../src/domain/paper/index.js';
import { OriginBook, planBatch } from '../../../src/services/engine/plan.js';
import { rootEvent, IdSource } from '../../../src/protocol/envelope.js';
import { summarizeOrder } from '../../../src/protocol/engine.js';
import { input, sig, T0, TOKEN, unwrap } from '../paper/fixtures.js';

const ids = new IdSource('run', 'risk', 1);
const parent = rootEvent(ids, 'risk', T0, { type: 'validated_signal', broker: 'paper', key: 's1', data: {} });

describe('tickSeq on orders', () => {
  it('a market order from a signal with tickSeq carries it in the stored order and every event summary', () => {
    const b = createPaperBroker();
    const events = unwrap(b.submit(input(sig({ tickSeq: 4_242 })), T0));
    const plan = planBatch('paper', [{ parent, events }], new OriginBook(() => null));
    expect([...plan.orders.values()].map((o) => o.tickSeq)).toEqual([4_242]);
    expect(plan.messages.map((m) => [m.type, m.data.order.tickSeq])).toEqual([
      ['order_placed', 4_242],
      ['order_filled', 4_242],
    ]);
  });

  it('a resting limit filled on a later tick still reports the tickSeq of its signal', () => {
    const b = createPaperBroker();
    unwrap(b.submit(input(sig({ tickSeq: 7, order: { orderType: 'limit', limitPrice: 9_000 } })), T0));
    const later = planBatch('paper', [{ parent: null, events: b.onTick(TOKEN, 8_900, T0 + 5) }], new OriginBook(() => null));
    const filled = later.messages.find((m) => m.type === 'order_filled');
    expect(filled?.data.order.tickSeq).toBe(7);
  });

  it('tickSeq 0 is kept (not treated as absent) and is not part of the idempotency key', () => {
    const b = createPaperBroker();
    const first = unwrap(b.submit(input(sig({ tickSeq: 0 })), T0));
    const order = first.find((e) => 'order' in e);
    expect(order !== undefined && 'order' in order && summarizeOrder(order.order).tickSeq).toBe(0);
    // Same signal key from a redelivery with another tickSeq is still a duplicate
    const again = b.submit(input(sig({ tickSeq: 99 })), T0);
    expect(again.ok ? 'ok' : again.error.code).toBe('ERR_ORDER_DUPLICATE');
  });

  it('a signal without tickSeq gives orders and summaries without the field (unchanged shape)', () => {
    const b = createPaperBroker();
    const events = unwrap(b.submit(input(sig()), T0));
    const plan = planBatch('paper', [{ parent, events }], new OriginBook(() => null));
    for (const o of plan.orders.values()) expect('tickSeq' in o).toBe(false);
    for (const m of plan.messages) expect('tickSeq' in m.data.order).toBe(false);
  });
});
