// Worker entry for every actor: builds the ActorContext from the boot message, exposes the control
// plane over comlink, bumps the shared-memory heartbeat, and runs the pump. It adds no error
// handling of its own around actor code: an exception or unhandled rejection ends the worker and
// the supervisor restarts it (let it crash).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { actorLogger, createRootLogger, type LogSettings } from '../log.js';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { RootDatabase } from 'lmdb';
import { appError } from '../errors.js';
import { RingConsumer, RingProducer, ringStats } from '../transport/ring.js';
import { PortReceiver, PortSender, RingReceiver, RingSender, type ChannelSender, type HubFrame } from '../transport/channel.js';
import { DEFAULT_PUMP, Pump } from '../transport/pump.js';
import { IdSource } from '../protocol/envelope.js';
import { awaitPendingCommits, openStore } from '../store/lmdb.js';
import { HEARTBEAT_STRIDE, type WorkerBoot } from './boot.js';
import { realClock, sharedMonoNs } from './clock.js';
import type { Fault, ObservedRing, Actor, ActorClock, ActorContext, ActorControl, ActorFactory, ActorHealth, Subscription, WorkerStatus } from './actor.js';

const boot = workerData as WorkerBoot;
if (parentPort === null) throw new Error('worker-host must run in a worker thread');

const clock: ActorClock = { nowMs: realClock.nowMs, monoMs: realClock.monoMs, monoNs: sharedMonoNs };
// One root logger per thread (pino to process.stdout inside a worker), child per actor incarnation;
// the redact paths come from the main thread so secrets are hidden the same way everywhere.
const log = actorLogger(
  createRootLogger({ logLevel: boot.logLevel as LogSettings['logLevel'], redactKeys: boot.redactKeys }),
  boot.actor,
  boot.gen,
);
const board = new Int32Array(boot.board);
const heartbeat = new Int32Array(boot.heartbeat.sab);
const pump = new Pump(board, boot.doorbell, { ...DEFAULT_PUMP, monoMs: clock.monoMs });
const timers: NodeJS.Timeout[] = [];
const senders: ChannelSender<unknown>[] = [];
const portReceivers = new Map<string, PortReceiver<unknown>>();
const errorCounts: Record<string, number> = {};
let store: RootDatabase | undefined;
let actor: Actor | undefined;
let health: ActorHealth = { status: 'healthy' };
let stopping = false;

// Heartbeat: proves the event loop turns. A busy-looping actor stops bumping it and is terminated
// by the supervisor. The interval also keeps the loop alive while the pump parks in waitAsync.
const hbIndex = boot.heartbeat.index * HEARTBEAT_STRIDE;
timers.push(setInterval(() => Atomics.add(heartbeat, hbIndex, 1), boot.heartbeat.intervalMs));

function grant(topic: string, role: 'produce' | 'consume') {
  return boot.rings.find((r) => r.topic === topic && r.role === role);
}

function notGranted(topic: string, mode: string): never {
  throw appError('ERR_TOPIC_NOT_GRANTED', { actor: boot.actor, topic, mode });
}

function countError(code: string, detail: Readonly<Record<string, unknown>> = {}): void {
  const n = (errorCounts[code] ?? 0) + 1;
  errorCounts[code] = n;
  // Boundary errors are logged once per code, then only counted (the counts are in status()).
  if (n === 1) log.warn({ code, ...detail }, `boundary error ${code} (further occurrences counted, not logged)`);
}

if (boot.hubPort !== undefined) {
  const hub: MessagePort = boot.hubPort;
  hub.on('message', (frame: HubFrame) => {
    const r = portReceivers.get(frame.topic);
    if (r === undefined) return;
    r.push(frame);
    pump.ring();
  });
}

/** Ring producers of this actor's event publishers (burst() holds their wakes). */
const eventProducers: RingProducer[] = [];

const ctx: ActorContext = {
  name: boot.actor,
  gen: boot.gen,
  runId: boot.runId,
  log,
  clock,
  config: boot.config,
  args: boot.args,
  get store() {
    return store;
  },
  durability: boot.store?.durability ?? 'overlapping',
  ids: new IdSource(boot.runId, boot.actor, boot.gen),
  publisher<T>(topic: string): ChannelSender<T> {
    let s: ChannelSender<T>;
    const g = grant(topic, 'produce');
    if (g !== undefined && g.kind === 'events') {
      const producer = new RingProducer(g.sab, boot.gen, board);
      eventProducers.push(producer);
      s = new RingSender<T>(topic, producer);
    }
    else if (boot.portPublishes.includes(topic) && boot.hubPort !== undefined) s = new PortSender<T>(topic, boot.hubPort, boot.gen);
    else notGranted(topic, 'publish');
    senders.push(s as ChannelSender<unknown>);
    return s;
  },
  burst(fn: () => void): void {
    for (const p of eventProducers) p.hold();
    try {
      fn();
    } finally {
      for (const p of eventProducers) p.unhold();
    }
  },
  subscribe<T>(topic: string, handler: (msg: T, meta: { seq: number; gen: number }) => void): Subscription {
    const g = grant(topic, 'consume');
    if (g !== undefined && g.kind === 'events') {
      const consumer = new RingConsumer(g.sab, g.consumerIndex ?? 0, {
        lossy: g.lossy ?? false,
        manualRelease: g.manualRelease ?? false,
        doorbell: boot.doorbell,
      });
      pump.add(new RingReceiver<T>(topic, consumer, handler, boot.eventSlotBytes));
      return {
        topic,
        releaseThrough: (seq) => consumer.releaseThrough(seq),
        stats: () => ({ received: consumer.receivedCount, dropped: consumer.droppedCount, lag: consumer.available() }),
      };
    }
    if (boot.portSubscribes.includes(topic)) {
      const r = new PortReceiver<T>(topic, handler);
      portReceivers.set(topic, r as PortReceiver<unknown>);
      pump.add(r);
      return { topic, releaseThrough: () => undefined, stats: () => ({ received: 0, dropped: 0, lag: r.available() }) };
    }
    return notGranted(topic, 'subscribe');
  },
  recordProducer(topic) {
    const g = grant(topic, 'produce');
    if (g === undefined) return notGranted(topic, 'publish');
    return new RingProducer(g.sab, boot.gen, board);
  },
  subscribeRecords(topic, source) {
    const g = grant(topic, 'consume');
    if (g === undefined) return notGranted(topic, 'subscribe');
    const consumer = new RingConsumer(g.sab, g.consumerIndex ?? 0, { lossy: g.lossy ?? false, manualRelease: g.manualRelease ?? false, doorbell: boot.doorbell });
    const r = source(consumer, countError);
    pump.add(r);
    return r;
  },
  ringStats() {
    const out: Record<string, ObservedRing> = {};
    for (const o of boot.observed) out[o.topic] = { ...ringStats(o.sab), consumerNames: o.consumers };
    return out;
  },
  every(ms, fn) {
    timers.push(setInterval(fn, ms));
  },
  countError,
};

// The actor's module starts loading as soon as the worker boots, not when start() arrives: the
// supervisor spawns workers ahead of starting them (ChildLifecycle.prepare), so module graphs of
// later siblings load while earlier ones start. A failed import surfaces in start().
const actorModule = import(boot.moduleUrl) as Promise<{ default?: ActorFactory }>;
actorModule.catch(() => undefined);

const control: ActorControl = {
  async start() {
    if (boot.store !== undefined) {
      store = openStore({ path: boot.store.path, durability: boot.store.durability, ...(boot.store.mapSizeMb !== undefined ? { mapSizeMb: boot.store.mapSizeMb } : {}) });
      // The factory restores from the store: a dead predecessor's last commit must have landed
      awaitPendingCommits(store);
    }
    const mod = await actorModule;
    if (typeof mod.default !== 'function') throw new Error(`${boot.moduleUrl} has no default actor factory`);
    actor = await mod.default(ctx);
    // A pump failure is a handler exception: rethrow outside the promise chain so the worker dies.
    pump.start().catch((e: unknown) => setImmediate(() => { throw e; }));
    await actor.start?.();
    log.info('actor started');
  },
  async stop(reason: string) {
    if (stopping) return;
    stopping = true;
    await pump.stop();
    await actor?.stop?.(reason);
    await Promise.all(senders.map((s) => s.flushed()));
    for (const t of timers) clearInterval(t);
    if (store !== undefined) await store.close();
    log.info({ reason }, 'actor stopped');
  },
  status(): WorkerStatus {
    const mem = process.memoryUsage();
    return {
      name: boot.actor,
      gen: boot.gen,
      health: actor?.health?.() ?? health,
      errors: { ...errorCounts },
      pump: pump.stats(),
      memory: { heapUsed: mem.heapUsed, rss: mem.rss },
    };
  },
  snapshot() {
    return actor?.snapshot?.() ?? null;
  },
  async inject(fault: Fault) {
    if (!boot.faultInjection) throw new Error('fault injection is disabled');
    // Deferred so the comlink reply gets out first; each path dies the way real bugs do.
    setImmediate(() => {
      switch (fault) {
        case 'throw':
          throw new Error('injected fault: throw');
        case 'reject':
          void Promise.reject(new Error('injected fault: unhandled rejection'));
          return;
        case 'exit':
          process.exit(3);
        case 'hang':
          for (;;);
      }
    });
  },
  async call(command: string, arg: unknown) {
    if (actor?.call === undefined) throw new Error(`actor ${boot.actor} accepts no commands`);
    return actor.call(command, arg);
  },
};

health = { status: 'healthy' };
Comlink.expose(control, nodeEndpoint(parentPort));
