import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { envBindings, formatConfigErrors, loadConfig, loadProcessConfig, type AppConfig } from '../../../src/config.js';
import { applyDotEnv, projectEnvPrefixes, readEnvOverlay, unknownEnvVars } from '../../../src/config/env.js';

function mustLoad(env: Record<string, string>): AppConfig {
  const r = loadConfig({ argv: [], env, cwd: '/srv' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('env bindings', () => {
  it('every config leaf has a generic name, and the original names are aliases', () => {
    const names = new Map(envBindings().map((b) => [b.path.join('.'), b.names.map((n) => n.name)]));
    expect(names.get('risk.maxPosition')).toEqual(['RISK__MAX_POSITION']);
    expect(names.get('runtime.restart.maxRestarts')).toEqual(['RUNTIME__RESTART__MAX_RESTARTS']);
    expect(names.get('paper.latencyMsMean')).toEqual(['PAPER_TRADING__LATENCY_MS_MEAN']);
    expect(names.get('app.logLevel')).toEqual(['APP__LOG_LEVEL', 'LOGGING__LEVEL', 'LOG_LEVEL']);
    expect(names.get('brokers.zerodhaEnabled')).toEqual(['BROKERS__ZERODHA_ENABLED', 'TRADING__ZERODHA__ENABLED', 'ZERODHA__ENABLED']);
    expect(names.get('gateway.port')).toEqual(['API__PORT']);
    expect(names.get('summaryIntervalMs')).toEqual(['SUMMARY_INTERVAL_MS']);
    expect(names.get('cluster.natsUrl')).toEqual(['CLUSTER__NATS_URL']);
    expect(new Set([...names.keys()].map((k) => k.split('.')[0])).size).toBe(14);
    // Names are unique across bindings, so no env var silently feeds two fields
    const all = envBindings().flatMap((b) => b.names.map((n) => n.name));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('env coercion', () => {
  it('coerces numbers, booleans, enums, comma lists and JSON lists', () => {
    const c = mustLoad({
      API__PORT: ' 9001 ',
      PAPER_TRADING__SLIPPAGE_PERCENT: '0.25',
      TRADING__PAPER__ENABLED: 'No',
      MARKET_FEED__MARKET_24X7: 'off',
      RUNTIME__TRANSPORT: 'PORT',
      ACTIVE_BROKERS: ' paper , Zerodha, ',
      PAPER_TRADING__ALLOWED_INSTRUMENTS: '256265, 260105',
      API__CORS_ORIGINS: '["http://a.test","http://b.test"]',
      MARKET_FEED__HOLIDAYS: '2025-01-26,2025-03-14',
      MARKET_FEED__SEED: '42',
      BROKERS__ZERODHA_ENABLED: 'yes',
      ZERODHA__API_KEY: 'k',
      ZERODHA__API_SECRET: 's',
    });
    expect(c.gateway.port).toBe(9001);
    expect(c.paper.slippagePercent).toBe(0.25);
    expect(c.brokers.paperEnabled).toBe(false);
    expect(c.brokers.zerodhaEnabled).toBe(true);
    expect(c.feed.market24x7).toBe(false);
    expect(c.runtime.transport).toBe('port');
    expect(c.brokers.active).toEqual(['paper', 'zerodha']);
    expect(c.paper.allowedInstruments).toEqual([256265, 260105]);
    expect(c.gateway.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
    expect(c.feed.holidays).toEqual(['2025-01-26', '2025-03-14']);
    expect(c.feed.seed).toBe('42');
  });

  it('parses JSON objects (gateway tokens) and JSON number lists', () => {
    const c = mustLoad({
      API__TOKENS: JSON.stringify([{ token: 'x'.repeat(24), name: 'desk', scopes: ['trade'] }, { token: 'y'.repeat(24), name: 'viewer' }]),
      PAPER_TRADING__ALLOWED_INSTRUMENTS: '[1, 2]',
    });
    expect(c.gateway.tokens).toEqual([
      { token: 'x'.repeat(24), name: 'desk', scopes: ['trade'] },
      { token: 'y'.repeat(24), name: 'viewer', scopes: ['read'] },
    ]);
    expect(c.paper.allowedInstruments).toEqual([1, 2]);
  });

  it('converts the original seconds-based monitoring names to ms', () => {
    const c = mustLoad({
      MONITORING__HEALTH_CHECK_INTERVAL: '2.5',
      MONITORING__STARTUP_GRACE_PERIOD_SECONDS: '10',
      MONITORING__MARKET_DATA_LATENCY_THRESHOLD: '0.25',
    });
    expect(c.monitor.intervalMs).toBe(2500);
    expect(c.monitor.startupGraceMs).toBe(10_000);
    expect(c.monitor.marketDataLatencyThresholdMs).toBe(250);
    // The ms name, being more precise, outranks the seconds alias
    expect(mustLoad({ MONITORING__INTERVAL_MS: '700', MONITORING__HEALTH_CHECK_INTERVAL: '3' }).monitor.intervalMs).toBe(700);
  });

  it('applies alias priority, case-insensitive names, Python log levels; ignores foreign and empty vars', () => {
    expect(mustLoad({ TRADING__ZERODHA__ENABLED: 'false', ZERODHA__ENABLED: 'true' }).brokers.zerodhaEnabled).toBe(false);
    expect(mustLoad({ LOG_LEVEL: 'WARNING', LOGGING__LEVEL: 'debug' }).app.logLevel).toBe('debug');
    expect(mustLoad({ log_level: 'CRITICAL' }).app.logLevel).toBe('fatal');
    expect(mustLoad({ PATH: '/bin', MY_API__X: '1', RISK__MAX_POSITION: '', RISK__NOT_A_FIELD: '' }).risk.maxPosition).toBe(1000);
  });

  it('reports coercion errors with the env name and leaves the value unset', () => {
    const o = readEnvOverlay({ API__PORT: '80x', API__ENABLED: 'maybe', API__TOKENS: '[oops', ZERODHA__API_SECRET: 'n' });
    expect(o.errors.map((e) => [e.path, e.env])).toEqual([
      ['gateway.enabled', 'API__ENABLED'],
      ['gateway.port', 'API__PORT'],
      ['gateway.tokens', 'API__TOKENS'],
    ]);
    expect(o.errors.find((e) => e.env === 'API__TOKENS')?.message).not.toContain('oops');
    expect(o.values).toEqual({ zerodha: { apiSecret: 'n' } });
    expect(o.sources.get('zerodha.apiSecret')).toBe('ZERODHA__API_SECRET');
  });
});

describe('unknown env vars', () => {
  const errorsOf = (env: Record<string, string>): { env?: string; message: string }[] => {
    const r = loadConfig({ argv: [], env, cwd: '/srv' });
    return r.ok ? [] : r.error;
  };

  it('a name under a project prefix that no key reads is an error with the closest name', () => {
    const e = errorsOf({ API__PROT: '8081', market_feed__tick_per_second: '10', RISK__NOT_A_FIELD: 'x', ALPHA_PANDA_CONFG: 'x.yaml', RISK__MAX_POSITION: '5' });
    const by = Object.fromEntries(e.map((x) => [x.env, x.message]));
    expect(Object.keys(by).sort()).toEqual(['ALPHA_PANDA_CONFG', 'API__PROT', 'RISK__NOT_A_FIELD', 'market_feed__tick_per_second']);
    expect(by['API__PROT']).toMatch(/did you mean API__PORT\?/);
    expect(by['market_feed__tick_per_second']).toMatch(/did you mean MARKET_FEED__TICKS_PER_SECOND\?/);
    expect(by['ALPHA_PANDA_CONFG']).toMatch(/did you mean ALPHA_PANDA_CONFIG\?/);
    expect(by['RISK__NOT_A_FIELD']).toMatch(/README "Configuration" lists every name/);
    expect(formatConfigErrors(e as never)).toMatch(/^ {2}- API__PROT: unknown environment variable/m);
  });

  it('every bound name, alias and ALPHA_PANDA_CONFIG is known; prefixes include the aliases\'', () => {
    const env = Object.fromEntries(envBindings().flatMap((b) => b.names.map((n) => [n.name, 'x'])));
    expect(unknownEnvVars({ ...env, ALPHA_PANDA_CONFIG: 'x' }, ['ALPHA_PANDA_CONFIG'])).toEqual([]);
    expect(projectEnvPrefixes()).toEqual(expect.arrayContaining(['API__', 'MARKET_FEED__', 'PAPER_TRADING__', 'LOGGING__', 'TRADING__', 'ALPHA_PANDA_']));
  });

  it('LOG_FORMAT must be pretty or json', () => {
    expect(mustLoad({ LOG_FORMAT: 'JSON' }).app.logLevel).toBe('info');
    expect(errorsOf({ LOG_FORMAT: 'xml' })).toEqual([expect.objectContaining({ env: 'LOG_FORMAT', message: 'expected pretty or json, was "xml"' })]);
  });
});

describe('.env', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dirWith = (text: string | undefined): string => {
    const d = mkdtempSync(join(tmpdir(), 'ap-dotenv-'));
    dirs.push(d);
    if (text !== undefined) writeFileSync(join(d, '.env'), text);
    return d;
  };

  it('fills only unset names (the real environment wins) and reports nothing without a file', () => {
    const dir = dirWith('# local settings\nAPI__PORT=8081\nRISK__MAX_POSITION=7\nexport MARKET_FEED__SEED="a b"\n');
    const env: Record<string, string | undefined> = { RISK__MAX_POSITION: '9' };
    const r = applyDotEnv(env, dir);
    expect(r.ok && r.value !== undefined ? [...r.value.names].sort() : null).toEqual(['API__PORT', 'MARKET_FEED__SEED']);
    expect(env).toEqual({ RISK__MAX_POSITION: '9', API__PORT: '8081', MARKET_FEED__SEED: 'a b' });
    expect(applyDotEnv({}, dirWith(undefined))).toEqual({ ok: true, value: undefined });
  });

  it('loadProcessConfig applies it and points errors about its names at the file', () => {
    const dir = dirWith('API__PORT=8081\nAPI__PROT=1\nRISK__MAX_POSITION=many\n');
    const env: Record<string, string | undefined> = { API__ENABLED: 'false' };
    const r = loadProcessConfig({ argv: [], env, cwd: dir });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : formatConfigErrors(r.error);
    expect(text).toContain(`API__PROT: unknown environment variable under the project's API__ prefix (did you mean API__PORT?) (from ${join(dir, '.env')})`);
    expect(text).toContain(`risk.maxPosition: expected a number, was "many" (from env RISK__MAX_POSITION in ${join(dir, '.env')})`);
    const good = loadProcessConfig({ argv: [], env: { API__PORT: '9000' }, cwd: dirWith('API__PORT=8081\nRISK__MAX_POSITION=7\n') });
    expect(good.ok && [good.value.gateway.port, good.value.risk.maxPosition]).toEqual([9000, 7]);
  });
});
