// Group commit against a real (temp) LMDB: effects and position in one transaction, publish only
// after the commit, release after publishing, fill-log slots written once; and the read queries.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { isAppError } from '../../../src/errors.js';
import { createAdapter } from '../../../src/services/engine/adapter.js';
import { EngineCommitter, putFillOnce } from '../../../src/services/engine/committer.js';
import { OriginBook } from '../../../src/services/engine/plan.js';
import { lastFillSeq, ordersQueryFrom, queryFills, queryOrders, fillsQueryFrom } from '../../../src/services/engine/queries.js';
import { IdSource, rootEvent } from '../../../src/protocol/envelope.js';
import type { EngineStateRecord, StoredOrder } from '../../../src/protocol/engine.js';
import type { Fill } from '../../../src/domain/types.js';
import { input, sig, T0, unwrap } from '../paper/fixtures.js';

let db: RootDatabase | undefined;
let dir = '';
afterEach(async () => {
  await db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  dir = mkdtempSync(join(tmpdir(), 'ap-commit-'));
  db = openStore({ path: dir, durability: 'nosync' });
  const adapter = createAdapter('paper', { paper: {} }, undefined);
  const log: string[] = [];
  const positionKey = K.position('trading-engine-paper', 'paper.signals.validated');
  const committer = new EngineCommitter(
    {
      db,
      durability: 'nosync',
      broker: 'paper',
      positionKey,
      origins: new OriginBook(() => null),
      snapshot: (): EngineStateRecord => ({ v: 1, broker: 'paper', adapter: adapter.exportState(), lastEodDay: 7 }),
      publish: (plan) => {
        for (const m of plan.messages) {
          // Acknowledge after commit: what is published is already readable from the store
          const committed = m.type === 'order_filled' ? db!.get(K.fill('paper', m.data.fill.fillSeq)) !== undefined : true;
          log.push(`${m.type}:${committed}`);
        }
      },
      release: (seq) => log.push(`release:${seq}`),
    },
    0,
  );
  return { adapter, committer, log, positionKey, db };
}

const ids = new IdSource('r', 'risk', 1);
const env = () => rootEvent(ids, 'risk', T0, { type: 'validated_signal', broker: 'paper', key: 'k', data: {} });

describe('EngineCommitter', () => {
  it('commits orders, fills, state and position together, then publishes and releases in order', async () => {
    const { adapter, committer, log, positionKey, db } = setup();
    const a = committer.enqueue({ parent: env(), events: unwrap(adapter.submit(input(sig()), T0)), position: { epoch: 'r', seq: 1 }, releaseSeq: 1 });
    const b = committer.enqueue({ parent: env(), events: unwrap(adapter.submit(input(sig({ ts: T0 + 1 })), T0 + 1)), position: { epoch: 'r', seq: 2 }, releaseSeq: 2 });
    expect(committer.pending()).toBe(2);
    await Promise.resolve();
    expect(committer.pending()).toBe(2);
    await Promise.all([a, b]);
    expect(log).toEqual(['order_placed:true', 'order_filled:true', 'order_placed:true', 'order_filled:true', 'release:2']);
    expect(db.get(positionKey)).toEqual({ epoch: 'r', seq: 2 });
    const state = db.get(K.engineState('paper')) as EngineStateRecord;
    expect(state.lastEodDay).toBe(7);
    expect(state.adapter).toEqual(adapter.exportState());
    expect(lastFillSeq(db, 'paper')).toBe(2);
    expect(committer.stats).toMatchObject({ batches: 1, items: 2, fills: 2, lastFillSeq: 2 });
    const orders = queryOrders(db, 'paper', ordersQueryFrom({}));
    expect(orders.total).toBe(2);
    expect(orders.orders.map((o: StoredOrder) => o.createdTs)).toEqual([T0 + 1, T0]);
    expect(orders.orders[0]!.origin).not.toBeNull();
  });

  it('a position-less item never moves the stored position back', async () => {
    const { adapter, committer, positionKey, db } = setup();
    await committer.enqueue({ parent: env(), events: unwrap(adapter.submit(input(sig()), T0)), position: { epoch: 'r', seq: 9 }, releaseSeq: 9 });
    await committer.enqueue({ parent: null, events: [], releaseSeq: 3 });
    await committer.idle();
    expect(db.get(positionKey)).toEqual({ epoch: 'r', seq: 9 });
  });

  it('writes a fill-log slot once: the same fill is a no-op, another fill at that seq is refused', async () => {
    const { db } = setup();
    const f: Fill = { tradeId: 'paper-1-1', orderId: 'paper-1', broker: 'paper', strategyId: 's', token: 1, side: 'BUY', quantity: 1, price: 100, fees: 0, ts: T0, fillSeq: 1 };
    await db.transaction(() => putFillOnce(db, 'paper', f));
    await db.transaction(() => putFillOnce(db, 'paper', f));
    let caught: unknown;
    await db.transaction(() => putFillOnce(db, 'paper', { ...f, tradeId: 'paper-2-1' })).catch((e: unknown) => (caught = e));
    expect(isAppError(caught, 'ERR_FILL_INVALID')).toBe(true);
    expect(db.get(K.fill('paper', 1))).toEqual(f);
  });

  it('pages the fill log and filters orders', async () => {
    const { adapter, committer, db } = setup();
    for (let i = 0; i < 5; i++) {
      const s = sig({ ts: T0 + i, strategyId: i % 2 === 0 ? 'even' : 'odd', quantity: 1 });
      void committer.enqueue({ parent: env(), events: unwrap(adapter.submit(input(s), T0 + i)) });
    }
    await committer.idle();
    const p1 = queryFills(db, 'paper', fillsQueryFrom({ limit: 2 }));
    expect(p1.fills.map((f) => f.fillSeq)).toEqual([1, 2]);
    const p3 = queryFills(db, 'paper', fillsQueryFrom({ limit: 2, afterSeq: 4 }));
    expect(p3).toMatchObject({ nextAfterSeq: null });
    expect(p3.fills.map((f) => f.fillSeq)).toEqual([5]);
    const even = queryOrders(db, 'paper', ordersQueryFrom({ strategyId: 'even', limit: 2, offset: 1 }));
    expect(even.total).toBe(3);
    expect(even.orders.map((o) => o.strategyId)).toEqual(['even', 'even']);
    expect(queryOrders(db, 'paper', ordersQueryFrom({ status: 'Canceled' })).total).toBe(0);
    expect(ordersQueryFrom({ limit: 1e9, offset: -3, status: 'Nope' })).toEqual({ limit: 1000, offset: 0 });
  });
});
