import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMarketOpen, istMidnightMs, clockMs } from '../../../src/domain/market-hours/index.js';
import { createMarketGate } from '../../../src/domain/market-hours/index.js';
import { readFileSync } from 'node:fs';
import { parseInstrumentsCsv, tradableLookup } from '../../../src/domain/instruments/index.js';
import {
  buildRunner,
  describeConfigError,
  parseStrategiesText,
  readStrategiesFile,
  strategiesStartupError,
  SUMMARY_MAX_PROBLEMS,
} from '../../../src/services/strategy/load.js';
import { restoreState, stateRecord } from '../../../src/services/strategy/state.js';
import { strategyInfos } from '../../../src/services/strategy/snapshot.js';
import type { StrategyConfigError } from '../../../src/domain/strategy/index.js';
import { makeTick } from '../strategy/helpers.js';

/** Text of a problem whatever its variant. */
const text = (e: StrategyConfigError | undefined): string => (e === undefined ? '' : e.code === 'ERR_STRATEGY_CONFIG' ? e.reason : e.type);

const at = (y: number, m: number, d: number, h: number, min: number) => istMidnightMs(y, m, d) + clockMs(h, min);

describe('market gate', () => {
  it('follows the NSE calendar: weekday session open, weekend, holiday and night closed; 24x7 always open', () => {
    const gate = createMarketGate({ market24x7: false, holidays: ['2025-01-27'] });
    expect(gate(at(2025, 1, 24, 10, 0))).toBe(true); // Friday
    expect(gate(at(2025, 1, 24, 9, 5))).toBe(true); // pre-open counts as open
    expect(gate(at(2025, 1, 24, 15, 31))).toBe(false);
    expect(gate(at(2025, 1, 25, 10, 0))).toBe(false); // Saturday
    expect(gate(at(2025, 1, 27, 10, 0))).toBe(false); // listed holiday (Monday)
    expect(gate(at(2025, 1, 28, 10, 0))).toBe(true);
    expect(createMarketGate({ market24x7: true, holidays: [] })(at(2025, 1, 25, 3, 0))).toBe(true);
  });

  it('agrees with isMarketOpen for any instant and holiday list (cache included)', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
    console.log('seed', seed);
    const base = at(2025, 1, 1, 0, 0);
    const day = 86_400_000;
    const holiday = fc.integer({ min: 0, max: 40 }).map((k) => new Date(base + k * day + 6 * 3_600_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(holiday, { maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 40 * day }), { minLength: 1, maxLength: 50 }), (holidays, offsets) => {
        const gate = createMarketGate({ market24x7: false, holidays });
        for (const o of offsets) expect(gate(base + o)).toBe(isMarketOpen(base + o, { holidays }));
      }),
      { seed, numRuns: 200 },
    );
  });
});

const momentum = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'momentum',
  instruments: [1],
  params: { lookback_periods: 3, threshold: 0.01, position_size: 5 },
  ...extra,
});

describe('strategies file', () => {
  it('parses YAML and JSON by extension', () => {
    const yaml = 'version: 1\nstrategies:\n  - id: a\n    type: momentum\n    instruments: [1]\n';
    const y = parseStrategiesText(yaml, 's.yaml');
    expect(y.ok && y.value.map((c) => c.id)).toEqual(['a']);
    const j = parseStrategiesText(JSON.stringify({ strategies: [momentum('b')] }), 's.JSON');
    expect(j.ok && j.value.map((c) => c.id)).toEqual(['b']);
    // A YAML document is not JSON: the extension decides
    const wrong = parseStrategiesText(yaml, 's.json');
    expect(!wrong.ok && text(wrong.error[0])).toMatch(/s\.json: invalid JSON/);
  });

  it('reports every problem of every entry at once, and syntax errors as file problems', () => {
    const doc = {
      strategies: [momentum('ok'), { id: 'bad-type', type: 'nope', instruments: [1] }, momentum('bad-param', { params: { threshold: -1 } }), momentum('ok')],
    };
    const r = parseStrategiesText(JSON.stringify(doc), 'x.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const ids = r.error.map((e) => `${e.code}:${e.strategyId}`);
    expect(ids).toContain('ERR_STRATEGY_UNKNOWN_TYPE:bad-type');
    expect(ids).toContain('ERR_STRATEGY_CONFIG:bad-param');
    expect(ids).toContain('ERR_STRATEGY_CONFIG:ok'); // duplicate id
    const syntax = parseStrategiesText('strategies: [\n  - a: 1\n', 'x.yml');
    expect(!syntax.ok && syntax.error.every((e) => e.strategyId === '(file)' && text(e).includes('invalid YAML'))).toBe(true);
    const missing = readStrategiesFile('/nonexistent/strategies.yaml');
    expect(!missing.ok && text(missing.error[0])).toMatch(/cannot read \/nonexistent\/strategies\.yaml/);
  });

  it('the start-up error names the file, the count and each code; long lists are capped', () => {
    const errors = Array.from({ length: SUMMARY_MAX_PROBLEMS + 3 }, (_, i) => ({ code: 'ERR_STRATEGY_CONFIG' as const, strategyId: `s${i}`, reason: 'bad' }));
    const e = strategiesStartupError('/etc/s.yaml', [{ code: 'ERR_STRATEGY_UNKNOWN_TYPE', strategyId: 'x', type: 'nope', available: 'momentum' }, ...errors]);
    expect(e.code).toBe('ERR_STRATEGY_CONFIG');
    expect(e.message).toContain(`strategies file /etc/s.yaml has ${SUMMARY_MAX_PROBLEMS + 4} problems`);
    expect(e.message).toContain('ERR_STRATEGY_UNKNOWN_TYPE: strategy "x" has unknown type "nope"');
    expect(e.message).toContain('and 4 more (see the log)');
  });

  it('the shipped default file is valid', () => {
    const r = readStrategiesFile('src/defaults/strategies.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const built = buildRunner(r.value, ['paper']);
    expect(built.ok && built.value.skipped).toEqual([]);
    expect(built.ok && built.value.engine.instruments().length).toBeGreaterThan(0);
  });

  it('the shipped default file passes the registry built from the shipped instruments file', () => {
    const r = readStrategiesFile('src/defaults/strategies.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const registry = tradableLookup(parseInstrumentsCsv(readFileSync('src/defaults/instruments.csv', 'utf8')).instruments);
    expect(buildRunner(r.value, ['paper'], {}, registry).ok).toBe(true);
  });

  it('refuses a strategy listing an index or an unknown token, one problem per instrument, skipped ones too', () => {
    const registry = tradableLookup([{ token: 1, tradable: true }, { token: 260105, tradable: false }]);
    const parsed = parseStrategiesText(
      JSON.stringify({ strategies: [momentum('ok'), momentum('idx', { instruments: [1, 260105] }), momentum('z', { broker: 'zerodha', instruments: [77] })] }),
      'x.json',
    );
    if (!parsed.ok) throw new Error('fixture invalid');
    const r = buildRunner(parsed.value, ['paper'], {}, registry);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((e) => [e.code, e.strategyId])).toEqual([
      ['ERR_STRATEGY_CONFIG', 'idx'],
      ['ERR_STRATEGY_CONFIG', 'z'],
    ]);
    expect(describeConfigError(r.error[0]!)).toMatch(/token 260105 may not be ordered: the instrument registry marks it not tradable/);
    expect(describeConfigError(r.error[1]!)).toMatch(/token 77 may not be ordered: the instrument registry does not know it/);
    // Without a registry (no instrument records in the store) nothing is refused
    expect(buildRunner(parsed.value, ['paper']).ok).toBe(true);
  });

  it('skips strategies of inactive brokers and lists them in file order', () => {
    const parsed = parseStrategiesText(JSON.stringify({ strategies: [momentum('z', { broker: 'zerodha' }), momentum('p')] }), 'x.json');
    if (!parsed.ok) throw new Error('fixture invalid');
    const r = buildRunner(parsed.value, ['paper']);
    if (!r.ok) throw new Error('build failed');
    expect(r.value.engine.strategies().map((c) => c.id)).toEqual(['p']);
    expect(r.value.skipped.map((s) => s.config.id)).toEqual(['z']);
    r.value.engine.onTick(makeTick(1, 100));
    const infos = strategyInfos(r.value.configs, r.value.engine.stats(), r.value.skipped);
    expect(infos.map((i) => [i.id, i.skipped === null, i.ticks])).toEqual([
      ['z', false, 0],
      ['p', true, 1],
    ]);
  });
});

describe('stored state', () => {
  const lowFreq = { id: 'lf', type: 'low_frequency_demo', instruments: [2], params: { min_interval_seconds: 60 } };
  const mom = momentum('m');
  const build = () => {
    const parsed = parseStrategiesText(JSON.stringify({ strategies: [lowFreq, mom] }), 'x.json');
    if (!parsed.ok) throw new Error('fixture invalid');
    const r = buildRunner(parsed.value, ['paper']);
    if (!r.ok) throw new Error('build failed');
    return r.value.engine;
  };

  it('restores timers always and histories only when recent', () => {
    const a = build();
    expect(a.onTick(makeTick(2, 100, 1_000)).signals).toHaveLength(1);
    a.onTick(makeTick(1, 100, 1_000));
    a.onTick(makeTick(1, 100, 2_000));
    const rec = stateRecord(a, 10_000);

    const fresh = build();
    const r = restoreState(fresh, rec, 20_000);
    expect(r.ok && r.value.historiesDropped).toBe(false);
    // Timer restored: no second low-frequency signal within the interval
    expect(fresh.onTick(makeTick(2, 100, 30_000)).signals).toHaveLength(0);
    // History restored: the third momentum tick already has a full window
    expect(fresh.onTick(makeTick(1, 110, 3_000)).signals.map((s) => s.side)).toEqual(['BUY']);

    const stale = build();
    const s = restoreState(stale, rec, 10_000 + 3_600_000);
    expect(s.ok && s.value.historiesDropped).toBe(true);
    expect(stale.onTick(makeTick(2, 100, 30_000)).signals).toHaveLength(0);
    expect(stale.onTick(makeTick(1, 110, 3_000)).signals).toHaveLength(0);
  });

  it('rejects a record of another version without touching the engine', () => {
    const e = build();
    const r = restoreState(e, { v: 99, savedAt: 0, engine: {} }, 0);
    expect(!r.ok && r.error).toMatchObject({ code: 'ERR_STORE_SCHEMA', version: 99, expected: 1 });
    expect(e.onTick(makeTick(2, 100, 1_000)).signals).toHaveLength(1);
  });
});
