import { describe, expect, it } from 'vitest';
import {
  classifyOverall,
  DEFAULT_THRESHOLDS,
  validateBroker,
  type ValidationInput,
} from '../../../src/domain/monitor/validate.js';
import { BROKER_STAGES, type BrokerStage, type StageCounter } from '../../../src/domain/monitor/stages.js';

const NOW = 1_000_000;
const at = (ageMs: number, count = 1): StageCounter => ({ count, missed: 0, lastMs: NOW - ageMs });
const none: StageCounter = { count: 0, missed: 0, lastMs: null };

function stages(over: Partial<Record<BrokerStage, StageCounter>> = {}): Record<BrokerStage, StageCounter> {
  const s = {} as Record<BrokerStage, StageCounter>;
  for (const k of BROKER_STAGES) s[k] = over[k] ?? at(100);
  return s;
}

function input(over: Partial<ValidationInput> = {}): ValidationInput {
  return {
    broker: 'paper',
    nowMs: NOW,
    uptimeMs: 60_000,
    startupGraceMs: 30_000,
    marketOpen: true,
    tradingEnabled: true,
    strategies: 3,
    market: at(100),
    stages: stages(),
    thresholds: DEFAULT_THRESHOLDS,
    ...over,
  };
}

describe('classifyOverall', () => {
  it('grades by the share of healthy stages: all, >=80 %, >=60 %, else critical', () => {
    expect(classifyOverall(5, 5)).toBe('healthy');
    expect(classifyOverall(4, 5)).toBe('warning');
    expect(classifyOverall(3, 5)).toBe('degraded');
    expect(classifyOverall(2, 5)).toBe('critical');
    expect(classifyOverall(0, 5)).toBe('critical');
    expect(classifyOverall(8, 10)).toBe('warning');
    expect(classifyOverall(6, 10)).toBe('degraded');
    expect(classifyOverall(59, 100)).toBe('critical');
  });
});

describe('validateBroker', () => {
  it('reports startup during the grace period, with no stage verdicts', () => {
    const v = validateBroker(input({ uptimeMs: 29_999, market: none }));
    expect(v.overall).toBe('startup');
    expect(v.stages).toEqual({});
    expect(v.bottlenecks).toEqual([]);
    expect(validateBroker(input({ uptimeMs: 30_000 })).overall).toBe('healthy');
  });

  it('is idle when the market is closed: stages skipped, nothing counted as a bottleneck', () => {
    const v = validateBroker(input({ marketOpen: false, market: none, stages: stages({ signals: none }) }));
    expect(v.overall).toBe('idle');
    expect(v.bottlenecks).toEqual([]);
    expect(v.stages.market_data?.healthy).toBe(true);
    expect(v.stages.signal_generation?.skipped).toBe('market_closed');
    expect(v.stages.order_execution?.skipped).toBe('market_closed');
    const off = validateBroker(input({ marketOpen: false, tradingEnabled: false }));
    expect(off.stages.order_execution?.skipped).toBe('trading_disabled');
    expect(off.stages.portfolio_updates?.skipped).toBe('trading_disabled');
  });

  it('is healthy when every stage is fresh, and reports age and count', () => {
    const v = validateBroker(input({ market: at(250, 42) }));
    expect(v.overall).toBe('healthy');
    expect(v.healthyStages).toBe(5);
    expect(v.stages.market_data).toMatchObject({ healthy: true, ageMs: 250, count: 42, thresholdMs: 1000 });
  });

  it('market data: healthy up to and including the threshold, unhealthy after it or without ticks', () => {
    expect(validateBroker(input({ market: at(1000) })).stages.market_data?.healthy).toBe(true);
    const stale = validateBroker(input({ market: at(1001) }));
    expect(stale.stages.market_data?.healthy).toBe(false);
    expect(stale.overall).toBe('warning');
    expect(stale.bottlenecks.map((b) => b.stage)).toEqual(['market_data']);
    const missing = validateBroker(input({ market: none }));
    expect(missing.stages.market_data?.issue).toMatch(/No market data/);
    const custom = validateBroker(input({ market: at(1500), thresholds: { ...DEFAULT_THRESHOLDS, marketDataMs: 2000 } }));
    expect(custom.stages.market_data?.healthy).toBe(true);
  });

  it('signals: 5 s threshold; no signals is unhealthy only when the broker has (or may have) strategies', () => {
    expect(validateBroker(input({ stages: stages({ signals: at(5000) }) })).stages.signal_generation?.healthy).toBe(true);
    expect(validateBroker(input({ stages: stages({ signals: at(5001) }) })).stages.signal_generation?.healthy).toBe(false);
    expect(validateBroker(input({ stages: stages({ signals: none }), strategies: 2 })).stages.signal_generation?.healthy).toBe(false);
    expect(validateBroker(input({ stages: stages({ signals: none }), strategies: undefined })).stages.signal_generation?.healthy).toBe(false);
    const zero = validateBroker(input({ stages: stages({ signals: none }), strategies: 0 }));
    expect(zero.stages.signal_generation).toMatchObject({ healthy: true, info: expect.stringMatching(/No active strategies/) });
    // No strategies: even an old signal is not a problem
    expect(validateBroker(input({ stages: stages({ signals: at(60_000) }), strategies: 0 })).stages.signal_generation?.healthy).toBe(true);
  });

  it('downstream stages are healthy before their first event and unhealthy past their thresholds', () => {
    const fresh = validateBroker(input({ stages: stages({ signals_validated: none, signals_rejected: none, orders: none, portfolio_updates: none }) }));
    expect(fresh.overall).toBe('healthy');
    const old = validateBroker(
      input({ stages: stages({ signals_validated: at(2001), signals_rejected: at(2001), orders: at(10_001), portfolio_updates: at(3001) }) }),
    );
    expect(old.bottlenecks.map((b) => b.stage)).toEqual(['risk_validation', 'order_execution', 'portfolio_updates']);
    expect(old.overall).toBe('critical');
    const edge = validateBroker(input({ stages: stages({ signals_validated: at(2000), orders: at(10_000), portfolio_updates: at(3000) }) }));
    expect(edge.overall).toBe('healthy');
  });

  it('risk activity is the newer of validated and rejected signals, counted together', () => {
    const v = validateBroker(input({ stages: stages({ signals_validated: at(9000, 2), signals_rejected: at(100, 5) }) }));
    expect(v.stages.risk_validation).toMatchObject({ healthy: true, count: 7, ageMs: 100 });
    const onlyRejects = validateBroker(input({ stages: stages({ signals_validated: none, signals_rejected: at(100) }) }));
    expect(onlyRejects.stages.risk_validation?.healthy).toBe(true);
  });

  it('skips order and portfolio stages when trading is disabled', () => {
    const v = validateBroker(input({ tradingEnabled: false, stages: stages({ orders: at(60_000), portfolio_updates: at(60_000) }) }));
    expect(v.stages.order_execution).toMatchObject({ healthy: true, skipped: 'trading_disabled' });
    expect(v.overall).toBe('healthy');
  });

  it('grades 3 of 5 healthy as degraded and never reports a negative age', () => {
    const v = validateBroker(input({ market: none, stages: stages({ signals: none }) }));
    expect(v.overall).toBe('degraded');
    const ahead = validateBroker(input({ market: { count: 1, missed: 0, lastMs: NOW + 50 } }));
    expect(ahead.stages.market_data?.ageMs).toBe(0);
  });
});
