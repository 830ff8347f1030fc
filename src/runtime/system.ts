// The actor system: validates the tree, allocates the shared memory every actor needs (tick and
// event rings with pre-registered consumers, the doorbell board, heartbeat words), gates actors on
// LMDB readiness, relays the postMessage transport, and runs the root supervisor. Rings live here,
// in the main thread, so they survive any actor restart.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RootDatabase } from 'lmdb';
import { appError, type AlphaPandaError } from '../errors.js';
import { createRing, registerConsumer, ringStats, type RingStats } from '../transport/ring.js';
import { createDoorbellBoard } from '../transport/ring-layout.js';
import type { HubFrame } from '../transport/channel.js';
import type { RingPolicy } from '../transport/ring-layout.js';
import type { Broker } from '../domain/types.js';
import { openStore, probeStore, type Durability } from '../store/lmdb.js';
import { HEARTBEAT_STRIDE, type RingGrant, type Transport, type WorkerBoot } from './boot.js';
import { Supervisor, type SupervisorEvents, type SupervisorStatus } from './supervisor.js';
import { actorsOf, validateTree, type ActorSpec, type ProcessSpec, type SupervisorSpec, type TopicUse } from './tree.js';
import type { ActorProcess } from './child.js';
import type { OsProcess } from './process-child.js';
import type { ProcessBoot } from './process-protocol.js';
import { DEFAULT_TAP, startBridge } from './bridge.js';

export interface SystemOptions {
  readonly root: SupervisorSpec;
  readonly activeBrokers: readonly Broker[];
  /** Structured-cloneable config handed to every actor. */
  readonly config: unknown;
  readonly runId: string;
  readonly transport: Transport;
  /**
   * Topics of fixed-layout binary records (market ticks) rather than JSON events, each with its
   * own ring geometry and policy. The runtime knows nothing of their layout: actors reach them
   * through recordProducer/subscribeRecords and the codec that comes with the record type.
   */
  readonly recordTopics: readonly RecordTopic[];
  readonly eventRing: { readonly capacity: number; readonly slotBytes: number };
  readonly heartbeatMs: number;
  readonly hangTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly stopDeadlineMs: number;
  readonly maxOldGenerationSizeMb: number;
  readonly store?: { readonly path: string; readonly durability: Durability; readonly mapSizeMb?: number };
  /** Override of the store readiness gate (tests). Defaults to open + probe write. */
  readonly storeReady?: () => Promise<void>;
  readonly logLevel: string;
  /** Extra redaction keys (config app.redactKeys) for worker loggers. */
  readonly redactKeys?: readonly string[];
  readonly nowMs: () => number;
  readonly random: () => number;
  readonly events?: SupervisorEvents;
  /** Serves requests from process children (e.g. the gateway asking for status). */
  readonly processRequests?: (from: string, command: string, arg: unknown) => Promise<unknown>;
  /** Lets tests make actors crash from inside (ActorControl.inject). Never on in production. */
  readonly faultInjection?: boolean;
}

/** A record topic (see SystemOptions.recordTopics). */
export interface RecordTopic {
  readonly topic: string;
  /** Ring tag of its records: the stream tap forwards only these. */
  readonly tag: number;
  readonly slotBytes: number;
  readonly capacity: number;
  /** drop: the producer laps slow consumers (who count the loss), and subscribers default to lossy. */
  readonly policy: RingPolicy;
}

export const MAX_CONSUMERS = 16;

/** Walks up from this file to the directory holding package.json (works from src/ and dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export class InvalidTreeError extends Error {
  constructor(readonly errors: readonly AlphaPandaError[]) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('\n'));
    this.name = 'InvalidTreeError';
  }
}

export class ActorSystem {
  readonly root: Supervisor;
  readonly topics: ReadonlyMap<string, TopicUse>;
  private readonly rings = new Map<string, SharedArrayBuffer>();
  private readonly consumerIndex = new Map<string, number>(); // `${topic}\u0000${actor}`
  private readonly actorIndex = new Map<string, number>();
  private readonly board: Int32Array;
  private readonly heartbeat: Int32Array;
  private readonly hubPorts = new Map<string, MessagePort>();
  private readonly projectDir = projectRoot();
  private hbTimer: NodeJS.Timeout | undefined;
  private storeGate: Promise<void> | undefined;
  private db: RootDatabase | undefined;

  /** Validates the tree (every error at once) and allocates shared memory; starts nothing. */
  constructor(private readonly opts: SystemOptions) {
    const v = validateTree(opts.root, opts.activeBrokers, MAX_CONSUMERS);
    if (!v.ok) throw new InvalidTreeError(v.errors);
    this.topics = v.topics;
    const actors = actorsOf(opts.root);
    actors.forEach((a, i) => this.actorIndex.set(a.name, i));
    this.board = createDoorbellBoard(actors.length);
    this.heartbeat = new Int32Array(new SharedArrayBuffer(actors.length * HEARTBEAT_STRIDE * 4));
    for (const [topic, use] of v.topics) {
      // Records always travel on rings; events only with the ring transport (else postMessage)
      const record = this.recordTopic(topic);
      if (record === undefined && opts.transport === 'port') continue;
      const sab = createRing({
        capacity: record?.capacity ?? opts.eventRing.capacity,
        slotBytes: record?.slotBytes ?? opts.eventRing.slotBytes,
        policy: record?.policy ?? 'block',
        maxConsumers: MAX_CONSUMERS,
      });
      // Consumers are registered before any worker runs, so a gating consumer gates from the
      // very first record even if its worker starts after the producer's.
      use.subscribers.forEach((s, i) => {
        const lossy = s.spec.lossy ?? record?.policy === 'drop';
        registerConsumer(sab, i, lossy);
        this.consumerIndex.set(`${topic}\u0000${s.actor}`, i);
      });
      this.rings.set(topic, sab);
    }
    this.root = new Supervisor(opts.root, {
      hostUrl: pathToFileURL(join(this.projectDir, 'dist/src/runtime/worker-host.js')),
      nowMs: opts.nowMs,
      storeReady: () => this.storeReady(),
      bootFor: (spec, gen) => this.bootFor(spec, gen),
      onIncarnation: () => undefined,
      defaultStartTimeoutMs: opts.startTimeoutMs,
      defaultStopMs: opts.stopDeadlineMs,
      defaultMaxOldGenMb: opts.maxOldGenerationSizeMb,
      heartbeat: { view: this.heartbeat, word: (spec) => this.actorIndex.get(spec.name)! * HEARTBEAT_STRIDE },
      random: opts.random,
      sleep: (ms) => sleep(ms),
      events: opts.events ?? {},
      entryPath: join(this.projectDir, 'dist/src/runtime/process-host.js'),
      processBootFor: (spec, gen) => this.processBootFor(spec, gen),
      onProcessRequest: (spec, command, arg) =>
        opts.processRequests !== undefined
          ? opts.processRequests(spec.name, command, arg)
          : Promise.reject(new Error(`no handler for process request ${command}`)),
      attachBridge: (spec, sink) =>
        startBridge(
          spec.subscribes.flatMap((sub) => {
            const sab = this.rings.get(sub.topic);
            const consumerIndex = this.consumerIndex.get(`${sub.topic}\u0000${spec.name}`);
            if (sab === undefined || consumerIndex === undefined) return [];
            const tag = this.recordTopic(sub.topic)?.tag;
            return [{ topic: sub.topic, sab, consumerIndex, ...(tag !== undefined ? { recordTag: tag } : {}) }];
          }),
          sink,
          DEFAULT_TAP,
        ).stop,
    });
  }

  async start(): Promise<void> {
    this.hbTimer = setInterval(() => this.root.checkHeartbeats(this.opts.nowMs(), this.opts.hangTimeoutMs), this.opts.heartbeatMs);
    await this.root.start();
  }

  async stop(reason = 'shutdown'): Promise<void> {
    await this.root.stop(reason);
    clearInterval(this.hbTimer);
    for (const p of this.hubPorts.values()) p.close();
    if (this.db !== undefined) await this.db.close();
  }

  status(): SupervisorStatus {
    return this.root.status();
  }

  actor(name: string): ActorProcess | undefined {
    return this.root.find(name);
  }

  /** A process child (e.g. the gateway) by name. */
  process(name: string): OsProcess | undefined {
    const c = this.root.findChild(name);
    return c !== undefined && 'kill9' in c ? c : undefined;
  }

  private recordTopic(topic: string): RecordTopic | undefined {
    return this.opts.recordTopics.find((r) => r.topic === topic);
  }

  /** The main thread's handle on the store (opened by the readiness gate). */
  get store(): RootDatabase | undefined {
    return this.db;
  }

  /** Opens the store ahead of the tree (the same gate every actor start passes), e.g. to read where it stands before anything runs. */
  async openStore(): Promise<RootDatabase | undefined> {
    await this.storeReady();
    return this.db;
  }

  ringStats(): Record<string, RingStats> {
    const out: Record<string, RingStats> = {};
    for (const [topic, sab] of this.rings) out[topic] = ringStats(sab);
    return out;
  }

  /** Subscriber name of each consumer index of a topic (for reports). */
  consumersOf(topic: string): string[] {
    return (this.topics.get(topic)?.subscribers ?? []).map((s) => s.actor);
  }

  private storeReady(): Promise<void> {
    if (this.opts.storeReady !== undefined) return this.opts.storeReady();
    const store = this.opts.store;
    if (store === undefined) return Promise.reject(appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: 'no store configured' }));
    this.storeGate ??= (async () => {
      this.db = openStore(store);
      await probeStore(this.db, store.path, this.opts.nowMs());
    })();
    // A failed gate is retried by the next actor start (after its backoff), not cached forever.
    this.storeGate.catch(() => {
      this.storeGate = undefined;
    });
    return this.storeGate;
  }

  /** Boot fields every child kind gets (worker actor or OS process). */
  private commonBoot(spec: ActorSpec | ProcessSpec, gen: number) {
    return {
      moduleUrl: pathToFileURL(join(this.projectDir, spec.module)).href,
      gen,
      runId: this.opts.runId,
      config: this.opts.config,
      logLevel: this.opts.logLevel,
      redactKeys: this.opts.redactKeys ?? [],
      args: spec.args ?? {},
      ...(spec.needsStore === true && this.opts.store !== undefined ? { store: this.opts.store } : {}),
    };
  }

  private processBootFor(spec: ProcessSpec, gen: number): ProcessBoot {
    return {
      ...this.commonBoot(spec, gen),
      name: spec.name,
      heartbeatMs: this.opts.heartbeatMs,
    };
  }

  private bootFor(spec: ActorSpec, gen: number): { boot: WorkerBoot; transfer: readonly unknown[] } {
    const rings: RingGrant[] = [];
    const portPublishes: string[] = [];
    const portSubscribes: string[] = [];
    for (const topic of spec.publishes) {
      const sab = this.rings.get(topic);
      if (sab !== undefined) rings.push({ topic, kind: this.recordTopic(topic) !== undefined ? 'records' : 'events', sab, role: 'produce' });
      else portPublishes.push(topic);
    }
    for (const s of spec.subscribes) {
      const sab = this.rings.get(s.topic);
      if (sab === undefined) {
        portSubscribes.push(s.topic);
        continue;
      }
      const consumerIndex = this.consumerIndex.get(`${s.topic}\u0000${spec.name}`)!;
      const record = this.recordTopic(s.topic);
      rings.push({
        topic: s.topic,
        kind: record !== undefined ? 'records' : 'events',
        sab,
        role: 'consume',
        consumerIndex,
        lossy: s.lossy ?? record?.policy === 'drop',
        manualRelease: s.manualRelease ?? false,
      });
    }
    const transfer: unknown[] = [];
    let hubPort: MessagePort | undefined;
    if (portPublishes.length + portSubscribes.length > 0) {
      const ch = new MessageChannel();
      this.hubPorts.get(spec.name)?.close();
      this.hubPorts.set(spec.name, ch.port1);
      ch.port1.on('message', (frame: HubFrame) => this.relay(spec, frame));
      ch.port1.unref();
      hubPort = ch.port2;
      transfer.push(ch.port2);
    }
    const idx = this.actorIndex.get(spec.name)!;
    const boot: WorkerBoot = {
      ...this.commonBoot(spec, gen),
      actor: spec.name,
      heartbeat: { sab: this.heartbeat.buffer as SharedArrayBuffer, index: idx, intervalMs: Math.max(10, Math.floor(this.opts.heartbeatMs / 2)) },
      board: this.board.buffer as SharedArrayBuffer,
      doorbell: idx,
      transport: this.opts.transport,
      rings,
      portPublishes,
      portSubscribes,
      ...(hubPort !== undefined ? { hubPort } : {}),
      eventSlotBytes: this.opts.eventRing.slotBytes,
      faultInjection: this.opts.faultInjection ?? false,
      observed:
        spec.observeRings === true
          ? [...this.rings].map(([topic, sab]) => ({ topic, sab, consumers: this.consumersOf(topic) }))
          : [],
    };
    return { boot, transfer };
  }

  /** postMessage transport: forward a frame to every live subscriber of its topic. */
  private relay(from: ActorSpec, frame: HubFrame): void {
    if (!from.publishes.includes(frame.topic)) return;
    for (const s of this.topics.get(frame.topic)?.subscribers ?? []) this.hubPorts.get(s.actor)?.postMessage(frame);
  }
}
