// History reads against a large store through the real gateway process: orders and fills generated
// straight into LMDB (the real keyspace and index writer), then REST pages checked for order,
// content and cursor continuity, first and deep. Nothing is asked of any actor. The latency of
// each kind of page is printed (one line), never asserted: bench/reads-measure.ts measures 1 M.
// READS_TEST_ORDERS overrides the size (default 100 000, about 10 s to generate on 2 busy cores).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fill } from '../../src/domain/types.js';
import type { StoredOrder } from '../../src/protocol/engine.js';
import { STATUS_SCAN_LIMIT } from '../../src/services/engine/queries.js';
import { openStore } from '../../src/store/lmdb.js';
import { startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';
import { generateOrderStore, genFill, genOrder, genOrderFacts, type GeneratedStore } from '../fixtures/order-store.js';

const N = Number(process.env['READS_TEST_ORDERS'] ?? 100_000);
let h: Harness;
let g: GeneratedStore;
/** Order number of each fill: fill k belongs to the k-th filled order. */
const fillOrder: number[] = [0];
const latency = new Map<string, number[]>();

beforeAll(async () => {
  // Generated before the system starts: the store is large from the first request on
  h = await startHarness({
    prepareStore: async (path) => {
      const db = openStore({ path, durability: 'nosync' });
      g = await generateOrderStore(db, 'paper', N);
      await db.close();
    },
  });
  for (let i = 1; i <= N; i++) if (genOrderFacts(i).filled) fillOrder.push(i);
}, 180_000);
afterAll(async () => {
  const parts = [...latency].map(([k, v]) => `${k} ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)} ms (max ${Math.max(...v).toFixed(1)})`);
  if (g !== undefined) process.stdout.write(`[gateway-reads] ${N} orders, ${g.fills} fills (generated in ${(g.ms / 1000).toFixed(1)} s); mean REST latency: ${parts.join('; ')}\n`);
  await h?.stop();
});

async function get<T>(kind: string, path: string): Promise<T> {
  const t0 = performance.now();
  const r = await fetch(`${h.base}${path}`, { headers: { Authorization: `Bearer ${TOKENS.reader}` } });
  const body = (await r.json()) as { ok: boolean; data: T; error?: unknown };
  const ms = performance.now() - t0;
  latency.set(kind, [...(latency.get(kind) ?? []), ms]);
  expect(r.status, `${path}: ${JSON.stringify(body.error)}`).toBe(200);
  return body.data;
}

interface OrdersData {
  readonly broker: string;
  readonly items: StoredOrder[];
  readonly total: number;
  readonly page: number;
  readonly size: number;
  readonly scan?: { limit: number; scanned: number; complete: boolean };
}
const numbers = (items: readonly { orderId: string }[]) => items.map((o) => Number(o.orderId.slice('paper-gen-'.length)));
const range = (from: number, count: number, step = -1) => Array.from({ length: count }, (_, k) => from + k * step);

describe(`gateway history reads over ${N} orders`, () => {
  it('pages orders newest first: consecutive pages continue each other, deep pages too', async () => {
    const seen: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const d = await get<OrdersData>('orders page', `/api/v1/orders?page=${page}&size=100`);
      expect(d.total).toBe(N);
      expect(d.page).toBe(page);
      seen.push(...numbers(d.items));
    }
    expect(seen).toEqual(range(N, 300));
    const first = await get<OrdersData>('orders page', '/api/v1/orders?size=1');
    expect(first.items).toEqual([genOrder('paper', N)]);
    const lastPage = Math.ceil(N / 1000);
    const deep = await get<OrdersData>('orders deep page', `/api/v1/orders?page=${lastPage}&size=1000`);
    expect(numbers(deep.items)).toEqual(range(N - (lastPage - 1) * 1000, N - (lastPage - 1) * 1000));
    expect(deep.items.at(-1)).toEqual(genOrder('paper', 1));
    const middle = await get<OrdersData>('orders deep page', `/api/v1/orders?page=${Math.floor(lastPage / 2)}&size=1000`);
    expect(numbers(middle.items)).toEqual(range(N - (Math.floor(lastPage / 2) - 1) * 1000, 1000));
    expect((await get<OrdersData>('orders page', `/api/v1/orders?page=${lastPage + 1}&size=1000`)).items).toEqual([]);
  });

  it('pages one strategy with its exact total, and filters a status over the newest orders', async () => {
    const strategy = genOrderFacts(2).strategyId;
    const want: number[] = [];
    for (let i = N; i >= 1 && want.length < 250; i--) if (genOrderFacts(i).strategyId === strategy) want.push(i);
    const p1 = await get<OrdersData>('orders by strategy', `/api/v1/orders?strategy=${strategy}&size=125`);
    const p2 = await get<OrdersData>('orders by strategy', `/api/v1/orders?strategy=${strategy}&size=125&page=2`);
    expect([...numbers(p1.items), ...numbers(p2.items)]).toEqual(want);
    let total = 0;
    for (let i = 1; i <= N; i++) if (genOrderFacts(i).strategyId === strategy) total++;
    expect(p1.total).toBe(total);

    const inWindow: number[] = [];
    for (let i = N; i > Math.max(0, N - STATUS_SCAN_LIMIT); i--) if (genOrderFacts(i).status === 'Canceled') inWindow.push(i);
    const c1 = await get<OrdersData>('orders by status', '/api/v1/orders?status=Canceled&size=50');
    const c2 = await get<OrdersData>('orders by status', '/api/v1/orders?status=Canceled&size=50&page=2');
    expect([...numbers(c1.items), ...numbers(c2.items)]).toEqual(inWindow.slice(0, 100));
    expect(c1.items.every((o) => o.status === 'Canceled')).toBe(true);
    expect(c1.total).toBe(inWindow.length);
    expect(c1.scan).toEqual({ limit: STATUS_SCAN_LIMIT, scanned: Math.min(N, STATUS_SCAN_LIMIT), complete: N <= STATUS_SCAN_LIMIT });
  });

  it('pages the fill log oldest first by afterSeq and newest first by beforeSeq, without gaps or repeats', async () => {
    type Asc = { items: Fill[]; nextAfterSeq: number | null };
    type Desc = { items: Fill[]; nextBeforeSeq: number | null };
    const fillAt = (seq: number) => genFill('paper', genOrder('paper', fillOrder[seq]!), seq);
    const a1 = await get<Asc>('fills page', '/api/v1/fills?size=500');
    const a2 = await get<Asc>('fills page', `/api/v1/fills?size=500&afterSeq=${a1.nextAfterSeq}`);
    expect([...a1.items, ...a2.items].map((f) => f.fillSeq)).toEqual(range(1, 1000, 1));
    expect(a2.items[499]).toEqual(fillAt(1000));
    const tail = await get<Asc>('fills deep page', `/api/v1/fills?size=1000&afterSeq=${g.fills - 10}`);
    expect(tail.items.map((f) => f.fillSeq)).toEqual(range(g.fills - 9, 10, 1));
    expect(tail.nextAfterSeq).toBeNull();
    const d1 = await get<Desc>('fills newest', '/api/v1/fills?order=desc&size=200');
    const d2 = await get<Desc>('fills newest', `/api/v1/fills?order=desc&size=200&beforeSeq=${d1.nextBeforeSeq}`);
    expect([...d1.items, ...d2.items].map((f) => f.fillSeq)).toEqual(range(g.fills, 400));
    expect(d1.items[0]).toEqual(fillAt(g.fills));
    const oldest = await get<Desc>('fills deep page', '/api/v1/fills?order=desc&size=1000&beforeSeq=11');
    expect(oldest).toMatchObject({ nextBeforeSeq: null });
    expect(oldest.items.map((f) => f.fillSeq)).toEqual(range(10, 10));
    // pages by number, newest first, also continue each other
    const n2 = await get<Desc>('fills newest', '/api/v1/fills?order=desc&size=200&page=2');
    expect(n2.items.map((f) => f.fillSeq)).toEqual(range(g.fills - 200, 200));
  });

  it('never asks an actor for history', () => {
    expect(h.log.calls.filter((c) => c.command === 'orders' || c.command === 'fills')).toEqual([]);
    expect(h.system.process('gateway')!.gen).toBe(1);
  });
});
