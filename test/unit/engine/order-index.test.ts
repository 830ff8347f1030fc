// The order read model against a real (temp) LMDB: dense numbers per broker and per strategy given
// when an order is first stored (updates keep them), a one-time index of a store written before the
// index existed, newest-first pages as key ranges with exact totals, the bounded status filter, and
// newest-first fill pages with a continuous cursor.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { ensureOrderIndex, putOrders, type OrderIndexHead } from '../../../src/services/engine/order-index.js';
import { queryFills, queryFillsNewest, queryOrders, STATUS_SCAN_LIMIT } from '../../../src/services/engine/queries.js';
import { generateOrderStore, genFill, genOrder, genOrderFacts } from '../../fixtures/order-store.js';

let db: RootDatabase | undefined;
let dir = '';
afterEach(async () => {
  await db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function open(): RootDatabase {
  dir = mkdtempSync(join(tmpdir(), 'ap-oidx-'));
  db = openStore({ path: dir, durability: 'nosync' });
  return db;
}

const ids = (n: number, from: number, step = -1) => Array.from({ length: n }, (_, k) => `paper-gen-${from + k * step}`);

describe('order index', () => {
  it('numbers new orders densely per broker and strategy; updates keep their number', async () => {
    const d = open();
    await d.transaction(() => putOrders(d, 'paper', [genOrder('paper', 1), genOrder('paper', 2)]));
    // order 1 again (an update) with a new one: only the new one is numbered
    await d.transaction(() => putOrders(d, 'paper', [{ ...genOrder('paper', 1), status: 'Canceled' }, genOrder('paper', 3)]));
    const head = d.get(K.orderIndexHead('paper')) as OrderIndexHead;
    expect(head.seq).toBe(3);
    expect(d.get(K.orderBySeq('paper', 1))).toEqual(['paper-gen-1', 'Canceled']);
    expect(d.get(K.orderBySeq('paper', 3))).toEqual(['paper-gen-3', genOrderFacts(3).status]);
    const s1 = genOrderFacts(1).strategyId;
    expect(head.byStrategy[s1]).toBe(1);
    const page = queryOrders(d, 'paper', { limit: 10, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.orders.map((o) => o.orderId)).toEqual(['paper-gen-3', 'paper-gen-2', 'paper-gen-1']);
    expect(page.orders[2]!.status).toBe('Canceled');
  });

  it('indexes a store written before the index, oldest first, with the first new order', async () => {
    const d = open();
    // legacy: records only, written out of creation order
    await d.transaction(() => {
      for (const i of [3, 1, 2]) void d.put(K.order('paper', `paper-gen-${i}`), genOrder('paper', i));
    });
    expect(queryOrders(d, 'paper', {}).total).toBe(0);
    // an update of a legacy order comes first in the batch: it keeps the number the one-time pass gives it
    await d.transaction(() => putOrders(d, 'paper', [{ ...genOrder('paper', 2), status: 'Expired' }, genOrder('paper', 4)]));
    const page = queryOrders(d, 'paper', { limit: 10 });
    expect(page.total).toBe(4);
    expect(page.orders.map((o) => o.orderId)).toEqual(ids(4, 4));
    expect(queryOrders(d, 'paper', { status: 'Expired' }).orders.map((o) => o.orderId)).toEqual(['paper-gen-2']);
    // the gateway's start-up pass finds nothing left to do
    expect(await ensureOrderIndex(d, 'paper')).toBe(false);
  });

  it('ensureOrderIndex indexes a legacy store once, and the engine continues the numbering', async () => {
    const d = open();
    expect(await ensureOrderIndex(d, 'paper')).toBe(false);
    await d.transaction(() => {
      for (const i of [2, 1]) void d.put(K.order('paper', `paper-gen-${i}`), genOrder('paper', i));
    });
    expect(await ensureOrderIndex(d, 'paper')).toBe(true);
    expect(await ensureOrderIndex(d, 'paper')).toBe(false);
    await d.transaction(() => putOrders(d, 'paper', [genOrder('paper', 3)]));
    expect(queryOrders(d, 'paper', {}).orders.map((o) => o.orderId)).toEqual(ids(3, 3));
  });

  it('pages newest first with exact totals, per broker and per strategy', async () => {
    const d = open();
    const n = 2_345;
    await generateOrderStore(d, 'paper', n, 500);
    const p1 = queryOrders(d, 'paper', { limit: 100, offset: 0 });
    expect(p1.total).toBe(n);
    expect(p1.orders.map((o) => o.orderId)).toEqual(ids(100, n));
    expect(p1.orders[0]).toEqual(genOrder('paper', n));
    const last = queryOrders(d, 'paper', { limit: 100, offset: 2_300 });
    expect(last.orders.map((o) => o.orderId)).toEqual(ids(45, 45));
    expect(queryOrders(d, 'paper', { limit: 100, offset: n }).orders).toEqual([]);
    // every page of one strategy, concatenated, is that strategy's orders newest first
    const s = genOrderFacts(3).strategyId;
    const want: string[] = [];
    for (let i = n; i >= 1; i--) if (genOrderFacts(i).strategyId === s) want.push(`paper-gen-${i}`);
    const got: string[] = [];
    for (let offset = 0; ; offset += 70) {
      const p = queryOrders(d, 'paper', { strategyId: s, limit: 70, offset });
      expect(p.total).toBe(want.length);
      if (p.orders.length === 0) break;
      got.push(...p.orders.map((o) => o.orderId));
    }
    expect(got).toEqual(want);
    expect(queryOrders(d, 'paper', { strategyId: 'nobody' })).toEqual({ total: 0, offset: 0, orders: [] });
    expect(queryOrders(d, 'zerodha', {})).toEqual({ total: 0, offset: 0, orders: [] });
  });

  it('filters by status over the newest STATUS_SCAN_LIMIT orders and says so', async () => {
    const d = open();
    const n = STATUS_SCAN_LIMIT + 1_000;
    await generateOrderStore(d, 'paper', n, 2_000);
    const canceled = queryOrders(d, 'paper', { status: 'Canceled', limit: 5, offset: 2 });
    // Canceled = multiples of 10, newest first; the window is orders n-LIMIT+1..n
    const inWindow: number[] = [];
    for (let i = n; i > n - STATUS_SCAN_LIMIT; i--) if (genOrderFacts(i).status === 'Canceled') inWindow.push(i);
    expect(canceled.total).toBe(inWindow.length);
    expect(canceled.orders.map((o) => o.orderId)).toEqual(inWindow.slice(2, 7).map((i) => `paper-gen-${i}`));
    expect(canceled.scan).toEqual({ limit: STATUS_SCAN_LIMIT, scanned: STATUS_SCAN_LIMIT, complete: false });
    const small = queryOrders(d, 'paper', { status: 'Accepted', strategyId: genOrderFacts(13).strategyId, limit: 1000 });
    expect(small.scan?.complete).toBe(true);
    expect(small.orders.every((o) => o.status === 'Accepted')).toBe(true);
  });

  it('reads the fill log oldest first after a cursor, and newest first before one', async () => {
    const d = open();
    const g = await generateOrderStore(d, 'paper', 500, 100);
    const first = queryFills(d, 'paper', { limit: 10, afterSeq: 0 });
    expect(first.fills.map((f) => f.fillSeq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const newest = queryFillsNewest(d, 'paper', { limit: 10 });
    expect(newest.fills.map((f) => f.fillSeq)).toEqual(Array.from({ length: 10 }, (_, k) => g.fills - k));
    const lastOrder = [...Array(500).keys()].map((k) => 500 - k).find((i) => genOrderFacts(i).filled)!;
    expect(newest.fills[0]).toEqual(genFill('paper', genOrder('paper', lastOrder), g.fills));
    // walking the cursor visits every fill exactly once, newest first
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const p = queryFillsNewest(d, 'paper', { limit: 64, ...(before !== undefined ? { beforeSeq: before } : {}) });
      seen.push(...p.fills.map((f) => f.fillSeq));
      if (p.nextBeforeSeq === null) break;
      before = p.nextBeforeSeq;
    }
    expect(seen).toEqual(Array.from({ length: g.fills }, (_, k) => g.fills - k));
    expect(queryFillsNewest(d, 'paper', { limit: 5, skip: 5 }).fills.map((f) => f.fillSeq)).toEqual([5, 4, 3, 2, 1].map((k) => g.fills - 10 + k));
    expect(queryFillsNewest(d, 'paper', { limit: 5, skip: g.fills })).toEqual({ fills: [], nextBeforeSeq: null });
    expect(queryFillsNewest(d, 'zerodha', {})).toEqual({ fills: [], nextBeforeSeq: null });
  });
});
