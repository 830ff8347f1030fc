// The bench pipeline: the REAL strategy runner, trading core (risk + venue) and portfolio manager
// (fused: the trading core runs the strategies too), wired exactly as actors/tree.ts wires them,
// with a bench tick injector instead of the market feed and a fill probe beside the portfolio.
// Its config comes through the real loader (env overlay) so the bench runs what production runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { projectRoot } from '../../src/runtime/system.js';
import { brokerTopic, MARKET_TICKS } from '../../src/protocol/topics.js';
import type { ActorSpec, ChildSpec, SupervisorSpec } from '../../src/runtime/tree.js';
import { gatewaySpec } from '../../actors/tree.js';

export type Topology = 'split' | 'fused';

/** The 20 default NSE instruments (src/defaults/strategies.yaml); ticks go round-robin over them. */
export const BENCH_TOKENS = [
  256265, 260105, 738561, 408065, 81153, 1270529, 492033, 2815745, 4267265, 177665, 3861249, 225537, 1346049, 2939649, 140033, 3050241, 1195009,
  857857, 424961, 2714625,
];

// low_frequency_demo with no interval and no cap signals on EVERY tick; BUY only, because the paper
// venue refuses to sell what is not held (no shorting) and a failed order would not be a fill
const STRATEGIES = `version: 1
strategies:
  - id: bench_every_tick
    type: low_frequency_demo
    broker: paper
    instruments: [${BENCH_TOKENS.join(', ')}]
    params:
      min_interval_seconds: 0
      max_daily_signals_per_instrument: null
      side: BUY
      quantity: 1
`;

/**
 * Env of every bench run: limits raised so no signal is rejected and no order fails (every tick
 * must become exactly one fill), block policy on the tick ring (nothing dropped: overload shows up
 * as latency), 24x7 market. `extra` (transport, durability, log level) wins.
 */
export function benchEnv(dataDir: string, extra: Readonly<Record<string, string>>): Record<string, string> {
  const strategies = join(dataDir, 'bench-strategies.yaml');
  writeFileSync(strategies, STRATEGIES);
  return {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    API__ENABLED: 'false',
    STRATEGIES__FILE: strategies,
    MARKET_FEED__MARKET_24X7: 'true',
    RUNTIME__TICK_RING_POLICY: 'block',
    RUNTIME__WORKER_MAX_OLD_GENERATION_MB: '2048',
    RUNTIME__HANG_TIMEOUT_MS: '10000',
    RISK__MAX_POSITION: '1000000000',
    RISK__MAX_DAILY_TRADES: '1000000000',
    RISK__DAILY_LOSS_LIMIT: '1000000000000',
    PAPER_TRADING__STARTING_CASH: '1000000000000',
    ...extra,
  };
}

export function benchConfig(env: Record<string, string>): AppConfig {
  const r = loadConfig({ argv: [], env, cwd: projectRoot() });
  if (!r.ok) throw new Error(`bench config invalid:\n${r.error.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return r.value;
}

export interface BenchTreeArgs {
  readonly stamps: SharedArrayBuffer;
  readonly baseMs: number;
  /** Probe also listens to signals.raw / signals.validated (split only): per-hop breakdown. */
  readonly stages?: boolean;
  /** The gateway process beside the pipeline (the config must enable it). */
  readonly gateway?: boolean;
}

/** The bench tree for `topology`; any crash halts it (intensity 0), so a run never hides a restart. */
export function buildBenchTree(topology: Topology, a: BenchTreeArgs): SupervisorSpec {
  const b = 'paper' as const;
  const t = (s: Parameters<typeof brokerTopic>[1]): string => brokerTopic(b, s);
  const actor = (name: string, module: string, spec: Pick<ActorSpec, 'publishes' | 'subscribes'> & Partial<ActorSpec>): ActorSpec => ({
    kind: 'actor',
    name,
    module,
    restart: 'permanent',
    needsStore: true,
    ...spec,
  });
  const stages = a.stages === true && topology === 'split';
  const prod = (n: string): string => `dist/actors/${n}.actor.js`;
  const benchMod = (n: string): string => `dist/bench/actors/${n}.actor.js`;
  const portfolio = actor('portfolio-manager', prod('portfolio-manager'), {
    args: { brokers: [b] },
    subscribes: [{ topic: t('orders.filled') }, { topic: MARKET_TICKS, lossy: true }],
    publishes: [t('pnl.snapshots')],
  });
  const injector = actor('tick-injector', benchMod('tick-injector'), {
    needsStore: false,
    args: { tokens: BENCH_TOKENS, stamps: a.stamps, baseMs: a.baseMs },
    publishes: [MARKET_TICKS],
    subscribes: [],
  });
  const probe = actor('fill-probe', benchMod('fill-probe'), {
    needsStore: false,
    args: { stamps: a.stamps, baseMs: a.baseMs, stages: stages },
    publishes: [],
    subscribes: [
      { topic: t('orders.filled') },
      { topic: t('orders.failed'), lossy: true },
      { topic: t('signals.rejected'), lossy: true },
      ...(stages ? [{ topic: t('signals.raw'), lossy: true }, { topic: t('signals.validated'), lossy: true }] : []),
    ],
  });
  // The paper broker's trading core: risk + venue, checkpointed (fused: the strategies too)
  const split = topology === 'split';
  const core: ActorSpec[] = [
    actor(`trading-core-${b}`, prod('trading-core'), {
      broker: b,
      args: { broker: b, ...(split ? { runner: true } : {}) },
      subscribes: [{ topic: MARKET_TICKS, manualRelease: true }, ...(split ? [{ topic: t('signals.raw'), manualRelease: true }] : [])],
      publishes: [...(split ? [] : [t('signals.raw')]), t('signals.validated'), t('signals.rejected'), t('orders.submitted'), t('orders.filled'), t('orders.failed')],
    }),
  ];
  const runner = split
    ? [
        actor('strategy-runner', prod('strategy-runner'), {
          args: { brokers: [b], cutsFor: { [b]: `trading-core-${b}` } },
          subscribes: [{ topic: MARKET_TICKS, manualRelease: true }],
          publishes: [t('signals.raw')],
        }),
      ]
    : [];
  // The gateway as npm start runs it, subscribed to every topic this tree publishes
  const gateway: ChildSpec[] =
    a.gateway === true
      ? [gatewaySpec([b], [MARKET_TICKS, ...(['signals.raw', 'signals.validated', 'signals.rejected', 'orders.submitted', 'orders.filled', 'orders.failed', 'pnl.snapshots'] as const).map(t)])]
      : [];
  return {
    kind: 'supervisor',
    name: 'bench_root',
    strategy: 'one_for_all',
    restart: 'transient',
    intensity: { maxRestarts: 0, periodMs: 1000 },
    backoff: { baseMs: 10, maxMs: 10 },
    children: [portfolio, ...core, injector, ...runner, probe, ...gateway],
  };
}
