// Builds the ActorSystem for a config: the one place that maps AppConfig onto runtime options, so
// the main job, the integration tests and the benchmarks run exactly the same tree.
import type { Logger } from 'pino';
import type { AppConfig } from '../src/config.js';
import { realClock } from '../src/runtime/clock.js';
import { ActorSystem, type SystemOptions } from '../src/runtime/system.js';
import type { SupervisorSpec } from '../src/runtime/tree.js';
import { buildTree, tradingBrokers } from './tree.js';
import { processRequestHandler, type RemoteActor } from './requests.js';
import { tickRecordTopic } from '../src/services/feed/tick-channel.js';

export interface FactoryOptions {
  readonly runId?: string;
  readonly log?: Logger;
  readonly faultInjection?: boolean;
  readonly overrides?: Partial<SystemOptions>;
  /** The tree to run instead of the whole one (a cluster node's part, actors/cluster-node.ts). */
  readonly root?: SupervisorSpec;
  /** Where requests for actors of other cluster nodes go. */
  readonly remote?: RemoteActor;
}

export function createSystem(config: AppConfig, opts: FactoryOptions = {}): ActorSystem {
  const runId = opts.runId ?? realClock.nowMs().toString(36);
  const startedAt = realClock.nowMs();
  const log = opts.log;
  let system: ActorSystem | undefined;
  system = new ActorSystem({
    root: opts.root ?? buildTree(config),
    activeBrokers: tradingBrokers(config),
    config,
    runId,
    transport: config.runtime.transport,
    recordTopics: [tickRecordTopic(config.runtime.tickRingCapacity, config.runtime.tickRingPolicy ?? 'drop')],
    eventRing: { capacity: config.runtime.eventRingCapacity, slotBytes: config.runtime.eventSlotBytes },
    heartbeatMs: config.runtime.heartbeatMs,
    hangTimeoutMs: config.runtime.hangTimeoutMs,
    startTimeoutMs: config.runtime.startTimeoutMs,
    stopDeadlineMs: config.runtime.stopDeadlineMs,
    maxOldGenerationSizeMb: config.runtime.workerMaxOldGenerationMb,
    store: {
      path: config.store.path ?? `${config.app.dataDir}/lmdb`,
      durability: config.store.durability,
      ...(config.store.mapSizeMb !== undefined ? { mapSizeMb: config.store.mapSizeMb } : {}),
    },
    logLevel: config.app.logLevel,
    redactKeys: config.app.redactKeys,
    nowMs: realClock.nowMs,
    random: Math.random,
    faultInjection: opts.faultInjection ?? false,
    events:
      log === undefined
        ? {}
        : {
            onChildDown: (s, c, r) => log.warn({ supervisor: s, child: c, code: r.code, reason: r.message }, 'child down'),
            onRestart: (s, cs, delayMs) => log.info({ supervisor: s, children: cs, delayMs }, 'restarting'),
            onHalted: (s, e) => log.error({ supervisor: s, code: e.code }, e.message),
          },
    processRequests: (from, command, arg) => processRequestHandler(system!, { runId, startedAt, topology: config.runtime.topology, remote: opts.remote })(from, command, arg),
    ...opts.overrides,
  });
  return system;
}
