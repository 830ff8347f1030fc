// The supervision tree as data (child specs) and its validation. Validation runs once before any
// worker starts and reports every wiring problem at once: unknown brokers, topics that do not
// match an actor's broker, subscriptions without a publisher, several publishers for one ring.
import { appError, type AlphaPandaError } from '../errors.js';
import { parseTopic, topicBroker } from '../protocol/topics.js';
import type { Broker } from '../domain/types.js';
import type { Backoff, Intensity } from './restart-window.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';
export type SupervisorStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

export interface SubscriptionSpec {
  readonly topic: string;
  /** Lossy subscribers never slow the producer; they count what they miss. */
  readonly lossy?: boolean;
  /** Release ring records only after the actor says so (effect committed first). */
  readonly manualRelease?: boolean;
}

export interface ActorSpec {
  readonly kind: 'actor';
  readonly name: string;
  /** Worker entry module, relative to the project root (built JS), e.g. `dist/actors/x.actor.js`. */
  readonly module: string;
  readonly restart: RestartType;
  /** The broker namespace this actor serves; its broker topics must match it. */
  readonly broker?: Broker;
  readonly publishes: readonly string[];
  readonly subscribes: readonly SubscriptionSpec[];
  readonly needsStore?: boolean;
  /** Grants read access to every ring's counters (lag, drops) for monitoring. */
  readonly observeRings?: boolean;
  readonly args?: Readonly<Record<string, unknown>>;
  /**
   * Actors whose checkpoint records (K.checkpoint) this one reads from the store: on a cluster
   * node without them, the bridge mirrors their records in (src/cluster/placement.ts).
   */
  readonly readsCheckpointsOf?: readonly string[];
  readonly shutdownMs?: number;
  readonly startTimeoutMs?: number;
  readonly maxOldGenerationSizeMb?: number;
}

export interface SupervisorSpec {
  readonly kind: 'supervisor';
  readonly name: string;
  readonly strategy: SupervisorStrategy;
  readonly restart: RestartType;
  readonly intensity: Intensity;
  readonly backoff: Backoff;
  readonly children: readonly ChildSpec[];
}

/**
 * A child that runs as a separate OS process (child_process.fork). Used for the gateway: a worker
 * thread that dies holding native uWS sockets aborts the whole process, a child process cannot.
 * Its subscriptions are drained by the main thread (always lossy) and forwarded over IPC.
 */
export interface ProcessSpec {
  readonly kind: 'process';
  readonly name: string;
  /** Process module, relative to the project root (built JS). */
  readonly module: string;
  readonly restart: RestartType;
  readonly subscribes: readonly SubscriptionSpec[];
  readonly needsStore?: boolean;
  readonly args?: Readonly<Record<string, unknown>>;
  readonly shutdownMs?: number;
  readonly startTimeoutMs?: number;
  /**
   * OS scheduling niceness of the child (0 = the parent's, up to 19 = yields the CPU to everything
   * else). A child that serves clients (the gateway) runs nicer than the trading threads, so on a
   * busy box clients wait, never trading. Set on the child's main thread right after the fork (on
   * Linux niceness is per thread; threads it starts later inherit it, uWS runs on the main thread).
   */
  readonly niceness?: number;
}

export type LeafSpec = ActorSpec | ProcessSpec;
export type ChildSpec = LeafSpec | SupervisorSpec;

export interface TopicUse {
  readonly publisher: string | undefined;
  readonly subscribers: readonly { readonly actor: string; readonly spec: SubscriptionSpec }[];
}

/** Every leaf (actor or process) spec in start order (depth first). */
export function leavesOf(spec: ChildSpec): LeafSpec[] {
  return spec.kind === 'supervisor' ? spec.children.flatMap(leavesOf) : [spec];
}

/** Every actor spec in start order (depth first). */
export function actorsOf(spec: ChildSpec): ActorSpec[] {
  return leavesOf(spec).filter((l): l is ActorSpec => l.kind === 'actor');
}

/**
 * Validates a tree against the active brokers. Returns the topic map on success, or every problem
 * found (never just the first) as catalogued start-up errors.
 */
export function validateTree(
  root: SupervisorSpec,
  activeBrokers: readonly Broker[],
  maxConsumers: number,
): { ok: true; topics: Map<string, TopicUse> } | { ok: false; errors: AlphaPandaError[] } {
  const errors: AlphaPandaError[] = [];
  const names = new Set<string>();
  const walk = (s: ChildSpec): void => {
    if (names.has(s.name)) errors.push(appError('ERR_TREE_INVALID', { reason: `duplicate child name "${s.name}"` }));
    names.add(s.name);
    if (s.kind === 'supervisor') {
      if (s.intensity.maxRestarts < 0 || s.intensity.periodMs <= 0) {
        errors.push(appError('ERR_TREE_INVALID', { reason: `supervisor "${s.name}" has an invalid restart intensity` }));
      }
      s.children.forEach(walk);
    }
  };
  walk(root);

  const publishers = new Map<string, string[]>();
  const subscribers = new Map<string, { actor: string; spec: SubscriptionSpec }[]>();
  for (const a of leavesOf(root)) {
    const check = (topic: string): boolean => {
      const parsed = parseTopic(topic);
      if (!parsed.ok) {
        errors.push(appError(parsed.error.code, { ...parsed.error, actor: a.name }));
        return false;
      }
      const tb = topicBroker(parsed.value);
      if (tb !== 'shared' && !activeBrokers.includes(tb)) {
        errors.push(appError('ERR_TOPIC_UNKNOWN_BROKER', { topic, broker: tb, expected: activeBrokers.join(', ') }));
        return false;
      }
      if (tb !== 'shared' && a.kind === 'actor' && a.broker !== undefined && tb !== a.broker) {
        errors.push(appError('ERR_TOPIC_BROKER_MISMATCH', { actor: a.name, broker: a.broker, topic, topicBroker: tb }));
        return false;
      }
      return true;
    };
    for (const t of a.kind === 'actor' ? a.publishes : []) if (check(t)) publishers.set(t, [...(publishers.get(t) ?? []), a.name]);
    for (const s of a.subscribes) {
      // Process children are fed by the main thread, which must never slow the pipeline down.
      const spec = a.kind === 'process' ? { ...s, lossy: true } : s;
      if (check(s.topic)) subscribers.set(s.topic, [...(subscribers.get(s.topic) ?? []), { actor: a.name, spec }]);
    }
  }
  const topics = new Map<string, TopicUse>();
  for (const [topic, pubs] of publishers) {
    if (pubs.length > 1) errors.push(appError('ERR_TOPIC_MANY_PUBLISHERS', { topic, actors: pubs.join(', ') }));
    topics.set(topic, { publisher: pubs[0], subscribers: subscribers.get(topic) ?? [] });
  }
  for (const [topic, subs] of subscribers) {
    if (!publishers.has(topic)) {
      errors.push(appError('ERR_TOPIC_NO_PUBLISHER', { topic, actors: subs.map((s) => s.actor).join(', ') }));
    }
    if (subs.length > maxConsumers) {
      errors.push(appError('ERR_RING_NO_CONSUMER_SLOT', { topic, max: maxConsumers }));
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, topics };
}
