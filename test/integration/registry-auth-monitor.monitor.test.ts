// Pipeline monitor on real workers: counts move when a fixture publishes, startup → graded status,
// ring lag/drops are reported, and the health history in LMDB is pruned by TTL.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, type AppConfig } from '../../src/config.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import { BROKER_TOPICS, MARKET_TICKS } from '../../src/protocol/topics.js';
import { K } from '../../src/store/keyspace.js';
import type { MonitorStatus } from '../../src/protocol/pipeline-monitor.js';
import type { HealthRecord } from '../../src/domain/monitor/history.js';
import { eventually, makeSystem, sup, tempDir } from '../support/system.js';

let system: ActorSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const c of cleanups.splice(0)) c();
});

const paperTopics = BROKER_TOPICS.map((s) => `paper.${s}`);
const TTL_MS = 600;

function tree(): ReturnType<typeof sup> {
  const emitter: ActorSpec = {
    kind: 'actor',
    name: 'emitter',
    module: 'dist/test/fixtures/emitter.actor.js',
    restart: 'permanent',
    publishes: [MARKET_TICKS, ...paperTopics],
    subscribes: [],
    args: { topics: paperTopics, ticks: true },
  };
  const monitor: ActorSpec = {
    kind: 'actor',
    name: 'pipeline-monitor',
    module: 'dist/actors/pipeline-monitor.actor.js',
    restart: 'permanent',
    needsStore: true,
    observeRings: true,
    publishes: [],
    subscribes: [{ topic: MARKET_TICKS, lossy: true }, ...paperTopics.map((topic) => ({ topic, lossy: true }))],
    args: { brokers: ['paper'], strategyCounts: { paper: 2 } },
  };
  return sup('root', [emitter, monitor]);
}

function config(): AppConfig {
  const base = defaultConfig();
  return {
    ...base,
    feed: { ...base.feed, market24x7: true },
    monitor: { intervalMs: 100, startupGraceMs: 500, marketDataLatencyThresholdMs: 60_000, healthHistoryTtlMs: TTL_MS, healthHistoryMax: 100 },
  };
}

describe('pipeline-monitor actor', () => {
  it('counts stage events, grades the pipeline after the startup grace, and prunes its history', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    system = makeSystem(tree(), { config: config(), store: { path: join(dir.path, 'lmdb'), durability: 'overlapping' } });
    await system.start();
    const monitor = () => system!.actor('pipeline-monitor')!.control()!;
    const emit = (topic: string, n: number) => system!.actor('emitter')!.control()!.call('emit', { topic, n });
    const status = async () => ((await monitor().call('status', null)) as MonitorStatus).brokers['paper']!;

    const first = await status();
    expect(first.validation.overall).toBe('startup');
    expect(first.metrics.signals.count).toBe(0);
    expect(first.strategies).toBe(2);

    expect(await system.actor('emitter')!.control()!.call('ticks', { n: 10 })).toBe(10);
    await emit('paper.signals.raw', 3);
    await emit('paper.signals.validated', 2);
    await emit('paper.signals.rejected', 1);
    await emit('paper.orders.submitted', 1);
    await emit('paper.orders.filled', 2);
    await emit('paper.orders.failed', 1);
    await emit('paper.pnl.snapshots', 1);

    await eventually(async () => (await status()).metrics.portfolio_updates.count === 1, 10_000, 'counts');
    const counted = await status();
    expect(counted.metrics.market_ticks.count).toBe(10);
    expect(counted.metrics.signals.count).toBe(3);
    expect(counted.metrics.signals_validated.count).toBe(2);
    expect(counted.metrics.signals_rejected.count).toBe(1);
    expect(counted.metrics.orders.count).toBe(4);
    expect(counted.metrics.signals.lastMs).toBeGreaterThan(0);

    // Past the grace period every stage is fresh: healthy, with ages and counts per stage
    await eventually(async () => (await status()).validation.overall !== 'startup', 10_000, 'end of startup grace');
    const graded = await status();
    expect(graded.validation.overall).toBe('healthy');
    expect(graded.validation.stages.order_execution).toMatchObject({ healthy: true, count: 4 });
    expect(graded.validation.stages.risk_validation?.ageMs).toBeGreaterThanOrEqual(0);
    const ticks = graded.rings.find((r) => r.topic === MARKET_TICKS)!;
    expect(ticks.published).toBe(10);
    expect(ticks.consumers.map((c) => c.actor)).toEqual(['pipeline-monitor']);
    expect(graded.rings.map((r) => r.topic)).toContain('paper.signals.raw');

    // A signal left without a verdict for over 2 s makes the risk stage a bottleneck (a stage with
    // nothing to answer is idle, never late)
    await emit('paper.signals.raw', 1);
    await eventually(
      async () => (await status()).validation.bottlenecks.some((b) => b.stage === 'risk_validation'),
      10_000,
      'risk bottleneck',
    );
    expect(['warning', 'degraded', 'critical']).toContain((await status()).validation.overall);

    // History: newest first, nothing older than the TTL, startup records pruned
    const hist = ((await monitor().call('history', { broker: 'paper', limit: 100 })) as Record<string, HealthRecord[]>)['paper']!;
    expect(hist.length).toBeGreaterThan(0);
    expect(hist.every((r, i) => i === 0 || r.ts < hist[i - 1]!.ts)).toBe(true);
    expect(hist.some((r) => r.overall === 'startup')).toBe(false);
    const keys = [...system.store!.getKeys(K.healthRange('paper', 0, Number.MAX_SAFE_INTEGER))];
    const times = keys.map((k) => (k as unknown as number[])[2]!);
    // Pruning runs on each append (every 100 ms): nothing much older than the TTL stays stored
    expect(Math.min(...times)).toBeGreaterThan(Date.now() - TTL_MS - 1000);
    expect(times.length).toBeLessThan(TTL_MS / 100 + 10);
    expect(await monitor().snapshot()).toMatchObject({ brokers: { paper: { broker: 'paper' } } });
  });
});
