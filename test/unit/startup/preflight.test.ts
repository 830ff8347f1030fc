// Pre-flight checks on real files, a real LMDB store in a temp dir and a real socket on 127.0.0.1.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../../src/config.js';
import { CATALOGUE, type ErrorCode } from '../../../src/errors.js';
import { EXIT, exitCodeFor, exitCodeForAll } from '../../../src/startup/exit-codes.js';
import { preflight, type StartupProblem } from '../../../src/startup/preflight.js';
import { parseInstrumentsCsv } from '../../../src/domain/instruments/index.js';
import { registryWrites } from '../../../src/services/instrument-registry/records.js';
import { openStore } from '../../../src/store/lmdb.js';
import { tempDir } from '../../support/system.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function dir(): string {
  const d = tempDir('ap-preflight-');
  cleanups.push(d.cleanup);
  return d.path;
}

function config(env: Record<string, string>): AppConfig {
  const r = loadConfig({ argv: [], env, cwd: process.cwd() });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const run = (env: Record<string, string>): Promise<StartupProblem[]> =>
  preflight({ config: config(env), cwd: process.cwd(), brokers: ['paper'], nowMs: () => Date.now() });

const codes = (ps: readonly StartupProblem[]): string[] => ps.map((p) => p.error.code);

const MOMENTUM = 'type: momentum\n    broker: paper\n    params: { lookback_periods: 20, threshold: 0.002, position_size: 10 }';

function strategies(d: string, entries: readonly string[]): string {
  const path = join(d, 'strategies.yaml');
  writeFileSync(path, `version: 1\nstrategies:\n${entries.map((e) => `  - ${e}`).join('\n')}\n`);
  return path;
}

async function listen(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return server;
}

describe('pre-flight', () => {
  it('passes the defaults and leaves the port free', async () => {
    const d = dir();
    const server = await listen();
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    expect(codes(await run({ DATA_DIR: d, API__HOST: '127.0.0.1', API__PORT: String(port) }))).toEqual([]);
    // The probe released it: listening again works
    const again = createServer();
    await new Promise<void>((ok, fail) => {
      again.once('error', fail);
      again.listen({ host: '127.0.0.1', port }, ok);
    });
    await new Promise<void>((r) => again.close(() => r()));
  });

  it('reports every problem at once: strategies, unknown token, replay file, busy port', async () => {
    const d = dir();
    const server = await listen();
    const port = (server.address() as { port: number }).port;
    const file = strategies(d, [`id: a\n    instruments: [738561, 999999]\n    ${MOMENTUM}`, `id: b\n    instruments: [738561, 888888]\n    ${MOMENTUM}`]);
    const ps = await run({
      DATA_DIR: d,
      STRATEGIES__FILE: file,
      MARKET_FEED__SOURCE: 'replay',
      MARKET_FEED__REPLAY_FILE: join(d, 'missing.jsonl'),
      API__HOST: '127.0.0.1',
      API__PORT: String(port),
    });
    expect(codes(ps)).toEqual(['ERR_STRATEGY_UNKNOWN_INSTRUMENT', 'ERR_STRATEGY_UNKNOWN_INSTRUMENT', 'ERR_CONFIG_INVALID', 'ERR_API_PORT_BUSY']);
    expect(ps.map((p) => p.error.detail['token'])).toEqual([999999, 888888, undefined, undefined]);
    expect(ps[2]!.error.message).toContain('missing.jsonl');
    expect(ps[3]!.error.message).toContain(`127.0.0.1:${port}`);
    expect(ps[3]!.hint).toContain('API__PORT');
    expect(exitCodeForAll(codes(ps) as ErrorCode[])).toBe(EXIT.config);
  });

  it('reports each strategies-file problem of the loader: bad YAML, unknown type, bad params, duplicate id', async () => {
    const d = dir();
    const bad = join(d, 'bad.yaml');
    writeFileSync(bad, 'strategies: [\n');
    expect(codes(await run({ DATA_DIR: d, STRATEGIES__FILE: bad }))).toEqual(['ERR_STRATEGY_CONFIG']);
    const unknown = strategies(d, ['id: a\n    type: nosuch\n    broker: paper\n    instruments: [738561]\n    params: {}']);
    expect(codes(await run({ DATA_DIR: d, STRATEGIES__FILE: unknown }))).toEqual(['ERR_STRATEGY_UNKNOWN_TYPE']);
    const params = strategies(d, ['id: a\n    type: momentum\n    broker: paper\n    instruments: [738561]\n    params: { lookback_periods: -1 }']);
    const p = await run({ DATA_DIR: d, STRATEGIES__FILE: params });
    expect(codes(p)).toEqual(['ERR_STRATEGY_CONFIG']);
    expect(p[0]!.error.message).toContain('lookback_periods');
    const dup = strategies(d, [`id: a\n    instruments: [738561]\n    ${MOMENTUM}`, `id: a\n    instruments: [256265]\n    ${MOMENTUM}`]);
    const q = await run({ DATA_DIR: d, STRATEGIES__FILE: dup });
    expect(codes(q)).toEqual(['ERR_STRATEGY_CONFIG']);
    expect(q[0]!.error.message).toContain('used by more than one strategy');
    expect(q[0]!.hint).toContain('STRATEGIES__FILE');
  });

  it('checks tokens against the instruments file, and a store path it cannot open is a storage problem', async () => {
    const d = dir();
    const csv = join(d, 'instruments.csv');
    // The default file minus one instrument: a strategy of the defaults that lists it is refused
    const lines = readFileSync('src/defaults/instruments.csv', 'utf8').split('\n').filter((l) => !l.startsWith('738561,'));
    writeFileSync(csv, lines.join('\n'));
    const file = strategies(d, [`id: a\n    instruments: [738561]\n    ${MOMENTUM}`]);
    writeFileSync(join(d, 'not-a-dir'), '');
    const ps = await run({ DATA_DIR: d, STRATEGIES__FILE: file, MARKET_FEED__INSTRUMENTS_FILE: csv, STORE__PATH: join(d, 'not-a-dir', 'lmdb') });
    expect(codes(ps)).toEqual(['ERR_STRATEGY_UNKNOWN_INSTRUMENT', 'ERR_STORE_UNAVAILABLE']);
    expect(ps[0]!.error.message).toContain(csv);
    expect(exitCodeForAll(codes(ps) as ErrorCode[])).toBe(EXIT.config);
    expect(exitCodeFor('ERR_STORE_UNAVAILABLE')).toBe(EXIT.storage);
  });

  it('checks tokens against the registry records when the store has them (the file is not reloaded)', async () => {
    const d = dir();
    // What the registry wrote on an earlier start, from a file without 738561
    const text = readFileSync('src/defaults/instruments.csv', 'utf8').split('\n').filter((l) => !l.startsWith('738561,')).join('\n');
    const db = openStore({ path: join(d, 'lmdb'), durability: 'overlapping' });
    const { puts } = registryWrites(parseInstrumentsCsv(text), 'old.csv', 1);
    await db.transaction(() => {
      for (const p of puts) void db.put(p.key, p.value);
    });
    await db.close();
    // The default file lists 738561, the store does not: refused, with the store named as the source
    const file = strategies(d, [`id: a\n    instruments: [738561, 256265]\n    ${MOMENTUM}`]);
    const ps = await run({ DATA_DIR: d, STRATEGIES__FILE: file });
    expect(codes(ps)).toEqual(['ERR_STRATEGY_UNKNOWN_INSTRUMENT']);
    expect(ps[0]!.error.message).toContain('loaded into the store');
    expect(ps[0]!.hint).toContain('not reloaded');
  });
});

describe('pre-flight: the store cap', () => {
  it('refuses a store already at its cap (STORE__MAP_SIZE_MB) with ERR_STORE_FULL, exit 4 and a hint', async () => {
    const d = dir();
    const db = openStore({ path: join(d, 'lmdb'), durability: 'nosync' });
    const blob = 'x'.repeat(16 * 1024);
    await db.transaction(() => {
      for (let i = 0; i < 150; i++) void db.put(['blob', i], blob);
    });
    await db.close();
    const server = await listen();
    const port = String((server.address() as { port: number }).port);
    await new Promise<void>((r) => server.close(() => r()));
    const full = await run({ DATA_DIR: d, STORE__MAP_SIZE_MB: '1', API__HOST: '127.0.0.1', API__PORT: port });
    expect(codes(full)).toEqual(['ERR_STORE_FULL']);
    expect(full[0]!.error.message).toMatch(/MB in use, cap 1 MB/);
    expect(full[0]!.hint).toMatch(/raise STORE__MAP_SIZE_MB above 3 MB/);
    expect(exitCodeForAll(codes(full) as ErrorCode[])).toBe(EXIT.storage);
    // A cap with room passes
    expect(codes(await run({ DATA_DIR: d, STORE__MAP_SIZE_MB: '64', API__HOST: '127.0.0.1', API__PORT: port }))).toEqual([]);
  });
});

describe('exit codes', () => {
  it('one code per class, and the README table lists exactly them', () => {
    expect(exitCodeFor('ERR_INSTANCE_LOCKED')).toBe(EXIT.locked);
    expect(exitCodeFor('ERR_DATA_DIR')).toBe(EXIT.storage);
    expect(exitCodeFor('ERR_API_PORT_BUSY')).toBe(EXIT.port);
    expect(exitCodeFor('ERR_STRATEGY_UNKNOWN_INSTRUMENT')).toBe(EXIT.config);
    // Every start-up code maps to a start-up class, never to "internal" or "ok"
    const startup = (Object.keys(CATALOGUE) as ErrorCode[]).filter((c) => CATALOGUE[c].category === 'startup');
    expect(startup.filter((c) => exitCodeFor(c) <= EXIT.internal)).toEqual([]);
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- exit-codes:start -->'), readme.indexOf('<!-- exit-codes:end -->'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual(Object.values(EXIT));
  });
});
