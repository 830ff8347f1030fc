// planBatch: what one engine commit persists and publishes, from real paper-broker events.
import { describe, expect, it } from 'vitest';
import { createPaperBroker } from '../../../src/domain/paper/index.js';
import { OriginBook, planBatch, originOf, type WorkItem } from '../../../src/services/engine/plan.js';
import { rootEvent, IdSource, type Envelope } from '../../../src/protocol/envelope.js';
import type { EventOrigin, StoredOrder } from '../../../src/protocol/engine.js';
import { input, sig, T0, TOKEN, unwrap } from '../paper/fixtures.js';

const ids = new IdSource('run', 'risk', 1);
const envOf = (key: string): Envelope => rootEvent(ids, 'risk', T0, { type: 'validated_signal', broker: 'paper', key, data: {} });

describe('planBatch', () => {
  it('a market BUY: one order (latest record), one fill, order_placed then order_filled with the order after the fill', () => {
    const b = createPaperBroker();
    const env = envOf('s1');
    const item: WorkItem = { parent: env, events: unwrap(b.submit(input(sig()), T0)), position: { epoch: 'run', seq: 3 }, releaseSeq: 3 };
    const plan = planBatch('paper', [item], new OriginBook(() => null));
    expect([...plan.orders.values()].map((o) => [o.status, o.filledQty])).toEqual([['Filled', 10]]);
    expect(plan.fills).toHaveLength(1);
    expect(plan.messages.map((m) => m.type)).toEqual(['order_placed', 'order_filled']);
    const filled = plan.messages[1]!;
    expect(filled.type === 'order_filled' && filled.data.fill).toEqual(plan.fills[0]);
    expect(filled.type === 'order_filled' && filled.data.order.status).toBe('Filled');
    expect(filled.key).toBe(`s1:${TOKEN}:${plan.fills[0]!.orderId}`);
    expect([...plan.orders.values()][0]!.origin).toEqual(originOf(env));
  });

  it('a fill on a later tick carries the origin of the signal that created the order (from the cache or from LMDB)', () => {
    const b = createPaperBroker();
    const env = envOf('s1');
    const first = planBatch('paper', [{ parent: env, events: unwrap(b.submit(input(sig({ order: { orderType: 'limit', limitPrice: 9_000 } })), T0)) }], new OriginBook(() => null));
    const stored = [...first.orders.values()][0]!;
    expect(stored.status).toBe('Accepted');
    expect(first.messages.map((m) => m.type)).toEqual(['order_placed', 'order_placed']);
    const tickEvents = b.onTick(TOKEN, 8_900, T0 + 5);
    // Fresh book (as after a restart): the origin is read back from the stored order
    const fromStore = new OriginBook((id) => (id === stored.orderId ? stored.origin : null));
    const later = planBatch('paper', [{ parent: null, events: tickEvents }], fromStore);
    expect(later.fills).toHaveLength(1);
    expect(later.messages.map((m) => [m.type, m.origin])).toEqual([['order_filled', originOf(env)]]);
    expect([...later.orders.values()][0]!.origin).toEqual(originOf(env));
  });

  it('bracket exits inherit the origin of their entry order', () => {
    const b = createPaperBroker();
    const env = envOf('s1');
    const book = new OriginBook(() => null);
    planBatch('paper', [{ parent: env, events: unwrap(b.submit(input(sig({ order: { takeProfitBps: 100 } })), T0)) }], book);
    const exit = planBatch('paper', [{ parent: null, events: b.onTick(TOKEN, 10_200, T0 + 9) }], book);
    const exitOrder = [...exit.orders.values()][0]!;
    expect(exitOrder.orderId.endsWith('-tp')).toBe(true);
    expect(exitOrder.origin).toEqual(originOf(env));
    expect(exit.messages.map((m) => m.type)).toEqual(['order_placed', 'order_filled']);
  });

  it('rejections and expiries become order_failed with the catalogued code; a user cancel publishes nothing', () => {
    const b = createPaperBroker();
    const book = new OriginBook(() => null);
    const rejected = planBatch('paper', [{ parent: envOf('a'), events: unwrap(b.submit(input(sig({ side: 'SELL' })), T0)) }], book);
    const failed = rejected.messages.filter((m) => m.type === 'order_failed');
    expect(failed.map((m) => m.type === 'order_failed' && [m.data.kind, m.data.code])).toEqual([['rejected', 'ERR_PAPER_NO_POSITION']]);
    const limit = sig({ ts: T0 + 1, order: { orderType: 'limit', limitPrice: 9_000 } });
    planBatch('paper', [{ parent: envOf('b'), events: unwrap(b.submit(input(limit), T0 + 1)) }], book);
    const expired = planBatch('paper', [{ parent: null, events: b.endOfDay(T0 + 10) }], book);
    expect(expired.messages.map((m) => m.type === 'order_failed' && [m.data.kind, m.data.code])).toEqual([['expired', 'ERR_PAPER_EXPIRED']]);
    const third = sig({ ts: T0 + 20, order: { orderType: 'limit', limitPrice: 9_000 } });
    const placed = planBatch('paper', [{ parent: envOf('c'), events: unwrap(b.submit(input(third), T0 + 20)) }], book);
    const id = [...placed.orders.keys()][0]!;
    const canceled = planBatch('paper', [{ parent: null, events: unwrap(b.cancel(id, T0 + 21)) }], book);
    expect(canceled.messages).toEqual([]);
    expect(canceled.orders.get(id)!.status).toBe('Canceled');
  });

  it('keeps only the latest record of an order touched several times in one batch, and evicts finished orders', () => {
    const b = createPaperBroker();
    const cache = new Map<string, EventOrigin>();
    const book = new OriginBook(() => null, cache);
    const a = { parent: envOf('x'), events: unwrap(b.submit(input(sig({ order: { orderType: 'limit', limitPrice: 9_000 } })), T0)) };
    const t = { parent: null, events: b.onTick(TOKEN, 8_000, T0 + 1) };
    const plan = planBatch('paper', [a, t], book);
    expect(plan.orders.size).toBe(1);
    expect([...plan.orders.values()][0]!.status).toBe('Filled');
    expect(cache.size).toBe(1);
    book.evict(plan.orders.values(), (o: StoredOrder) => o.status === 'Filled');
    expect(cache.size).toBe(0);
  });
});
