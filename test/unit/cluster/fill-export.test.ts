// The fill stream is exactly the fill log (src/cluster/fill-export.ts): which topic carries a
// broker's fills, the message id of a fill's event, and the events of the fills a crash kept out
// of the stream, rebuilt from the log (real temp LMDB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RootDatabase } from 'lmdb';
import { createOrder, type NewOrder } from '../../../src/domain/order/index.js';
import { IdSource } from '../../../src/protocol/envelope.js';
import type { OrderFilledPayload, StoredOrder } from '../../../src/protocol/engine.js';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { fillMsgId, fillSeqOfEvent, fillTopicBroker, missingFillEvents } from '../../../src/cluster/fill-export.js';
import { mkFill } from '../portfolio/fill-factory.js';

const order = (n: number): StoredOrder => {
  const spec: NewOrder = { orderId: `paper-${n}`, clientOrderId: `paper-${n}`, broker: 'paper', strategyId: 's1', token: 7, side: 'BUY', type: 'market', tif: 'DAY', qty: 1, limitPrice: null, stopPrice: null, signalKey: `s1:7:BUY:${n}`, parentOrderId: null };
  return { ...createOrder(spec, n), origin: n === 2 ? { eventId: 'sig-2', correlationId: 'corr-2', traceId: 'trace-2' } : null } as StoredOrder;
};

let dir: string;
let db: RootDatabase;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ap-fillexp-'));
  db = openStore({ path: dir, durability: 'nosync' });
  await db.transaction(() => {
    for (let seq = 1; seq <= 1205; seq++) {
      const o = order(seq);
      void db.put(K.order('paper', o.orderId), o);
      void db.put(K.fill('paper', seq), mkFill({ side: 'BUY', quantity: 1, price: 100 + seq, fillSeq: seq, orderId: o.orderId, strategyId: 's1', token: 7 }));
    }
  });
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fill export', () => {
  it('knows the fill topics and the message id of a fill', () => {
    expect(fillTopicBroker('paper.orders.filled')).toBe('paper');
    expect(fillTopicBroker('zerodha.orders.filled')).toBe('zerodha');
    expect(fillTopicBroker('paper.orders.failed')).toBeUndefined();
    expect(fillTopicBroker('market.ticks')).toBeUndefined();
    expect(fillMsgId(42)).toBe('fill.42');
    expect(fillSeqOfEvent({ type: 'order_filled', data: { fill: { fillSeq: 9 } } })).toBe(9);
    expect(fillSeqOfEvent({ type: 'order_placed', data: { order: {} } })).toBeUndefined();
    expect(fillSeqOfEvent(null)).toBeUndefined();
  });

  it('rebuilds the events of every fill after the stream\'s last, in order, across pages', () => {
    const events = missingFillEvents(db, 'paper', 3, new IdSource('run', 'nats-bridge', 1), 'nats-bridge', 1234);
    expect(events.map(fillSeqOfEvent)).toEqual(Array.from({ length: 1202 }, (_, i) => i + 4));
    const first = events[0]!;
    const data = first.data as OrderFilledPayload;
    expect(first).toMatchObject({ type: 'order_filled', broker: 'paper', key: 's1:7:paper-4', ts: 1234 });
    expect(data.fill).toEqual(db.get(K.fill('paper', 4)));
    expect(data.order).toMatchObject({ orderId: 'paper-4', qty: 1 });
    expect(data.executionMode).toBe('paper');
    expect(missingFillEvents(db, 'paper', 1205, new IdSource('run', 'x', 1), 'x', 0)).toEqual([]);
  });

  it('keeps the correlation of the signal behind the order', () => {
    const [e] = missingFillEvents(db, 'paper', 1, new IdSource('run', 'x', 1), 'x', 0);
    expect(e).toMatchObject({ correlationId: 'corr-2', traceId: 'trace-2', causationId: 'sig-2' });
  });
});
