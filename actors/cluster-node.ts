// A cluster node's start (README, "Running on several machines"): the part of the tree placed on
// this node (src/cluster/placement.ts), and what must hold before it starts: the NATS server is
// reachable with JetStream (else ERR_NATS_UNREACHABLE, exit 6), the bridged topics' streams exist,
// a fresh node's outbound streams start a new lineage, and the checkpoint records this node's
// actors read are in its store (the feed's rewind point and the runner's cut are read at start).
import type { RootDatabase } from 'lmdb';
import type { Logger } from 'pino';
import type { AppConfig } from '../src/config.js';
import type { AlphaPandaError } from '../src/errors.js';
import { planNode, type NodePlan } from '../src/cluster/placement.js';
import { checkpointBucket, connectNats, ensureStreams } from '../src/cluster/nats.js';
import { streamOf } from '../src/cluster/subjects.js';
import { isCheckpointRecord } from '../src/protocol/checkpoint.js';
import { K } from '../src/store/keyspace.js';
import { MARKET_TICKS } from '../src/protocol/topics.js';
import { validateTree } from '../src/runtime/tree.js';
import { MAX_CONSUMERS } from '../src/runtime/system.js';
import { buildTree, colocatedGroups, tradingBrokers } from './tree.js';

/** This node's plan; the whole tree is validated first, as a single process would be. */
export function nodePlan(config: AppConfig, node: string): { ok: true; plan: NodePlan } | { ok: false; errors: AlphaPandaError[] } {
  const root = buildTree(config);
  const whole = validateTree(root, tradingBrokers(config), MAX_CONSUMERS);
  if (!whole.ok) return whole;
  return planNode({ root, placement: config.cluster.placement, node, colocated: colocatedGroups(config), recordTopics: [MARKET_TICKS], bridgeModule: 'dist/actors/nats-bridge.actor.js' });
}

/** Checks NATS and readies the streams and the store; throws ERR_NATS_UNREACHABLE. */
export async function prepareNode(config: AppConfig, plan: NodePlan, store: RootDatabase, log: Logger): Promise<void> {
  const { nc, jsm } = await connectNats(config.cluster, `alpha-panda ${plan.node} start`);
  try {
    const topics = [...plan.inbound.map((t) => t.topic), ...plan.outbound.map((t) => t.topic)];
    await ensureStreams(jsm, topics, config.cluster);
    // A node that has never run (no marker in its store) starts its outbound streams over: a
    // fresh subscriber reads a stream from its start, which must be this lineage's first record
    if (store.get(K.clusterLineage()) === undefined) {
      for (const t of plan.outbound) await jsm.streams.purge(streamOf(t.topic));
      store.putSync(K.clusterLineage(), { node: plan.node, at: Date.now() });
      if (plan.outbound.length > 0) log.info({ streams: plan.outbound.map((t) => streamOf(t.topic)) }, 'fresh node: outbound streams start a new lineage');
    }
    if (plan.mirrorsIn.length > 0) {
      const kv = await checkpointBucket(nc);
      for (const name of plan.mirrorsIn) {
        const e = await kv.get(name);
        const rec = e === null || e.operation !== 'PUT' ? undefined : e.json<unknown>();
        if (isCheckpointRecord(rec)) store.putSync(K.checkpoint(name), rec);
      }
    }
    log.info({ node: plan.node, nats: nc.getServer(), inbound: plan.inbound.map((t) => t.topic), outbound: plan.outbound.map((t) => t.topic) }, 'cluster node ready');
  } finally {
    await nc.close().catch(() => undefined);
  }
}
