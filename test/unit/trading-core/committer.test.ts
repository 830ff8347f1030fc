// CoreCommitter (fused trading core): one LMDB transaction per batch with orders, fills and the
// captured state writes; events published only after the commit, in order, rejections last; state
// captured at batch start; flush() commits state even with nothing queued. Real temp LMDB, no workers.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { createPaperBroker } from '../../../src/domain/paper/index.js';
import type { Fill } from '../../../src/domain/types.js';
import { rootEvent, IdSource, type Envelope } from '../../../src/protocol/envelope.js';
import type { StoredOrder } from '../../../src/protocol/engine.js';
import { OriginBook, type CommitPlan, type WorkItem } from '../../../src/services/engine/plan.js';
import { CoreCommitter } from '../../../src/services/trading-core/committer.js';
import { K } from '../../../src/store/keyspace.js';
import { openStore } from '../../../src/store/lmdb.js';
import { input, sig, T0, unwrap } from '../paper/fixtures.js';

let db: RootDatabase | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  db = undefined;
  dir = undefined;
});
function store(): RootDatabase {
  dir = mkdtempSync(join(tmpdir(), 'ap-core-'));
  db = openStore({ path: dir, durability: 'nosync' });
  return db;
}

const ids = new IdSource('run', 'trading-core', 1);
const envOf = (key: string): Envelope => rootEvent(ids, 'trading-core', T0, { type: 'validated_signal', broker: 'paper', key, data: {} });

interface Published {
  readonly plan: CommitPlan;
  readonly items: readonly WorkItem[];
  readonly rejected: readonly Envelope[];
  /** What the store held when publish ran (proves acknowledge-after-commit). */
  readonly fillsInStore: number;
  readonly state: unknown;
}

function setup(d: RootDatabase) {
  let version = 0;
  const published: Published[] = [];
  const committer = new CoreCommitter({
    db: d,
    durability: 'nosync',
    broker: 'paper',
    origins: new OriginBook(() => null),
    capture: () => [{ kind: 'put', key: ['bench-state'], value: { version: ++version } }],
    publish: (plan, items, rejected) => {
      const fillsInStore = [...d.getRange(K.fillRange('paper', 0))].length;
      published.push({ plan, items, rejected, fillsInStore, state: d.get(['bench-state']) });
    },
  });
  return { committer, published };
}

describe('CoreCommitter', () => {
  it('commits orders, fills and captured state in one batch, then publishes in order (rejections last)', async () => {
    const d = store();
    const { committer, published } = setup(d);
    const b = createPaperBroker();
    committer.add({ parent: envOf('a'), events: unwrap(b.submit(input(sig({ tickSeq: 1 })), T0)) });
    committer.reject(envOf('rejected'));
    committer.add({ parent: envOf('b'), events: unwrap(b.submit(input(sig({ ts: T0 + 1, tickSeq: 2 })), T0 + 1)) });
    expect(committer.pending()).toBe(3);
    await committer.flush();
    expect(published).toHaveLength(1);
    const p = published[0]!;
    expect(p.fillsInStore).toBe(2);
    expect(p.state).toEqual({ version: 1 });
    expect(p.plan.messages.map((m) => m.type)).toEqual(['order_placed', 'order_filled', 'order_placed', 'order_filled']);
    expect(p.plan.messages.filter((m) => m.type === 'order_filled').map((m) => m.data.order.tickSeq)).toEqual([1, 2]);
    expect(p.rejected.map((e) => e.key)).toEqual(['rejected']);
    const fills = [...d.getRange(K.fillRange('paper', 0))].map((e) => e.value as Fill);
    expect(fills.map((f) => f.fillSeq)).toEqual([1, 2]);
    const order = d.get(K.order('paper', fills[0]!.orderId)) as StoredOrder;
    expect(order.status).toBe('Filled');
    expect(order.origin?.eventId).toBe(p.items[0]!.parent!.id);
    expect(committer.stats).toMatchObject({ batches: 1, items: 2, fills: 2, rejected: 1 });
    expect(committer.pending()).toBe(0);
  });

  it('work queued while a commit is in flight goes into exactly one follow-up batch', async () => {
    const d = store();
    const { committer, published } = setup(d);
    const b = createPaperBroker();
    committer.add({ parent: envOf('a'), events: unwrap(b.submit(input(sig()), T0)) });
    // The first batch starts on a microtask; these land while it is committing
    await Promise.resolve();
    await Promise.resolve();
    for (let i = 1; i <= 3; i++) committer.add({ parent: envOf(`x${i}`), events: unwrap(b.submit(input(sig({ ts: T0 + i })), T0 + i)) });
    await committer.flush();
    expect(published.length).toBeGreaterThanOrEqual(2);
    expect(published.reduce((n, p) => n + p.items.length, 0)).toBe(4);
    expect(published.map((p) => p.state)).toEqual(published.map((_, i) => ({ version: i + 1 })));
  });

  it('flush() with nothing queued still commits the captured state', async () => {
    const d = store();
    const { committer, published } = setup(d);
    await committer.flush();
    expect(d.get(['bench-state'])).toEqual({ version: 1 });
    expect(published).toHaveLength(1);
    expect(published[0]!.plan.messages).toEqual([]);
  });
});
