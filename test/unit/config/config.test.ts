import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AppConfigSchema,
  configFailure,
  defaultConfig,
  formatConfigErrors,
  loadConfig,
  redactConfig,
  type AppConfig,
  type ConfigError,
} from '../../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'ap-config-'));
const cwd = '/srv/alpha';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function load(env: Record<string, string> = {}, argv: string[] = []): { config?: AppConfig; errors?: ConfigError[] } {
  const r = loadConfig({ argv, env, cwd });
  return r.ok ? { config: r.value } : { errors: r.error };
}

function mustLoad(env: Record<string, string> = {}, argv: string[] = []): AppConfig {
  const r = load(env, argv);
  if (r.config === undefined) throw new Error(formatConfigErrors(r.errors ?? []));
  return r.config;
}

describe('defaults', () => {
  it('an empty config is valid and has the documented defaults', () => {
    const c = defaultConfig();
    expect(c.brokers.active).toEqual(['paper']);
    expect(c.brokers.paperEnabled).toBe(true);
    expect(c.brokers.zerodhaEnabled).toBe(false);
    expect(c.runtime.tickRingCapacity).toBe(65_536);
    expect(c.runtime.tickRingPolicy).toBe('drop');
    expect(c.runtime.restart).toEqual({ maxRestarts: 3, periodMs: 10_000, backoffBaseMs: 100, backoffMaxMs: 5000 });
    expect(c.store.path).toBe(join('data', 'lmdb'));
    expect(c.feed.market24x7).toBe(true);
    expect(c.feed.ticksPerSecond).toBe(200);
    expect(c.risk).toEqual({ maxPosition: 1000, maxDailyTrades: 50, maxPriceDeviation: 0.1, maxOrderNotional: 5_000_000, dailyLossLimit: 100_000 });
    expect(c.gateway.host).toBe('127.0.0.1');
    expect(c.gateway.port).toBe(8080);
    expect(c.monitor.intervalMs).toBe(5000);
    expect(c.summaryIntervalMs).toBe(5000);
    expect(Object.isFrozen(c.runtime.restart)).toBe(true);
  });

  it('loadConfig with nothing set resolves paths against cwd', () => {
    const c = mustLoad();
    expect(c.app.dataDir).toBe(resolve(cwd, 'data'));
    expect(c.store.path).toBe(resolve(cwd, 'data/lmdb'));
    expect(c.feed.instrumentsFile).toBe(resolve(cwd, 'src/defaults/instruments.csv'));
    expect(c.strategies.file).toBe(resolve(cwd, 'src/defaults/strategies.yaml'));
  });

  it('replay defaults to a blocking tick ring and market hours', () => {
    const c = mustLoad({ MARKET_FEED__SOURCE: 'replay', MARKET_FEED__REPLAY_FILE: 'ticks.jsonl' });
    expect(c.runtime.tickRingPolicy).toBe('block');
    expect(c.feed.market24x7).toBe(false);
    expect(c.feed.replayFile).toBe(resolve(cwd, 'ticks.jsonl'));
  });
});

describe('file loading', () => {
  it('reads YAML via --config and JSON via ALPHA_PANDA_CONFIG', () => {
    const yaml = file('a.yaml', 'risk:\n  maxPosition: 7\ngateway:\n  port: 9000\n');
    const json = file('b.json', JSON.stringify({ risk: { maxDailyTrades: 9 } }));
    const fromYaml = mustLoad({}, ['--config', yaml]);
    expect(fromYaml.risk.maxPosition).toBe(7);
    expect(fromYaml.gateway.port).toBe(9000);
    const fromJson = mustLoad({ ALPHA_PANDA_CONFIG: json });
    expect(fromJson.risk.maxDailyTrades).toBe(9);
    // --config wins over the env var
    expect(mustLoad({ ALPHA_PANDA_CONFIG: json }, [`--config=${yaml}`]).risk.maxDailyTrades).toBe(50);
  });

  it('an empty YAML file is an empty config', () => {
    expect(mustLoad({}, ['--config', file('empty.yml', '')]).risk.maxPosition).toBe(1000);
  });

  it('env wins over the file', () => {
    const yaml = file('c.yaml', 'risk:\n  maxPosition: 7\n  maxDailyTrades: 8\n');
    const c = mustLoad({ RISK__MAX_POSITION: '11' }, ['--config', yaml]);
    expect(c.risk.maxPosition).toBe(11);
    expect(c.risk.maxDailyTrades).toBe(8);
  });

  it('reports unreadable files, bad syntax and a bad --config argument', () => {
    expect(load({}, ['--config', join(dir, 'missing.yaml')]).errors?.[0]?.code).toBe('ERR_CONFIG_FILE');
    expect(load({}, ['--config', file('bad.json', '{ "risk": ')]).errors?.[0]?.message).toMatch(/invalid JSON/);
    expect(load({}, ['--config', file('bad.yaml', 'risk: [1, 2\n')]).errors?.[0]?.message).toMatch(/invalid YAML/);
    expect(load({}, ['--config', file('top.yaml', '- 1\n- 2\n')]).errors?.[0]?.message).toMatch(/mapping/);
    expect(load({}, ['--config', file('x.toml', 'a = 1')]).errors?.[0]?.message).toMatch(/\.json, \.yaml or \.yml/);
    expect(load({}, ['--config']).errors?.[0]?.code).toBe('ERR_CONFIG_FILE');
  });
});

describe('validation', () => {
  it('reports every error at once, with its path and source', () => {
    const yaml = file(
      'many.yaml',
      ['runtime:', '  tickRingCapacity: 1000', 'gateway:', '  port: -1', 'risk:', '  maxPostion: 5', 'colour: blue', ''].join('\n'),
    );
    const errors = load({ ACTIVE_BROKERS: 'paper,bogus', RISK__MAX_DAILY_TRADES: 'lots' }, ['--config', yaml]).errors ?? [];
    const byPath = new Map(errors.map((e) => [e.path, e]));
    expect(byPath.get('runtime.tickRingCapacity')?.message).toMatch(/power of two.*1000/);
    expect(byPath.get('runtime.tickRingCapacity')?.file).toBe(yaml);
    expect(byPath.get('gateway.port')?.message).toMatch(/was -1/);
    expect(byPath.get('risk.maxPostion')?.message).toMatch(/unknown key/);
    expect(byPath.get('colour')?.message).toMatch(/unknown key/);
    expect(byPath.get('brokers.active[1]')?.env).toBe('ACTIVE_BROKERS');
    expect(byPath.get('risk.maxDailyTrades')).toMatchObject({ env: 'RISK__MAX_DAILY_TRADES', message: 'expected a number, was "lots"' });
    expect(errors.length).toBe(6);

    const text = formatConfigErrors(errors);
    for (const e of errors) expect(text).toContain(e.path);
    expect(text.split('\n')[0]).toBe('invalid configuration: 6 errors');
    expect(text).toContain('(from env ACTIVE_BROKERS)');
    expect(configFailure(errors).code).toBe('ERR_CONFIG_INVALID');
  });

  it('cross-field rules run alongside field errors', () => {
    const errors = load({ ACTIVE_BROKERS: 'zerodha', RUNTIME__HEARTBEAT_MS: '-5', MARKET_FEED__SOURCE: 'replay' }).errors ?? [];
    const paths = errors.map((e) => e.path).sort();
    expect(paths).toEqual(['brokers.active', 'feed.replayFile', 'runtime.heartbeatMs', 'zerodha.apiKey', 'zerodha.apiSecret']);
  });

  it('zerodha enabled (not active) still needs credentials, which must not be echoed', () => {
    const errors = load({ ZERODHA__ENABLED: 'true' }).errors ?? [];
    expect(errors.map((e) => e.path).sort()).toEqual(['zerodha.apiKey', 'zerodha.apiSecret']);
    const ok = mustLoad({ ZERODHA__ENABLED: 'true', ZERODHA__API_KEY: 'k', ZERODHA__API_SECRET: 's3cret' });
    expect(ok.brokers.zerodhaEnabled).toBe(true);
    const bad = load({ API__TOKENS: '[{"token":"short","name":"a"}]' }).errors ?? [];
    expect(bad[0]?.path).toBe('gateway.tokens[0].token');
    expect(formatConfigErrors(bad)).not.toContain('short');
    const scoped = load({ API__TOKENS: JSON.stringify([{ token: 'z'.repeat(16), name: 'a', scopes: ['admin'], extra: 1 }]) }).errors ?? [];
    expect(scoped.map((e) => [e.path, e.env])).toEqual([
      ['gateway.tokens[0].scopes[0]', 'API__TOKENS'],
      ['gateway.tokens[0].extra', 'API__TOKENS'],
    ]);
    expect(scoped[0]?.message).toContain('"admin"');
  });

  it('rejects duplicates, inverted ranges and fractional paise', () => {
    const errors = AppConfigSchema.safeParse({
      brokers: { active: ['paper', 'paper'] },
      paper: { minQuantity: 10, maxQuantity: 5, minPrice: 0.005 },
      runtime: { restart: { backoffBaseMs: 500, backoffMaxMs: 100 }, hangTimeoutMs: 150 },
      gateway: { tokens: [{ token: 'a'.repeat(16), name: 'x' }, { token: 'a'.repeat(16), name: 'x' }] },
      feed: { replayFile: 't.jsonl', recordFile: 't.jsonl' },
      app: { logLevel: 'loud' },
    });
    expect(errors.success).toBe(false);
    const paths = (errors.error?.issues ?? []).map((i) => i.path.join('.')).sort();
    expect(paths).toEqual([
      'app.logLevel',
      'brokers.active',
      'feed.recordFile',
      'gateway.tokens.1.name',
      'gateway.tokens.1.token',
      'paper.maxQuantity',
      'paper.minPrice',
      'runtime.hangTimeoutMs',
      'runtime.restart.backoffMaxMs',
    ]);
  });

  it('production without gateway tokens is allowed', () => {
    expect(mustLoad({ ENVIRONMENT: 'production' }).gateway.tokens).toEqual([]);
  });

  it('redactConfig hides credentials and tokens', () => {
    const c = mustLoad({
      ZERODHA__API_KEY: 'key',
      ZERODHA__API_SECRET: 'secret',
      API__TOKENS: JSON.stringify([{ token: 't'.repeat(20), name: 'ops', scopes: ['read', 'trade'] }]),
    });
    const r = redactConfig(c);
    expect(r.zerodha.apiSecret).toBe('[redacted]');
    expect(r.zerodha.accessToken).toBeUndefined();
    expect(r.gateway.tokens[0]).toEqual({ token: '[redacted]', name: 'ops', scopes: ['read', 'trade'] });
    expect(c.zerodha.apiSecret).toBe('secret');
  });
});

describe('cluster', () => {
  it('runs one process unless a node is named; --node wins over CLUSTER__NODE', () => {
    const c = mustLoad().cluster;
    expect([c.node, c.natsUrl, c.placement]).toEqual([undefined, 'nats://127.0.0.1:4222', {}]);
    expect(mustLoad({ CLUSTER__NODE: 'A' }).cluster.node).toBe('A');
    expect(mustLoad({ CLUSTER__NODE: 'A' }, ['--node', 'B']).cluster.node).toBe('B');
    expect(mustLoad({ CLUSTER__PLACEMENT: '{"A":["market-feed"],"B":["*"]}' }).cluster.placement).toEqual({ A: ['market-feed'], B: ['*'] });
  });

  it('refuses a node name that is not a plain word, naming where it came from', () => {
    const r = load({}, ['--node', 'a b']);
    expect(r.errors?.map((e) => e.path)).toEqual(['cluster.node']);
    expect(r.errors?.[0]?.message).toContain('expected 1-32 letters, digits');
  });
});
