import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { historyCutoff, planHistoryAppend, toHealthRecord } from '../../../src/domain/monitor/history.js';
import { DEFAULT_THRESHOLDS, validateBroker } from '../../../src/domain/monitor/validate.js';
import { BROKER_STAGES, type BrokerStage, type StageCounter } from '../../../src/domain/monitor/stages.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('planHistoryAppend', () => {
  it('appends at now and prunes records older than the TTL', () => {
    const plan = planHistoryAppend([100, 200, 300], 1300, { ttlMs: 1000, max: 10 });
    // cutoff 300: 300 is exactly TTL old and stays
    expect(historyCutoff(1300, 1000)).toBe(300);
    expect(plan).toEqual({ ts: 1300, remove: [100, 200], keep: [300, 1300] });
  });

  it('keeps at most max records, dropping the oldest, the new one included', () => {
    expect(planHistoryAppend([1, 2, 3], 10, { ttlMs: 1000, max: 3 })).toEqual({ ts: 10, remove: [1], keep: [2, 3, 10] });
    expect(planHistoryAppend([1, 2, 3], 10, { ttlMs: 1000, max: 1 })).toEqual({ ts: 10, remove: [1, 2, 3], keep: [10] });
    expect(planHistoryAppend([], 10, { ttlMs: 1000, max: 1 })).toEqual({ ts: 10, remove: [], keep: [10] });
  });

  it('keeps keys unique and ascending when the clock repeats or steps back', () => {
    expect(planHistoryAppend([500], 500, { ttlMs: 1000, max: 10 }).ts).toBe(501);
    expect(planHistoryAppend([500], 400, { ttlMs: 1000, max: 10 }).ts).toBe(501);
  });

  it('matches a naive model (filter by age, then keep the newest max)', () => {
    const prop = fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }),
      fc.integer({ min: 0, max: 12_000 }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 20 }),
      (raw, now, ttlMs, max) => {
        const existing = [...raw].sort((a, b) => a - b);
        const plan = planHistoryAppend(existing, now, { ttlMs, max });
        const ts = Math.max(now, (existing.at(-1) ?? -Infinity) + 1);
        const alive = existing.filter((t) => t >= now - ttlMs);
        const keep = [...alive, ts].slice(-max);
        expect(plan.ts).toBe(ts);
        expect(plan.keep).toEqual(keep);
        expect([...plan.remove, ...plan.keep.slice(0, -1)].sort((a, b) => a - b)).toEqual(existing);
        expect(plan.keep.length).toBeLessThanOrEqual(max);
      },
    );
    fc.assert(prop, { seed, numRuns: 300 });
  });
});

describe('toHealthRecord', () => {
  it('keeps overall, per-stage health and bottleneck count', () => {
    const none: StageCounter = { count: 0, missed: 0, lastMs: null };
    const stages = {} as Record<BrokerStage, StageCounter>;
    for (const s of BROKER_STAGES) stages[s] = none;
    const v = validateBroker({
      broker: 'paper',
      nowMs: 1000,
      uptimeMs: 100_000,
      startupGraceMs: 0,
      marketOpen: true,
      tradingEnabled: true,
      strategies: 1,
      market: none,
      stages,
      thresholds: DEFAULT_THRESHOLDS,
    });
    const r = toHealthRecord(v, 1234);
    expect(r).toEqual({
      v: 1,
      ts: 1234,
      broker: 'paper',
      overall: 'degraded',
      stageHealth: { market_data: false, signal_generation: false, risk_validation: true, order_execution: true, portfolio_updates: true },
      bottleneckCount: 2,
    });
  });
});
