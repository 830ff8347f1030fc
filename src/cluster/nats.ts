// The NATS side of a cluster node: connecting (an unreachable server, or one without JetStream, is
// a start-up error that names the URL), the streams behind the bridged topics, and the bucket that
// mirrors checkpoint records. Used by a node's main thread before its tree starts and by the bridge.
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { appError } from '../errors.js';
import { CHECKPOINT_BUCKET, streamOf, subjectOf } from './subjects.js';

export interface NatsSettings {
  readonly natsUrl: string;
  readonly connectTimeoutMs: number;
  readonly streamMaxAgeMs: number;
  readonly dedupeWindowMs: number;
}

/** The server list of a comma-separated URL setting. */
export function serversOf(url: string): string[] {
  return url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Connects, reconnecting forever after the first success (a restarted server is waited for with
 * backoff; what was sent meanwhile is retried by the bridge). The first attempt fails fast with
 * ERR_NATS_UNREACHABLE, as does a server without JetStream.
 */
export async function connectNats(settings: NatsSettings, name: string): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const url = settings.natsUrl;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: serversOf(url),
      name,
      timeout: settings.connectTimeoutMs,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 250,
      pingInterval: 5_000,
      // Every publish is a request: without this, each one builds an Error for its stack trace
      noAsyncTraces: true,
    });
  } catch (e) {
    throw appError('ERR_NATS_UNREACHABLE', { url, reason: (e as Error).message });
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: settings.connectTimeoutMs });
    return { nc, jsm };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw appError('ERR_NATS_UNREACHABLE', { url, reason: `JetStream is not available (start nats-server with -js): ${(e as Error).message}` });
  }
}

/** The stream config of a topic: file storage, kept `streamMaxAgeMs`, event ids deduplicated within the window. */
export function streamConfig(topic: string, settings: NatsSettings): Partial<StreamConfig> & { name: string; max_age: number; duplicate_window: number } {
  return {
    name: streamOf(topic),
    subjects: [subjectOf(topic)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.streamMaxAgeMs),
    duplicate_window: nanos(Math.min(settings.dedupeWindowMs, settings.streamMaxAgeMs)),
  };
}

/** Creates the streams of `topics`, or brings an existing one's limits to the settings. */
export async function ensureStreams(jsm: JetStreamManager, topics: readonly string[], settings: NatsSettings): Promise<void> {
  for (const topic of topics) {
    const cfg = streamConfig(topic, settings);
    const existing = await jsm.streams.info(cfg.name).catch(() => undefined);
    if (existing === undefined) {
      // Two nodes may race to create it: the loser finds it made
      await jsm.streams.add(cfg).catch(async (e: unknown) => {
        if ((await jsm.streams.info(cfg.name).catch(() => undefined)) === undefined) throw e;
      });
    } else if (existing.config.max_age !== cfg.max_age || existing.config.duplicate_window !== cfg.duplicate_window) {
      await jsm.streams.update(cfg.name, { max_age: cfg.max_age, duplicate_window: cfg.duplicate_window });
    }
  }
}

/** The checkpoint mirror bucket (one value per actor: its last completed checkpoint record). */
export function checkpointBucket(nc: NatsConnection): Promise<KV> {
  return new Kvm(nc).create(CHECKPOINT_BUCKET, { history: 1 });
}
