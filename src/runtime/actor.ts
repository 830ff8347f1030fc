// What an actor module sees: the context the runtime hands to its factory, and the small interface
// it returns. The runtime owns mailboxes (rings/ports), lifecycle, heartbeats and persistence
// plumbing; an actor only wires handlers and delegates decisions to pure domain code.
import { appError } from '../errors.js';
import type { RootDatabase } from 'lmdb';
import type { Logger } from 'pino';
import type { ChannelSender, DeliveryMeta, MessageHandler } from '../transport/channel.js';
import type { PumpSource } from '../transport/pump.js';
import type { IdSource } from '../protocol/envelope.js';
import type { Durability } from '../store/lmdb.js';
import type { RingConsumer, RingProducer, RingStats } from '../transport/ring.js';

/** Counts (and logs once per code) a boundary error. */
export type CountError = (code: string, detail?: Readonly<Record<string, unknown>>) => void;

/** A ring's counters plus the name of the subscriber behind each consumer slot. */
export interface ObservedRing extends RingStats {
  readonly consumerNames: readonly string[];
}

/** Time seams for actors (real in production; tests drive pure code with fake time instead). */
export interface ActorClock {
  nowMs(): number;
  monoMs(): number;
  /** Monotonic nanoseconds as a float (for latency stamps carried in tick records). */
  monoNs(): number;
}

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface ActorHealth {
  readonly status: HealthStatus;
  readonly detail?: string;
}

/** A subscription to an event topic. */
export interface Subscription {
  readonly topic: string;
  /** Release records up to and including `seq` (only meaningful with manualRelease). */
  releaseThrough(seq: number): void;
  /** Counters for status reports. */
  stats(): { received: number; dropped: number; lag: number };
}


export interface ActorContext<C = unknown> {
  readonly name: string;
  /** Incarnation number, bumped on every restart of this actor. */
  readonly gen: number;
  /** Identifies this process run; rings are fresh in every run (epoch for stored positions). */
  readonly runId: string;
  readonly log: Logger;
  readonly clock: ActorClock;
  /** The validated application config (structured clone of the main thread's), typed by defineActor. */
  readonly config: C;
  /** Per-actor arguments from the child spec. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The LMDB root database, present iff the child spec sets needsStore. */
  readonly store: RootDatabase | undefined;
  readonly durability: Durability;
  readonly ids: IdSource;
  /** A sender for a topic this actor's spec publishes; anything else is ERR_TOPIC_NOT_GRANTED. */
  publisher<T>(topic: string): ChannelSender<T>;
  /**
   * Runs `fn`, a burst of sends on this actor's publishers: consumers parked on those topics are
   * woken once when it returns rather than once per record (a checkpoint's release publishes
   * hundreds of records at once). Records are visible to awake consumers as they are written.
   */
  burst(fn: () => void): void;
  /** Subscribes to a topic from the spec; handlers run synchronously, in order, on the pump. */
  subscribe<T>(topic: string, handler: MessageHandler<T>): Subscription;
  /**
   * The producer end of a record topic's ring (fixed-layout binary records such as market ticks,
   * see SystemOptions.recordTopics). The record's codec lives with its type, not in the runtime:
   * src/services/feed/tick-channel.ts wraps this for ticks. An event topic's ring is granted the
   * same way to an actor that moves records without decoding them (the cluster bridge writes
   * JSON bytes as they came off the wire).
   */
  recordProducer(topic: string): RingProducer;
  /**
   * Subscribes to a record topic (or, raw, to an event topic): `source` wraps this actor's
   * consumer of the topic's ring (it decodes the records) and the pump drains it like any other input.
   */
  subscribeRecords<S extends PumpSource>(topic: string, source: (consumer: RingConsumer, countError: CountError) => S): S;
  /** Repeating timer owned by the runtime (cleared on stop). */
  every(ms: number, fn: () => void): void;
  /** Counters of every observed ring (only for specs with observeRings), keyed by topic. */
  ringStats(): Record<string, ObservedRing>;
  /** Report a counted, logged-once boundary error. */
  countError(code: string, detail?: Readonly<Record<string, unknown>>): void;
}

export interface Actor {
  /** Called after all subscriptions are wired and the pump runs: start producing here. */
  start?(): void | Promise<void>;
  /** Called on a requested stop, before the worker exits; flush and close here. */
  stop?(reason: string): void | Promise<void>;
  /** Status snapshot for the control plane (monitor, gateway). */
  snapshot?(): unknown;
  health?(): ActorHealth;
  /** Actor-specific control commands (e.g. the kill switch). */
  call?(command: string, arg: unknown): unknown;
}

export type ActorFactory = (ctx: ActorContext) => Actor | Promise<Actor>;

/** An actor's control commands: one handler per name, each parsing its own argument. */
export type Commands = Readonly<Record<string, (arg: unknown) => unknown>>;

/**
 * Actor.call over a table of commands: dispatches by name and answers any other name with
 * ERR_COMMAND_INVALID listing the known ones, so no actor writes its own "unknown command" branch.
 */
export function commandTable(commands: Commands): (command: string, arg: unknown) => unknown {
  const known = Object.keys(commands).join(', ');
  return (command, arg) => {
    if (!Object.hasOwn(commands, command)) throw appError('ERR_COMMAND_INVALID', { command, reason: `unknown command, expected one of ${known}` });
    return commands[command]!(arg);
  };
}

/**
 * Gives an actor module its typed default export. `C` is the type of the config the system was
 * built with: the runtime passes that one object (validated on the main thread, then structured-
 * cloned) to every actor unchanged, so the actors of one system declare the system's config type
 * here once instead of casting `ctx.config` each.
 */
export function defineActor<C = unknown>(factory: (ctx: ActorContext<C>) => Actor | Promise<Actor>): ActorFactory {
  return factory as ActorFactory;
}

/** What the worker reports to the control plane. */
export interface WorkerStatus {
  readonly name: string;
  readonly gen: number;
  readonly health: ActorHealth;
  readonly errors: Readonly<Record<string, number>>;
  readonly pump: { delivered: number; parks: number; spinHits: number };
  readonly memory: { heapUsed: number; rss: number };
}

/** The control-plane API a worker exposes over comlink. */
export interface ActorControl {
  start(): Promise<void>;
  stop(reason: string): Promise<void>;
  status(): WorkerStatus;
  snapshot(): unknown;
  call(command: string, arg: unknown): Promise<unknown>;
  /** Fault injection for tests (F1): only honoured when the system runs with faultInjection. */
  inject(fault: Fault): Promise<void>;
}

/** The ways a test can make an actor die from inside (a hang and an OOM are the others). */
export type Fault = 'throw' | 'reject' | 'exit' | 'hang';
