// Instrument registry and auth actors on real workers with a temp LMDB.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type AppConfig } from '../../src/config.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import { openStore } from '../../src/store/lmdb.js';
import { K } from '../../src/store/keyspace.js';
import { createSession, type BrokerSession } from '../../src/domain/auth/session.js';
import type { AuthStatusReport } from '../../src/protocol/auth.js';
import type { LookupResult, RegistryStats } from '../../src/protocol/instrument-registry.js';
import type { Instrument } from '../../src/domain/instruments/index.js';
import { makeSystem, sup, tempDir } from '../support/system.js';
import { startRestSandbox, type RestSandbox } from '../../src/kite/sandbox/rest-server.js';
import { ManualPriceSource } from '../../src/kite/sandbox/price-source.js';

let system: ActorSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const c of cleanups.splice(0)) c();
});

function spec(name: 'instrument-registry' | 'auth', args: Record<string, unknown> = {}): ActorSpec {
  return { kind: 'actor', name, module: `dist/actors/${name}.actor.js`, restart: 'permanent', needsStore: true, publishes: [], subscribes: [], args };
}

async function boot(actor: ActorSpec, config: AppConfig, lmdb: string): Promise<ActorSystem> {
  system = makeSystem(sup('root', [actor]), { config, store: { path: lmdb, durability: 'overlapping' } });
  await system.start();
  return system;
}

const call = (name: string, cmd: string, arg?: unknown) => system!.actor(name)!.control()!.call(cmd, arg);

const CSV = `# test instruments
# instrument_token,tradingsymbol,name,exchange
738561,RELIANCE,RELIANCE INDUSTRIES,NSE
81153,TCS,TATA CONSULTANCY SERVICES,NSE
not-a-token,BAD,BAD ROW,NSE
256265,NIFTY50,NIFTY 50,NSE
`;

describe('instrument-registry actor', () => {
  it('loads the file once into LMDB, serves lookups, and does not reload on the next start', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const file = join(dir.path, 'instruments.csv');
    writeFileSync(file, CSV);
    const base = defaultConfig();
    const config: AppConfig = { ...base, feed: { ...base.feed, instrumentsFile: file } };
    const lmdb = join(dir.path, 'lmdb');

    await boot(spec('instrument-registry'), config, lmdb);
    const stats = (await call('instrument-registry', 'stats')) as RegistryStats;
    expect(stats).toMatchObject({ total: 3, tradable: 2, indices: 1, invalidRows: 1, source: file });
    expect(stats.loadedAt).toBeGreaterThan(0);
    const ws = await system!.actor('instrument-registry')!.workerStatus();
    expect(ws?.errors['ERR_INSTRUMENT_ROW_INVALID']).toBe(1);

    const byToken = (await call('instrument-registry', 'lookup', { token: 738561 })) as LookupResult;
    expect(byToken.ok && byToken.value.tradingsymbol).toBe('RELIANCE');
    const bySymbol = (await call('instrument-registry', 'lookup', { symbol: 'nse:tcs' })) as LookupResult;
    expect(bySymbol.ok && bySymbol.value.token).toBe(81153);
    const bare = (await call('instrument-registry', 'lookup', { symbol: 'NIFTY50' })) as LookupResult;
    expect(bare.ok && bare.value.tradable).toBe(false);
    expect(await call('instrument-registry', 'lookup', { token: 1 })).toEqual({ ok: false, error: { code: 'ERR_INSTRUMENT_UNKNOWN', ref: '1' } });
    const junk = (await call('instrument-registry', 'lookup', 'garbage')) as LookupResult;
    expect(!junk.ok && junk.error.code).toBe('ERR_INSTRUMENT_UNKNOWN');
    const found = (await call('instrument-registry', 'search', { q: 'tata', limit: 5 })) as Instrument[];
    expect(found.map((i) => i.token)).toEqual([81153]);
    const all = (await call('instrument-registry', 'list')) as Instrument[];
    expect(all.map((i) => i.token)).toEqual([738561, 81153, 256265]); // file order
    // The symbol index in LMDB serves other actors directly
    expect(system!.store!.get(K.instrumentSymbol('NSE:RELIANCE'))).toBe(738561);
    await system!.stop();
    system = undefined;

    // The file changes, but the store already has instruments: no reload, same meta timestamp
    writeFileSync(file, `${CSV}2714625,HINDUNILVR,HINDUSTAN UNILEVER,NSE\n`);
    await boot(spec('instrument-registry'), config, lmdb);
    const again = (await call('instrument-registry', 'stats')) as RegistryStats;
    expect(again.loadedAt).toBe(stats.loadedAt);
    expect(again.total).toBe(3);
    const ws2 = await system!.actor('instrument-registry')!.workerStatus();
    expect(ws2?.errors['ERR_INSTRUMENT_ROW_INVALID']).toBeUndefined();
  });
});

describe('auth actor', () => {
  const API_KEY = 'kite-api-key-1234';
  // The session check asks Kite (GET /user/profile): the REST sandbox plays Kite, on 127.0.0.1
  const KNOWN_TOKEN = 'configured-access-token-xyz';
  let kite: RestSandbox | undefined;
  beforeAll(async () => {
    kite = await startRestSandbox({ prices: new ManualPriceSource(), apiKey: API_KEY, accessTokens: [KNOWN_TOKEN] });
  });
  afterAll(async () => {
    await kite?.close();
  });
  const zerodhaConfig = (accessToken?: string): AppConfig => {
    const base = defaultConfig();
    return { ...base, zerodha: { ...base.zerodha, apiKey: API_KEY, apiSecret: 'kite-secret', restRoot: kite!.url, ...(accessToken !== undefined ? { accessToken } : {}) } };
  };

  it('reports paper ready and zerodha unauthenticated without a session, without crash-looping', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    await boot(spec('auth', { brokers: ['paper', 'zerodha'] }), zerodhaConfig(), join(dir.path, 'lmdb'));
    const r = (await call('auth', 'status')) as AuthStatusReport;
    expect(r.brokers['paper']).toMatchObject({ status: 'authenticated', ready: true });
    expect(r.brokers['zerodha']).toMatchObject({ status: 'unauthenticated', ready: false, reason: 'no_session' });
    expect(r.allReady).toBe(false);
    const ws = await system!.actor('auth')!.workerStatus();
    expect(ws?.health).toMatchObject({ status: 'degraded' });
    expect(system!.actor('auth')!.gen).toBe(1);
    expect(system!.actor('auth')!.state).toBe('running');
  });

  it('reports an expired stored session as expired', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const lmdb = join(dir.path, 'lmdb');
    const db = openStore({ path: lmdb, durability: 'overlapping' });
    const old: BrokerSession = createSession({ apiKey: API_KEY, accessToken: 'old-token' }, Date.now() - 3 * 86_400_000);
    await db.put(K.session('zerodha'), old);
    await db.close();
    await boot(spec('auth', { brokers: ['paper', 'zerodha'] }), zerodhaConfig(), lmdb);
    const r = (await call('auth', 'status')) as AuthStatusReport;
    expect(r.brokers['zerodha']).toMatchObject({ status: 'expired', ready: false, reason: 'session_expired' });
  });

  it('creates a session from configured credentials, persists it, never reveals the token, and reuses it', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const lmdb = join(dir.path, 'lmdb');
    const token = KNOWN_TOKEN;
    await boot(spec('auth', { brokers: ['zerodha'] }), zerodhaConfig(token), lmdb);
    const r = (await call('auth', 'status')) as AuthStatusReport;
    expect(r.brokers['zerodha']).toMatchObject({ status: 'authenticated', ready: true, session: { apiKey: '****1234' } });
    expect(r.brokers['paper']).toBeUndefined();
    expect(r.allReady).toBe(true);
    expect(JSON.stringify(r)).not.toContain(token);
    expect(JSON.stringify(await system!.actor('auth')!.control()!.snapshot())).not.toContain(token);
    const stored = system!.store!.get(K.session('zerodha')) as BrokerSession;
    expect(stored.accessToken).toBe(token);
    expect(stored.expiresAt).toBeGreaterThan(Date.now());
    await system!.stop();
    system = undefined;

    await boot(spec('auth', { brokers: ['zerodha'] }), zerodhaConfig(token), lmdb);
    const again = (await call('auth', 'status')) as AuthStatusReport;
    expect(again.brokers['zerodha']).toMatchObject({ status: 'authenticated', session: { createdAt: stored.createdAt } });
  });

  it('reports a token Kite rejects as not ready, while paper stays ready, without crash-looping', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    await boot(spec('auth', { brokers: ['paper', 'zerodha'] }), zerodhaConfig('a-token-kite-never-issued'), join(dir.path, 'lmdb'));
    const r = (await call('auth', 'status')) as AuthStatusReport;
    expect(r.brokers['paper']).toMatchObject({ status: 'authenticated', ready: true });
    expect(r.brokers['zerodha']).toMatchObject({ ready: false });
    expect(JSON.stringify(r.brokers['zerodha'])).toMatch(/token_rejected/);
    expect(system!.actor('auth')!.gen).toBe(1);
  });
});
