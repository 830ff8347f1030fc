// Placement: which part of the supervision tree one node runs, and what crosses to other nodes.
// PURE: the whole tree (as one process would run it) and the placement config in, one node's plan
// out. The tree is validated whole first (every subscribed topic has exactly one publisher
// somewhere); then each node keeps its own leaves and gains a `nats-bridge` actor that stands in
// for the remote ends of its topics:
//
//   node A                                         node B
//   market-feed ─► market.ticks ring ─┐            ┌─► market.ticks ring ─► trading-core-paper
//   strategy-runner ─► signals.raw ───┤ nats-bridge│─► paper.signals.raw ──►
//                                     └─ JetStream ┘   (the bridge is the local publisher)
//
// Invariants:
//   - every leaf runs on exactly one node, except the per-node services (they keep a node's own
//     store usable: the instrument registry every actor reads, and broker sessions), which run on
//     every node;
//   - an actor that reads another actor's stored state runs with it (COLOCATED groups: the fill
//     log is read by the portfolio, the archiver and the gateway from the cores' store);
//   - a topic with a remote subscriber is published by its local actor and sent by the bridge; a
//     topic with a remote publisher is published locally by the bridge (so each node's tree still
//     has exactly one publisher per ring, and validates as today).
import { appError, type AlphaPandaError } from '../errors.js';
import { didYouMean } from '../did-you-mean.js';
import { leavesOf, type ActorSpec, type ChildSpec, type LeafSpec, type SubscriptionSpec, type SupervisorSpec } from '../runtime/tree.js';

/** The name of the bridge actor every node of a cluster runs. */
export const BRIDGE_ACTOR = 'nats-bridge';

/** Services every node runs for its own store (never placed). */
export const PER_NODE = ['instrument-registry', 'auth'] as const;

/** A topic this node receives from another node. */
export interface InboundTopic {
  readonly topic: string;
  /** Local subscribers that may not lose a record: the stream is replayed from their positions. */
  readonly durable: readonly string[];
  readonly from: string;
}

/** A topic published here that is streamed: another node subscribes to it, or it is an event topic. */
export interface OutboundTopic {
  readonly topic: string;
  readonly to: readonly string[];
}

export interface NodePlan {
  readonly node: string;
  /** The node's tree: its own leaves (supervisors kept as far as they hold any) and the bridge. */
  readonly tree: SupervisorSpec;
  readonly inbound: readonly InboundTopic[];
  readonly outbound: readonly OutboundTopic[];
  /** Actors of other nodes whose checkpoint records actors here read (mirrored in). */
  readonly mirrorsIn: readonly string[];
  /** Actors here whose checkpoint records actors on other nodes read (mirrored out). */
  readonly mirrorsOut: readonly string[];
  /** Where every placed leaf runs (per-node services excluded). */
  readonly nodeOf: ReadonlyMap<string, string>;
}

export interface PlacementInput {
  readonly root: SupervisorSpec;
  /** Node name → leaf names; "*" takes every leaf no node names. */
  readonly placement: Readonly<Record<string, readonly string[]>>;
  readonly node: string;
  /** Groups of leaves that must share a node (they read each other's stored state). */
  readonly colocated: readonly (readonly string[])[];
  /** The bridge's module (built JS, relative to the project root). */
  readonly bridgeModule: string;
  /** Topics of fixed-layout records (market ticks): streamed only when another node subscribes. */
  readonly recordTopics: readonly string[];
  /** Arguments the bridge needs besides its plan (e.g. the config it runs with). */
  readonly bridgeArgs?: Readonly<Record<string, unknown>>;
}

const isPerNode = (name: string): boolean => (PER_NODE as readonly string[]).includes(name);

/** Where each placed leaf runs, or every problem with the placement. */
export function assignNodes(root: SupervisorSpec, placement: Readonly<Record<string, readonly string[]>>): { ok: true; nodeOf: Map<string, string> } | { ok: false; errors: AlphaPandaError[] } {
  const errors: AlphaPandaError[] = [];
  const bad = (reason: string): void => void errors.push(appError('ERR_PLACEMENT_INVALID', { reason }));
  const leaves = leavesOf(root).map((l) => l.name);
  const placeable = leaves.filter((n) => !isPerNode(n));
  const nodes = Object.keys(placement);
  // Nothing is placed: one problem, not one per actor
  if (nodes.length === 0) return { ok: false, errors: [appError('ERR_PLACEMENT_INVALID', { reason: 'cluster.placement names no node (set it, e.g. CLUSTER__PLACEMENT=\'{"A":["market-feed","strategy-runner"],"B":["*"]}\')' })] };
  const nodeOf = new Map<string, string>();
  let wildcard: string | undefined;
  for (const node of nodes) {
    for (const name of placement[node]!) {
      if (name === '*') {
        if (wildcard !== undefined) bad(`"*" is placed on both ${wildcard} and ${node}`);
        wildcard = node;
        continue;
      }
      if (isPerNode(name)) continue;
      if (!placeable.includes(name)) {
        bad(
          `node ${node} names "${name}", which is not an actor of this tree${didYouMean(name, placeable)}; actors: ${placeable.join(', ')} ` +
            '(every node builds the whole tree from its own configuration: run them all with the same one)',
        );
        continue;
      }
      const other = nodeOf.get(name);
      if (other !== undefined && other !== node) bad(`"${name}" is placed on both ${other} and ${node}`);
      nodeOf.set(name, node);
    }
  }
  for (const name of placeable) {
    if (nodeOf.has(name)) continue;
    if (wildcard !== undefined) nodeOf.set(name, wildcard);
    else bad(`"${name}" is placed on no node (name it, or give one node "*")`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, nodeOf };
}

/** Node `input.node`'s plan, or every problem with the placement (all at once). */
export function planNode(input: PlacementInput): { ok: true; plan: NodePlan } | { ok: false; errors: AlphaPandaError[] } {
  const { root, node } = input;
  const assigned = assignNodes(root, input.placement);
  const errors: AlphaPandaError[] = assigned.ok ? [] : [...assigned.errors];
  if (!Object.hasOwn(input.placement, node)) {
    const nodes = Object.keys(input.placement);
    if (nodes.length > 0) errors.push(appError('ERR_PLACEMENT_INVALID', { reason: `this node (${node}) is not in cluster.placement (nodes: ${nodes.join(', ')})` }));
  }
  // A per-node service runs everywhere, so it may not take part in what crosses nodes
  for (const l of leavesOf(root)) {
    if (!isPerNode(l.name)) continue;
    if (l.subscribes.length > 0 || (l.kind === 'actor' && (l.publishes.length > 0 || (l.readsCheckpointsOf ?? []).length > 0))) {
      errors.push(appError('ERR_PLACEMENT_INVALID', { reason: `"${l.name}" runs on every node and so may not publish, subscribe or read another actor's checkpoints` }));
    }
  }
  if (!assigned.ok) return { ok: false, errors };
  const { nodeOf } = assigned;
  for (const group of input.colocated) {
    const placed = group.filter((n) => nodeOf.has(n));
    const homes = new Set(placed.map((n) => nodeOf.get(n)!));
    if (homes.size > 1) {
      errors.push(appError('ERR_PLACEMENT_INVALID', { reason: `${placed.join(', ')} read one store and must run on one node, were placed on ${[...homes].join(', ')}` }));
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const here = (l: LeafSpec): boolean => isPerNode(l.name) || nodeOf.get(l.name) === node;
  const leaves = leavesOf(root);
  const publisherOf = new Map<string, string>();
  for (const l of leaves) if (l.kind === 'actor') for (const t of l.publishes) publisherOf.set(t, l.name);
  const subscribersOf = new Map<string, { name: string; spec: SubscriptionSpec; kind: LeafSpec['kind'] }[]>();
  for (const l of leaves) for (const s of l.subscribes) subscribersOf.set(s.topic, [...(subscribersOf.get(s.topic) ?? []), { name: l.name, spec: s, kind: l.kind }]);

  const inbound: InboundTopic[] = [];
  const outbound: OutboundTopic[] = [];
  for (const [topic, subs] of subscribersOf) {
    const publisher = publisherOf.get(topic);
    if (publisher === undefined) continue; // validateTree reports it
    const from = nodeOf.get(publisher) ?? node;
    const local = subs.filter((s) => isPerNode(s.name) || nodeOf.get(s.name) === node);
    if (from !== node && local.length > 0) {
      // Process children are fed lossily by their node's main thread: they never hold a stream back
      inbound.push({ topic, from, durable: local.filter((s) => s.kind === 'actor' && s.spec.lossy !== true).map((s) => s.name) });
    }
    if (from === node) {
      const to = [...new Set(subs.map((s) => nodeOf.get(s.name)).filter((n): n is string => n !== undefined && n !== node))];
      if (to.length > 0 || !input.recordTopics.includes(topic)) outbound.push({ topic, to });
    }
  }
  // Every event topic published here is streamed, subscribed elsewhere or not: signals, orders,
  // fills and PnL are readable by any NATS client (record topics only when a node needs them)
  for (const [topic, publisher] of publisherOf) {
    if (nodeOf.get(publisher) === node && !subscribersOf.has(topic) && !input.recordTopics.includes(topic)) outbound.push({ topic, to: [] });
  }

  const reads = leaves.flatMap((l) => (l.kind === 'actor' ? (l.readsCheckpointsOf ?? []).map((of) => ({ reader: l.name, of })) : []));
  const mirrorsIn = [...new Set(reads.filter((r) => nodeOf.get(r.reader) === node && nodeOf.get(r.of) !== node).map((r) => r.of))];
  const mirrorsOut = [...new Set(reads.filter((r) => nodeOf.get(r.reader) !== node && nodeOf.get(r.of) === node).map((r) => r.of))];

  const bridge: ActorSpec = {
    kind: 'actor',
    name: BRIDGE_ACTOR,
    module: input.bridgeModule,
    restart: 'permanent',
    needsStore: true,
    publishes: inbound.map((t) => t.topic),
    // Sent records are released once JetStream has stored them
    subscribes: outbound.map((t) => ({ topic: t.topic, manualRelease: true })),
    args: { ...input.bridgeArgs, node, inbound, outbound, mirrorsIn, mirrorsOut },
  };
  const prune = (s: SupervisorSpec): SupervisorSpec | undefined => {
    const children = s.children.flatMap((c): ChildSpec[] => {
      if (c.kind === 'supervisor') {
        const p = prune(c);
        return p === undefined ? [] : [p];
      }
      return here(c) ? [c] : [];
    });
    return children.length === 0 ? undefined : { ...s, children };
  };
  const pruned = prune(root);
  // The bridge starts first: every inbound ring has its publisher before anyone reads it
  const tree: SupervisorSpec = { ...root, children: [bridge, ...(pruned?.children ?? [])] };
  return { ok: true, plan: { node, tree, inbound, outbound, mirrorsIn, mirrorsOut, nodeOf } };
}
