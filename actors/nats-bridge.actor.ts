// The cluster bridge of one node (src/cluster/placement.ts decides what it carries): it stands in
// for the remote ends of this node's topics, so no other actor knows it runs on a cluster.
//   outbound: the rings of topics a remote node subscribes → their JetStream streams
//             (src/cluster/outbound.ts; ring records released once stored);
//   inbound:  the streams of topics published remotely → this node's rings, one record per
//             message, from where the local subscribers' checkpoints stand
//             (src/cluster/inbound.ts, src/cluster/epochs.ts);
//   mirrors:  checkpoint records that actors on the other node read (the strategy runner's cuts
//             and the feed's rewind point are named by the trading cores' checkpoints), through
//             a key-value bucket into the reading node's store;
//   fills:    a node's fill stream is exactly its fill log (src/cluster/fill-export.ts).
import type { AppConfig } from '../src/config.js';
import { appError } from '../src/errors.js';
import { jetstream } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { isCheckpointRecord } from '../src/protocol/checkpoint.js';
import { TICK_TAG } from '../src/protocol/tick-record.js';
import { MARKET_TICKS } from '../src/protocol/topics.js';
import { defineActor } from '../src/runtime/actor.js';
import { EVENT_TAG, RawReceiver } from '../src/transport/channel.js';
import { K } from '../src/store/keyspace.js';
import type { ConsumerPosition } from '../src/store/lmdb.js';
import { fingerprintOf, readHead } from '../src/services/feed/replay-position.js';
import { resumeAt, type Epoch } from '../src/cluster/epochs.js';
import { InboundStream } from '../src/cluster/inbound.js';
import { checkpointBucket, connectNats, ensureStreams } from '../src/cluster/nats.js';
import { OutboundStream } from '../src/cluster/outbound.js';
import type { InboundTopic, OutboundTopic } from '../src/cluster/placement.js';
import { durableOf, streamOf, subjectOf } from '../src/cluster/subjects.js';
import { refersTo, SentTicks } from '../src/cluster/tick-refs.js';
import { identify, type RecordKind } from '../src/cluster/message-ids.js';
import { fillMsgId, fillSeqOfEvent, fillTopicBroker, missingFillEvents } from '../src/cluster/fill-export.js';

/** How often released ring records are acknowledged and checkpoint records mirrored out, ms. */
const ACK_EVERY_MS = 20;
/** Redelivery of an unacknowledged message: longer than any checkpoint can take. */
const ACK_WAIT_MS = 5 * 60_000;
const PUBLISH_TIMEOUT_MS = 5_000;
/** How often the server's view of each consumer (lag, acks outstanding) is read for the status, ms. */
const INFO_EVERY_MS = 1_000;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export default defineActor<AppConfig>(async (ctx) => {
  const config = ctx.config;
  const cluster = config.cluster;
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: `${ctx.name} needs the store (needsStore)` });
  const node = String(ctx.args['node']);
  const inboundTopics = (ctx.args['inbound'] ?? []) as readonly InboundTopic[];
  const outboundTopics = (ctx.args['outbound'] ?? []) as readonly OutboundTopic[];
  const mirrorsIn = (ctx.args['mirrorsIn'] ?? []) as readonly string[];
  const mirrorsOut = (ctx.args['mirrorsOut'] ?? []) as readonly string[];

  const { nc, jsm } = await connectNats(cluster, `alpha-panda ${node} ${ctx.name}`);
  const js = jetstream(nc, { timeout: PUBLISH_TIMEOUT_MS });
  await ensureStreams(jsm, [...inboundTopics.map((t) => t.topic), ...outboundTopics.map((t) => t.topic)], cluster);
  const kv: KV | undefined = mirrorsIn.length + mirrorsOut.length > 0 ? await checkpointBucket(nc) : undefined;

  const conn = { connected: true, disconnects: 0, reconnects: 0, server: nc.getServer() };
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        conn.connected = false;
        conn.disconnects++;
        ctx.log.warn({ server: conn.server }, 'NATS connection lost: reconnecting');
      } else if (s.type === 'reconnect') {
        conn.connected = true;
        conn.reconnects++;
        conn.server = nc.getServer();
        ctx.log.info({ server: conn.server }, 'NATS connection back');
      }
    }
  })();
  const failedPublish = (subject: string) => (reason: string) => ctx.countError('ERR_NATS_PUBLISH', { subject, reason });
  const timers = new Set<NodeJS.Timeout>();
  const setTimer = (fn: () => void, ms: number): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  // ---- outbound -------------------------------------------------------------------------------
  // The lineage of tick ids: a replayed file's ticks keep their ids across restarts (feed
  // positions are file positions), so a node re-sending them after a crash is deduplicated
  const lineage =
    config.feed.source === 'replay' && config.feed.replayFile !== undefined
      ? `r${fingerprintOf(readHead(config.feed.replayFile)).sha1.slice(0, 16)}`
      : config.feed.source === 'kite'
        ? 'k'
        : `s${ctx.runId}`;
  const outbound = new Map<string, OutboundStream>();
  const tickOut = outboundTopics.some((t) => t.topic === MARKET_TICKS);
  const referring = outboundTopics.filter((t) => refersTo(t.topic) === MARKET_TICKS).map((t) => t.topic);
  // The ticks sent, for the records that name them and for what may leave the tick ring
  const ticksSent = new SentTicks(referring.length > 0);
  const sources = new Map<string, RawReceiver>();
  const releaseTicks = (): void => {
    const through = ticksSent.release();
    if (through !== null) sources.get(MARKET_TICKS)?.releaseThrough(through);
  };
  for (const t of outboundTopics) {
    const isTicks = t.topic === MARKET_TICKS;
    const refers = referring.includes(t.topic);
    const out = new OutboundStream({
      js,
      subject: subjectOf(t.topic),
      maxInFlight: cluster.maxInFlight,
      publishTimeoutMs: PUBLISH_TIMEOUT_MS,
      setTimer,
      failed: failedPublish(subjectOf(t.topic)),
      // An empty stream has no last message (null); a failure to ask is retried by the stream
      lastStoredId: () => jsm.streams.getMessage(streamOf(t.topic), { last_by_subj: subjectOf(t.topic) }).then((m) => m?.header.get('Nats-Msg-Id') ?? null),
      ...(refers && tickOut ? { tickSeqOf: (ring: number) => ticksSent.streamSeqOf(ring) } : {}),
      each: isTicks ? (ring, seq) => ticksSent.stored(ring, seq) : refers ? (ring) => ticksSent.namesStored(ring) : undefined,
      stored: (ring) => {
        if (isTicks) {
          releaseTicks();
          for (const r of referring) outbound.get(r)?.kick();
        } else if (ring >= 0) {
          sources.get(t.topic)?.releaseThrough(ring);
          if (refers) releaseTicks();
        }
      },
    });
    outbound.set(t.topic, out);
    // The fill log is here: first the fills a crash kept out of the stream (src/cluster/fill-export.ts)
    const fillBroker = fillTopicBroker(t.topic);
    const kind: RecordKind = isTicks ? 'ticks' : refers ? 'names-ticks' : fillBroker !== undefined ? 'fills' : 'events';
    if (fillBroker !== undefined) {
      const last = await jsm.streams.getMessage(streamOf(t.topic), { last_by_subj: subjectOf(t.topic) });
      const lastSeq = last === null ? undefined : fillSeqOfEvent(JSON.parse(decoder.decode(last.data)));
      if (lastSeq !== undefined) {
        const missing = missingFillEvents(db, fillBroker, lastSeq, ctx.ids, ctx.name, ctx.clock.nowMs());
        for (const env of missing) out.push({ ringSeq: -1, data: encoder.encode(JSON.stringify(env)), msgID: fillMsgId(fillSeqOfEvent(env)!) });
        if (missing.length > 0) ctx.log.warn({ topic: t.topic, after: lastSeq, fills: missing.length }, 'fills missing from their stream re-sent from the fill log');
      }
    }
    const source = ctx.subscribeRecords(t.topic, (consumer) =>
      new RawReceiver(consumer, (bytes, ring) => {
        const id = identify(kind, bytes, ring, ctx.runId, lineage);
        if (isTicks) ticksSent.read(ring);
        if (refers) ticksSent.named(ring, id.tickRef ?? -1);
        out.push({ ringSeq: ring, data: bytes, ...id });
      }),
    );
    sources.set(t.topic, source);
  }

  // ---- inbound --------------------------------------------------------------------------------
  const inbound = new Map<string, InboundStream>();
  const epochOf = (topic: string) => (run: string): Epoch | undefined => db.get(K.bridgeEpoch(run, topic)) as Epoch | undefined;
  // The tick stream first: records of the other streams may wait for its ticks
  const ordered = [...inboundTopics].sort((a, b) => Number(b.topic === MARKET_TICKS) - Number(a.topic === MARKET_TICKS));
  for (const t of ordered) {
    const isTicks = t.topic === MARKET_TICKS;
    const positions = t.durable.map((s) => db.get(K.position(s, t.topic)) as ConsumerPosition | undefined);
    const resume = resumeAt(positions, epochOf(t.topic));
    const ticks = refersTo(t.topic) === MARKET_TICKS ? inbound.get(MARKET_TICKS) : undefined;
    const stream = new InboundStream({
      js,
      jsm,
      topic: t.topic,
      stream: streamOf(t.topic),
      durable: durableOf(node, t.topic),
      producer: ctx.recordProducer(t.topic),
      tag: isTicks ? TICK_TAG : EVENT_TAG,
      json: !isTicks,
      epoch: epochOf(t.topic)(ctx.runId) ?? [],
      resume,
      saveEpoch: (epoch) => db.putSync(K.bridgeEpoch(ctx.runId, t.topic), epoch),
      ...(ticks !== undefined ? { ticks } : {}),
      maxAckPending: Math.max(1024, config.runtime.tickRingCapacity * 2),
      ackWaitMs: ACK_WAIT_MS,
      invalid: (reason, detail) => ctx.countError('ERR_CLUSTER_MESSAGE_INVALID', { subject: subjectOf(t.topic), reason, ...detail }),
    });
    inbound.set(t.topic, stream);
    ctx.log.info({ topic: t.topic, from: t.from, resume }, 'inbound stream');
  }

  // ---- checkpoint mirrors ---------------------------------------------------------------------
  const mirrored = new Map<string, number>();
  const mirrorOut = (): void => {
    if (kv === undefined) return;
    for (const name of mirrorsOut) {
      const rec = db.get(K.checkpoint(name));
      if (!isCheckpointRecord(rec) || mirrored.get(name) === rec.n) continue;
      mirrored.set(name, rec.n);
      kv.put(name, JSON.stringify(rec)).catch((e: unknown) => {
        mirrored.delete(name);
        failedPublish(`$KV.${name}`)((e as Error).message);
      });
    }
  };
  const watchers: { stop(): void }[] = [];
  const mirrorsSeen: Record<string, number> = {};

  let loops: Promise<unknown>[] = [];
  return {
    async start() {
      loops = [...inbound.values()].map((s) =>
        s.run().catch((e: unknown) => {
          // The consumer is gone for good (not a disconnect: those it rides out): crash and be restarted
          setImmediate(() => {
            throw e;
          });
        }),
      );
      if (kv !== undefined && mirrorsIn.length > 0) {
        const w = await kv.watch({ key: [...mirrorsIn] });
        watchers.push(w);
        void (async () => {
          for await (const e of w) {
            if (e.operation !== 'PUT') continue;
            const rec = e.json<unknown>();
            if (!isCheckpointRecord(rec)) continue;
            mirrorsSeen[e.key] = rec.n;
            await db.put(K.checkpoint(e.key), rec);
          }
        })();
      }
      ctx.every(ACK_EVERY_MS, () => {
        for (const s of inbound.values()) s.ackReleased();
      });
      ctx.every(config.runtime.checkpointIntervalMs, mirrorOut);
      ctx.every(INFO_EVERY_MS, () => {
        for (const s of inbound.values()) void s.refreshInfo();
      });
    },
    async stop() {
      for (const s of inbound.values()) s.stop();
      for (const w of watchers) w.stop();
      for (const t of timers) clearTimeout(t);
      await Promise.race([Promise.allSettled(loops), new Promise((r) => setTimeout(r, 1000))]);
      await nc.drain().catch(() => undefined);
    },
    snapshot: () => ({
      node,
      nats: { ...conn },
      inbound: [...inbound.entries()].map(([topic, s]) => ({ topic, ...s.status() })),
      outbound: [...outbound.entries()].map(([topic, s]) => ({ topic, backlog: s.backlog, inFlight: s.inflight, ...s.stats })),
      mirrors: { in: { ...mirrorsSeen }, out: Object.fromEntries(mirrored) },
    }),
    health: () => (conn.connected ? { status: 'healthy' } : { status: 'degraded', detail: 'NATS connection lost: reconnecting' }),
  };
});
