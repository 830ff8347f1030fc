// History reads over a large store, measured once by hand (too slow to generate for `npm test`):
//   npm run build && node dist/bench/reads-measure.js [--orders 1000000] [--rounds 20]
// Generates N orders (and a fill per filled order) into a temp LMDB with the real keyspace and
// index writer, starts the real gateway process on it (no trading actors), then times REST pages
// from a client in this process: first, middle and last pages of orders, a strategy page, a
// status-filtered page, and fill pages oldest and newest first. Prints one table (ms per request,
// client-side: request, LMDB read, JSON, loopback, parse) and deletes the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig, type AppConfig } from '../src/config.js';
import { ActorSystem } from '../src/runtime/system.js';
import type { ProcessSpec, SupervisorSpec } from '../src/runtime/tree.js';
import { openStore } from '../src/store/lmdb.js';
import { generateOrderStore, genOrderFacts } from '../test/fixtures/order-store.js';
import { tickRecordTopic } from '../src/services/feed/tick-channel.js';

const TOKEN = 'bench-reads-token-0123456789abcdef';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '20' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write('usage: node dist/bench/reads-measure.js [--orders N] [--rounds R]\n');
    return;
  }
  const orders = Number(values.orders);
  const rounds = Number(values.rounds);
  const dir = mkdtempSync(join(tmpdir(), 'ap-reads-'));
  try {
    const db = openStore({ path: join(dir, 'lmdb'), durability: 'nosync' });
    const g = await generateOrderStore(db, 'paper', orders);
    await db.close();
    process.stdout.write(`generated ${g.orders} orders and ${g.fills} fills in ${(g.ms / 1000).toFixed(1)} s\n`);

    const base = defaultConfig();
    const config: AppConfig = {
      ...base,
      app: { ...base.app, dataDir: dir, logLevel: 'warn' },
      gateway: { ...base.gateway, port: 0, rateLimitPerMinute: 1_000_000, tokens: [{ name: 'bench', token: TOKEN, scopes: ['read'] }] },
    };
    const gateway: ProcessSpec = { kind: 'process', name: 'gateway', module: 'dist/src/gateway/gateway.process.js', restart: 'permanent', needsStore: true, subscribes: [] };
    const root: SupervisorSpec = {
      kind: 'supervisor',
      name: 'root',
      strategy: 'one_for_one',
      restart: 'permanent',
      intensity: { maxRestarts: 3, periodMs: 10_000 },
      backoff: { baseMs: 20, maxMs: 200 },
      children: [gateway],
    };
    let system: ActorSystem | undefined;
    system = new ActorSystem({
      root,
      activeBrokers: ['paper'],
      config,
      runId: 'bench-reads',
      transport: 'ring',
      recordTopics: [tickRecordTopic(1024, 'drop')],
      eventRing: { capacity: 256, slotBytes: 1024 },
      heartbeatMs: 500,
      hangTimeoutMs: 3000,
      startTimeoutMs: 10_000,
      stopDeadlineMs: 2000,
      maxOldGenerationSizeMb: 256,
      logLevel: 'warn',
      store: { path: join(dir, 'lmdb'), durability: 'nosync' },
      nowMs: () => Date.now(),
      random: Math.random,
      processRequests: async (_from: string, command: string): Promise<unknown> => {
        if (command === 'status') return { tree: system!.status(), workers: {}, rings: {}, runId: 'bench-reads', startedAt: Date.now() };
        throw new Error(`ERR_ACTOR_UNKNOWN: no actors in this measurement (${command})`);
      },
    });
    await system.start();
    try {
      const addr = (await system.process('gateway')!.call('address', null)) as { port: number };
      const url = `http://127.0.0.1:${addr.port}`;
      const lastPage = Math.ceil(orders / 50);
      const cases: [string, string][] = [
        ['orders page 1, size 50', '/api/v1/orders?size=50'],
        ['orders middle page, size 50', `/api/v1/orders?size=50&page=${Math.floor(lastPage / 2)}`],
        ['orders last page, size 50', `/api/v1/orders?size=50&page=${lastPage}`],
        ['orders page 1, size 1000', '/api/v1/orders?size=1000'],
        ['orders of a strategy, page 100, size 50', `/api/v1/orders?strategy=${genOrderFacts(1).strategyId}&size=50&page=100`],
        ['orders status=Canceled, size 50 (bounded scan)', '/api/v1/orders?status=Canceled&size=50'],
        ['fills oldest first, size 50', '/api/v1/fills?size=50'],
        ['fills deep (afterSeq = half), size 50', `/api/v1/fills?size=50&afterSeq=${Math.floor(g.fills / 2)}`],
        ['fills newest first, size 50', '/api/v1/fills?order=desc&size=50'],
        ['fills newest first, size 1000', '/api/v1/fills?order=desc&size=1000'],
      ];
      const rows: string[] = [];
      for (const [name, path] of cases) {
        const ms: number[] = [];
        for (let i = 0; i < rounds + 2; i++) {
          const t0 = performance.now();
          const r = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
          const body = (await r.json()) as { ok: boolean; data: { items: unknown[] } };
          if (!body.ok) throw new Error(`${path}: ${JSON.stringify(body)}`);
          if (i >= 2) ms.push(performance.now() - t0);
        }
        ms.sort((a, b) => a - b);
        const q = (p: number): string => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1);
        rows.push(`| ${name} | ${q(0.5)} | ${q(0.9)} | ${ms[ms.length - 1]!.toFixed(1)} |`);
      }
      process.stdout.write(`\n${orders} orders, ${rounds} requests per case (after 2 warm-up), ms per request:\n\n| request | p50 | p90 | max |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`);
    } finally {
      await system.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`reads-measure failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
