// Helpers for the market-feed integration tests: a two-actor tree (tick sink + market feed) over a
// temp LMDB, with the ring policy taken from the config exactly as the main job would.
import { join } from 'node:path';
import { AppConfigSchema, type AppConfig } from '../../src/config.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import type { MarketFeedSnapshot } from '../../src/protocol/market-feed.js';
import { openStore } from '../../src/store/lmdb.js';
import { effectiveTickRingPolicy } from '../../src/services/feed/settings.js';
import type { SinkRecord } from '../fixtures/tick-sink.actor.js';
import { makeSystem, sup } from './system.js';
import { tickRecordTopic } from '../../src/services/feed/tick-channel.js';

export const FEED = 'dist/actors/market-feed.actor.js';
export const SINK = 'dist/test/fixtures/tick-sink.actor.js';

/** Sink arguments (see test/fixtures/tick-sink.actor.ts). */
export interface SinkArgs {
  readonly spinUs?: number;
  readonly keepTicks?: boolean;
}

/** Starts sink + market-feed with `raw` config (parsed with the real schema) on LMDB at `dir`/lmdb. */
export async function startFeed(dir: string, raw: Record<string, unknown>, sink: SinkArgs = {}, ringCapacity = 1024): Promise<ActorSystem> {
  const config: AppConfig = AppConfigSchema.parse(raw);
  const node = (name: string, module: string, extra: Partial<ActorSpec>): ActorSpec => ({
    kind: 'actor', name, module, restart: 'permanent', publishes: [], subscribes: [], ...extra,
  });
  // The sink starts first, so it stops last: it keeps reading while the feed checkpoints
  const tree = sup('root', [
    node('sink', SINK, { args: { ...sink }, subscribes: [{ topic: 'market.ticks' }] }),
    node('market-feed', FEED, { needsStore: true, publishes: ['market.ticks'] }),
  ], { intensity: { maxRestarts: 0, periodMs: 1000 } });
  const system = makeSystem(tree, {
    config,
    recordTopics: [tickRecordTopic(ringCapacity, effectiveTickRingPolicy(config))],
    store: { path: join(dir, 'lmdb'), durability: 'nosync' },
  });
  await system.start();
  return system;
}

export const feedSnapshot = async (s: ActorSystem): Promise<MarketFeedSnapshot> =>
  (await s.actor('market-feed')!.control()!.call('status', null)) as MarketFeedSnapshot;

export const sinkRecord = async (s: ActorSystem): Promise<SinkRecord> => (await s.actor('sink')!.control()!.call('received', null)) as SinkRecord;

export const sinkCount = async (s: ActorSystem): Promise<number> => (await s.actor('sink')!.control()!.call('count', null)) as number;

/** Reads one key from the LMDB at `dir`/lmdb (the system must be stopped). */
export async function readStored(dir: string, key: readonly (string | number)[]): Promise<unknown> {
  const db = openStore({ path: join(dir, 'lmdb'), durability: 'nosync' });
  try {
    return db.get([...key]) as unknown;
  } finally {
    await db.close();
  }
}

/** Writes records into the LMDB at `dir`/lmdb before a system starts. */
export async function writeStored(dir: string, entries: readonly { key: readonly (string | number)[]; value: unknown }[]): Promise<void> {
  const db = openStore({ path: join(dir, 'lmdb'), durability: 'nosync' });
  try {
    await db.transaction(() => {
      for (const e of entries) void db.put([...e.key], e.value);
    });
  } finally {
    await db.close();
  }
}
