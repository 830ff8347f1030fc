// History reads while trading: the real pipeline (every actor, the gateway process) runs on a store
// that already holds a large order history, at 2 000 ticks/s, while two clients page orders and
// fills as fast as they are answered. No actor may restart (a read on a trading thread used to make
// the engine miss its heartbeat: ERR_ACTOR_HUNG), trading goes on, and the new orders head the
// newest page. Latencies are printed, never asserted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorStatus } from '../../src/runtime/child.js';
import type { SupervisorStatus } from '../../src/runtime/supervisor.js';
import { openStore } from '../../src/store/lmdb.js';
import { generateOrderStore } from '../fixtures/order-store.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually, tempDir } from '../support/system.js';
import { freePort } from '../../bench/harness/net.js';

const N = Number(process.env['READS_TEST_ORDERS'] ?? 100_000);
const TOKEN = 'reads-live-token-0123456789abcdef';
const HAMMER_MS = 8_000;
let sys: PipelineHandle | undefined;
const dir = tempDir('ap-reads-live-');
let base = '';


const leaves = (s: SupervisorStatus): ActorStatus[] => s.children.flatMap((c) => (c.kind === 'supervisor' ? leaves(c) : [c as ActorStatus]));

beforeAll(async () => {
  // Orders only: generated fills would be folded into the live portfolio
  const db = openStore({ path: join(dir.path, 'lmdb'), durability: 'nosync' });
  await generateOrderStore(db, 'paper', N, 20_000, false);
  await db.close();
  const port = await freePort();
  sys = await startPipeline(
    {
      API__ENABLED: 'true',
      API__HOST: '127.0.0.1',
      API__PORT: String(port),
      API__RATE_LIMIT_PER_MINUTE: '1000000',
      API__TOKENS: JSON.stringify([{ name: 'reader', token: TOKEN, scopes: ['read'] }]),
      MARKET_FEED__MARKET_24X7: 'true',
      MARKET_FEED__TICKS_PER_SECOND: '2000',
      RISK__MAX_DAILY_TRADES: '100000',
    },
    { dataDir: dir.path },
  );
  base = `http://127.0.0.1:${port}`;
}, 120_000);
afterAll(async () => {
  await sys?.stop();
  dir.cleanup();
});

async function get<T>(path: string): Promise<T> {
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const body = (await r.json()) as { ok: boolean; data: T; error?: unknown };
  expect(r.status, `${path}: ${JSON.stringify(body.error)}`).toBe(200);
  return body.data;
}

describe('history reads during a 2 000 ticks/s run', () => {
  it('pages orders and fills continuously while no actor restarts and trading goes on', async () => {
    const system = sys!.system;
    await eventually(async () => (await get<{ total: number }>('/api/v1/orders?size=1')).total > N, 30_000, 'a first live order');
    const ms: number[] = [];
    const until = Date.now() + HAMMER_MS;
    const client = async (paths: readonly string[]): Promise<void> => {
      for (let i = 0; Date.now() < until; i++) {
        const t0 = performance.now();
        await get(paths[i % paths.length]!);
        ms.push(performance.now() - t0);
      }
    };
    const before = (await get<{ total: number }>('/api/v1/orders?size=1')).total;
    await Promise.all([
      client(['/api/v1/orders?size=1000', '/api/v1/orders?status=Filled&size=1000', `/api/v1/orders?size=1000&page=${Math.floor(N / 2000)}`]),
      client(['/api/v1/fills?order=desc&size=1000', '/api/v1/fills?size=1000', '/api/v1/orders?size=50&page=2']),
    ]);
    const after = await get<{ total: number; items: { orderId: string }[] }>('/api/v1/orders?size=5');
    expect(after.total).toBeGreaterThan(before);
    expect(after.items[0]!.orderId.startsWith('paper-gen-')).toBe(false);
    for (const a of leaves(system.status())) expect({ name: a.name, restarts: a.restarts, gen: a.gen }).toEqual({ name: a.name, restarts: 0, gen: 1 });
    ms.sort((a, b) => a - b);
    process.stdout.write(
      `[gateway-reads-live] ${N} stored orders, ${after.total - before} new orders meanwhile; ${ms.length} pages of up to 1000 in ${HAMMER_MS / 1000} s: p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, p90 ${ms[Math.floor(ms.length * 0.9)]!.toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms\n`,
    );
  });
});
