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
import { askNode, serveControl } from '../src/cluster/control.js';
import type { Subscription } from '@nats-io/transport-node';
import type { RemoteActor } from './requests.js';
import { isCheckpointRecord } from '../src/protocol/checkpoint.js';
import { K } from '../src/store/keyspace.js';
import { MARKET_TICKS } from '../src/protocol/topics.js';
import { validateTree, type ChildSpec, type SupervisorSpec } from '../src/runtime/tree.js';
import { tradingActorName } from '../src/protocol/actors.js';
import { MAX_CONSUMERS } from '../src/runtime/system.js';
import { buildTree, colocatedGroups, tradingBrokers } from './tree.js';

/** This node's plan; the whole tree is validated first, as a single process would be. */
export function nodePlan(config: AppConfig, node: string): { ok: true; plan: NodePlan } | { ok: false; errors: AlphaPandaError[] } {
  const root = buildTree(config);
  const whole = validateTree(root, tradingBrokers(config), MAX_CONSUMERS);
  if (!whole.ok) return whole;
  const planned = planNode({ root, placement: config.cluster.placement, node, colocated: colocatedGroups(config), recordTopics: [MARKET_TICKS], bridgeModule: 'dist/actors/nats-bridge.actor.js' });
  if (!planned.ok) return planned;
  // A gateway on a node without the trading store reads orders, fills and equity from that node
  const cores = tradingBrokers(config).map((b) => tradingActorName(config.runtime.topology, 'engine', b));
  const storeHere = cores.some((c) => planned.plan.nodeOf.get(c) === node);
  return storeHere ? planned : { ok: true, plan: { ...planned.plan, tree: withGatewayArgs(planned.plan.tree, { history: 'remote' }) } };
}

/** `tree` with `args` added to the gateway process's. */
function withGatewayArgs(tree: SupervisorSpec, args: Readonly<Record<string, unknown>>): SupervisorSpec {
  const visit = (c: ChildSpec): ChildSpec =>
    c.kind === 'supervisor' ? { ...c, children: c.children.map(visit) } : c.kind === 'process' && c.name === 'gateway' ? { ...c, args: { ...c.args, ...args } } : c;
  return { ...tree, children: tree.children.map(visit) };
}

/** How long a request to another node's actor may take (as a local actor call, actors/requests.ts). */
const REMOTE_TIMEOUT_MS = 5000;

/** This node's end of the control plane (src/cluster/control.ts). */
export interface NodeControl {
  /** Requests for actors placed on other nodes (undefined: the actor is local or unknown). */
  readonly remote: RemoteActor;
  /** Starts answering other nodes' requests with this node's own handler. */
  serve(handle: (command: string, arg: unknown) => Promise<unknown>): void;
  close(): Promise<void>;
}

/**
 * Checks NATS and readies the streams and the store (throws ERR_NATS_UNREACHABLE), and keeps the
 * connection for the control plane.
 */
export async function prepareNode(config: AppConfig, plan: NodePlan, store: RootDatabase, log: Logger): Promise<NodeControl> {
  const { nc, jsm } = await connectNats(config.cluster, `alpha-panda ${plan.node} main`);
  let sub: Subscription | undefined;
  const control: NodeControl = {
    remote: (actor) => {
      const there = plan.nodeOf.get(actor);
      return there === undefined || there === plan.node ? undefined : (command, arg) => askNode(nc, there, command, arg, REMOTE_TIMEOUT_MS);
    },
    serve: (handle) => {
      sub = serveControl(nc, plan.node, handle);
    },
    close: async () => {
      sub?.unsubscribe();
      await nc.drain().catch(() => undefined);
    },
  };
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
    return control;
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
}
