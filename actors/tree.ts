// The supervision tree as data (docs/conventions.md §2), built from the config. Start order matters:
//   root (one_for_one)
//   ├─ instrument-registry        loads instruments into LMDB before anyone needs them
//   ├─ auth                       broker sessions; trading starts after it
//   ├─ trading_sup (rest_for_one, transient: when it gives up it stays HALTED, root keeps running)
//   │   ├─ portfolio-manager      state owner: a crash here re-syncs everything after it
//   │   │  split topology:                            fused topology:
//   │   ├─ risk-manager, trading-engine-zerodha       ├─ trading-core-<broker>  strategies + risk +
//   │   │     (zerodha only: per-hop commits)         │     venue in one worker, checkpointed
//   │   ├─ trading-core-<broker>  risk + venue,       └─ market-feed
//   │   │     checkpointed (every other broker)
//   │   ├─ market-feed
//   │   └─ strategy-runner        its state joins the cores' checkpoints as cuts
//   ├─ pipeline-monitor           observes every ring; reports HALTED subtrees
//   ├─ archiver                   retention: archives and deletes old orders and fills, store usage
//   └─ gateway_sup (one_for_one, transient)
//       └─ gateway                an OS PROCESS, not a worker: uWS dying with open sockets in a worker
//                                 aborts the whole process; a child process can only take itself down
import type { AppConfig } from '../src/config.js';
import { appError } from '../src/errors.js';
import type { Broker } from '../src/domain/types.js';
import { hasTradingCore, tradingActorName } from '../src/protocol/actors.js';
import { brokerInternalTopic, brokerTopic, MARKET_TICKS } from '../src/protocol/topics.js';
import type { ActorSpec, ChildSpec, ProcessSpec, SupervisorSpec } from '../src/runtime/tree.js';

const mod = (name: string): string => `dist/actors/${name}.actor.js`;

/** Brokers that are both active and enabled get a trading engine. */
export function tradingBrokers(config: AppConfig): Broker[] {
  return config.brokers.active.filter((b) => (b === 'paper' ? config.brokers.paperEnabled : config.brokers.zerodhaEnabled));
}

/** Niceness of the gateway process: it yields the CPU to the trading threads (see ProcessSpec.niceness). */
export const GATEWAY_NICENESS = 10;

/** The gateway process (REST, WebSocket, dashboard), subscribed to `topics`. */
export function gatewaySpec(brokers: readonly Broker[], topics: readonly string[]): ProcessSpec {
  return {
    kind: 'process',
    name: 'gateway',
    module: 'dist/src/gateway/gateway.process.js',
    restart: 'permanent',
    needsStore: true,
    args: { brokers },
    subscribes: topics.map((topic) => ({ topic })),
    niceness: GATEWAY_NICENESS,
  };
}

/**
 * Actors that read one store's state and so must run on one node (src/cluster/placement.ts): the
 * trading actors write the fill log and orders the portfolio folds and the archiver trims. (The
 * gateway may run elsewhere: it then reads that history from the store's node, src/gateway/history.ts.)
 */
export function colocatedGroups(config: AppConfig): string[][] {
  const brokers = tradingBrokers(config);
  const topology = config.runtime.topology;
  const trading = brokers.flatMap((b) => [tradingActorName(topology, 'engine', b), tradingActorName(topology, 'risk', b)]);
  return [[...new Set(trading), 'portfolio-manager', 'archiver']];
}

export function buildTree(config: AppConfig): SupervisorSpec {
  const brokers = tradingBrokers(config);
  // The zerodha venue's Kite calls are performed by the split engine's shell; the fused core has none
  if (config.runtime.topology === 'fused' && brokers.includes('zerodha')) {
    throw appError('ERR_BROKER_UNSUPPORTED', { broker: 'zerodha', supported: 'paper in the fused topology (zerodha needs RUNTIME__TOPOLOGY=split)' });
  }
  // Replays are exact (risk waits for the engine's confirmation of earlier ticks, see README);
  // live feeds trade without that round trip
  const exactReplay = config.feed.source === 'replay' && config.feed.exactReplay;
  const per = (suffix: Parameters<typeof brokerTopic>[1]) => brokers.map((b) => brokerTopic(b, suffix));
  const intensity = { maxRestarts: config.runtime.restart.maxRestarts, periodMs: config.runtime.restart.periodMs };
  const backoff = { baseMs: config.runtime.restart.backoffBaseMs, maxMs: config.runtime.restart.backoffMaxMs };
  const actor = (name: string, spec: Omit<ActorSpec, 'kind' | 'name' | 'module' | 'restart'> & { restart?: ActorSpec['restart'] }): ActorSpec => ({
    kind: 'actor',
    name,
    module: mod(name.startsWith('trading-engine') ? 'trading-engine' : name.startsWith('trading-core') ? 'trading-core' : name),
    restart: 'permanent',
    needsStore: true,
    ...spec,
  });

  // A KiteTicker feed forwards its `order` text messages to the zerodha engine (split topology only)
  const orderUpdates = config.feed.source === 'kite' && config.runtime.topology === 'split' && brokers.includes('zerodha');
  // Split: brokers without a trading core (zerodha) get a risk manager and an engine of their own
  const split = config.runtime.topology === 'split';
  const legacy = split ? brokers.filter((b) => !hasTradingCore(b)) : [];
  const perLegacy = (suffix: Parameters<typeof brokerTopic>[1]) => legacy.map((b) => brokerTopic(b, suffix));
  const engines: ActorSpec[] = legacy.map((b) =>
    actor(`trading-engine-${b}`, {
      broker: b,
      args: { broker: b, eventTime: true, exactReplay, ...(b === 'zerodha' && orderUpdates ? { orderUpdates: true } : {}) },
      subscribes: [
        { topic: brokerTopic(b, 'signals.validated'), manualRelease: true },
        { topic: MARKET_TICKS },
        ...(b === 'zerodha' && orderUpdates ? [{ topic: brokerInternalTopic('zerodha', 'orders.updates') }] : []),
      ],
      publishes: [brokerTopic(b, 'orders.submitted'), brokerTopic(b, 'orders.filled'), brokerTopic(b, 'orders.failed')],
    }),
  );
  const riskManager: ActorSpec[] =
    legacy.length === 0
      ? []
      : [
          actor('risk-manager', {
            args: { brokers: legacy, eventTime: true, exactReplay },
            subscribes: [
              ...perLegacy('signals.raw').map((topic) => ({ topic, manualRelease: true })),
              ...perLegacy('orders.filled').map((topic) => ({ topic })),
              // Gated by event time: lossy only when the ring's policy is (live feeds), so replays are exact
              { topic: MARKET_TICKS },
            ],
            publishes: [...perLegacy('signals.validated'), ...perLegacy('signals.rejected')],
          }),
        ];

  // The trading behaviours of each broker in one worker: no signal crosses a thread between risk
  // and the venue, and the inputs are released only after the checkpoint that covers them (a
  // restart re-reads them). Fused: the strategies too. Split: the strategy runner's signals come
  // over a ring, and its state joins the core's checkpoints as cuts.
  const cores: ActorSpec[] = brokers
    .filter((b) => !split || hasTradingCore(b))
    .map((b) =>
      actor(tradingActorName(config.runtime.topology, 'engine', b), {
        broker: b,
        args: { broker: b, ...(split ? { runner: true } : {}) },
        subscribes: [{ topic: MARKET_TICKS, manualRelease: true }, ...(split ? [{ topic: brokerTopic(b, 'signals.raw'), manualRelease: true }] : [])],
        publishes: (split
          ? (['signals.validated', 'signals.rejected', 'orders.submitted', 'orders.filled', 'orders.failed'] as const)
          : (['signals.raw', 'signals.validated', 'signals.rejected', 'orders.submitted', 'orders.filled', 'orders.failed'] as const)
        ).map((s) => brokerTopic(b, s)),
      }),
    );
  const portfolio = actor('portfolio-manager', {
    args: { brokers },
    subscribes: [...per('orders.filled').map((topic) => ({ topic })), { topic: MARKET_TICKS, lossy: true }],
    publishes: per('pnl.snapshots'),
  });
  // A live feed rewinds its tick journal to the cores' last checkpoints (which name the runner's cut)
  const feed = actor('market-feed', {
    args: { orderUpdates, rewindFor: cores.map((c) => c.name) },
    readsCheckpointsOf: cores.map((c) => c.name),
    publishes: [MARKET_TICKS, ...(orderUpdates ? [brokerInternalTopic('zerodha', 'orders.updates')] : [])],
    subscribes: [],
  });
  const cutsFor = Object.fromEntries(cores.map((c) => [c.broker, c.name]));
  const runner = actor('strategy-runner', {
    args: { brokers, exactReplay, cutsFor },
    readsCheckpointsOf: cores.map((c) => c.name),
    // With cores, ticks are released once a core's checkpoint covers the runner's cut of them
    subscribes: [{ topic: MARKET_TICKS, ...(cores.length > 0 ? { manualRelease: true } : {}) }],
    publishes: per('signals.raw'),
  });

  const trading: SupervisorSpec = {
    kind: 'supervisor',
    name: 'trading_sup',
    strategy: 'rest_for_one',
    restart: 'transient',
    intensity,
    backoff,
    children: split ? [portfolio, ...riskManager, ...engines, ...cores, feed, runner] : [portfolio, ...cores, feed],
  };

  const allEventTopics = brokers.flatMap((b) =>
    (['signals.raw', 'signals.validated', 'signals.rejected', 'orders.submitted', 'orders.filled', 'orders.failed', 'pnl.snapshots'] as const).map((s) =>
      brokerTopic(b, s),
    ),
  );
  const children: ChildSpec[] = [
    actor('instrument-registry', { publishes: [], subscribes: [] }),
    actor('auth', { args: { brokers }, publishes: [], subscribes: [] }),
    trading,
    actor('pipeline-monitor', {
      args: { brokers },
      observeRings: true,
      publishes: [],
      subscribes: [{ topic: MARKET_TICKS, lossy: true }, ...allEventTopics.map((topic) => ({ topic, lossy: true }))],
    }),
    // Retention (archive, then delete old finished orders and fills) off every trading thread
    actor('archiver', { args: { brokers }, publishes: [], subscribes: [] }),
  ];
  if (config.gateway.enabled) {
    const gateway = gatewaySpec(brokers, [MARKET_TICKS, ...allEventTopics]);
    // Its own transient supervisor: a gateway crash loop halts only gateway_sup, never the root,
    // so trading keeps running without its window.
    children.push({ kind: 'supervisor', name: 'gateway_sup', strategy: 'one_for_one', restart: 'transient', intensity, backoff, children: [gateway] });
  }
  return { kind: 'supervisor', name: 'root', strategy: 'one_for_one', restart: 'permanent', intensity: { maxRestarts: 10, periodMs: 60_000 }, backoff, children };
}
