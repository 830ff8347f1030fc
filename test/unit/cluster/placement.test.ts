// Cluster placement (src/cluster/placement.ts): which leaves each node runs, what crosses between
// nodes (inbound/outbound topics, mirrored checkpoints) and the node's own tree with its bridge.
import { describe, expect, it } from 'vitest';
import { buildTree, colocatedGroups, tradingBrokers } from '../../../actors/tree.js';
import { isAppError, type AlphaPandaError } from '../../../src/errors.js';
import { assignNodes, BRIDGE_ACTOR, planNode, type NodePlan, type PlacementInput } from '../../../src/cluster/placement.js';
import { leavesOf, validateTree, type ActorSpec, type ChildSpec, type ProcessSpec, type SubscriptionSpec, type SupervisorSpec } from '../../../src/runtime/tree.js';
import { pipelineConfig } from '../../support/pipeline.js';

// ---- a small hand-built tree --------------------------------------------------------------------

const actor = (name: string, publishes: string[], subscribes: SubscriptionSpec[], extra: Partial<ActorSpec> = {}): ActorSpec => ({
  kind: 'actor',
  name,
  module: `dist/actors/${name}.actor.js`,
  restart: 'permanent',
  publishes,
  subscribes,
  ...extra,
});
const proc = (name: string, subscribes: SubscriptionSpec[]): ProcessSpec => ({ kind: 'process', name, module: `dist/${name}.js`, restart: 'permanent', subscribes });
const sup = (name: string, children: ChildSpec[], strategy: SupervisorSpec['strategy'] = 'one_for_one'): SupervisorSpec => ({
  kind: 'supervisor',
  name,
  strategy,
  restart: 'transient',
  intensity: { maxRestarts: 3, periodMs: 1000 },
  backoff: { baseMs: 10, maxMs: 100 },
  children,
});

const TICKS = 'market.ticks';
const RAW = 'paper.signals.raw';
const FILLED = 'paper.orders.filled';
const VALIDATED = 'paper.signals.validated';
const PNL = 'paper.pnl.snapshots';

//   root
//   ├─ instrument-registry, auth         (per-node services)
//   ├─ trading_sup (rest_for_one)
//   │   ├─ feed       → ticks
//   │   ├─ runner     ticks → raw               (reads core's checkpoints)
//   │   ├─ core       ticks, raw → filled, validated
//   │   └─ portfolio  filled, ticks(lossy) → pnl (reads core's checkpoints)
//   ├─ monitor        ticks(lossy), raw(lossy)
//   └─ gw_sup
//       └─ gateway (process)  ticks, filled
function smallTree(): SupervisorSpec {
  return {
    ...sup(
      'root',
      [
        actor('instrument-registry', [], []),
        actor('auth', [], []),
        sup(
          'trading_sup',
          [
            actor('feed', [TICKS], []),
            actor('runner', [RAW], [{ topic: TICKS, manualRelease: true }], { readsCheckpointsOf: ['core'] }),
            actor('core', [FILLED, VALIDATED], [
              { topic: TICKS, manualRelease: true },
              { topic: RAW, manualRelease: true },
            ]),
            actor('portfolio', [PNL], [{ topic: FILLED }, { topic: TICKS, lossy: true }], { readsCheckpointsOf: ['core'] }),
          ],
          'rest_for_one',
        ),
        actor('monitor', [], [
          { topic: TICKS, lossy: true },
          { topic: RAW, lossy: true },
        ]),
        sup('gw_sup', [proc('gateway', [{ topic: TICKS }, { topic: FILLED }])]),
      ],
    ),
    restart: 'permanent',
  };
}

const input = (over: Partial<PlacementInput> & Pick<PlacementInput, 'placement' | 'node'>): PlacementInput => ({
  root: smallTree(),
  colocated: [],
  bridgeModule: 'dist/actors/nats-bridge.actor.js',
  recordTopics: [TICKS],
  ...over,
});

function plan(over: Partial<PlacementInput> & Pick<PlacementInput, 'placement' | 'node'>): NodePlan {
  const r = planNode(input(over));
  if (!r.ok) throw new Error(`expected a plan, got: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.plan;
}

function errorsOf(r: { ok: true } | { ok: false; errors: AlphaPandaError[] }): AlphaPandaError[] {
  if (r.ok) throw new Error('expected the placement to be refused');
  for (const e of r.errors) expect(isAppError(e, 'ERR_PLACEMENT_INVALID')).toBe(true);
  return r.errors;
}

const names = (c: ChildSpec): string[] => (c.kind === 'supervisor' ? c.children.flatMap(names) : [c.name]);
const supNames = (c: ChildSpec): string[] => (c.kind === 'supervisor' ? [c.name, ...c.children.flatMap(supNames)] : []);
const byTopic = <T extends { topic: string }>(xs: readonly T[]): Record<string, T> => Object.fromEntries(xs.map((x) => [x.topic, x]));

describe('assignNodes', () => {
  it('"*" takes every leaf no node names; per-node services are never assigned', () => {
    const r = assignNodes(smallTree(), { A: ['feed', 'runner'], B: ['*'] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.fromEntries(r.nodeOf)).toEqual({ feed: 'A', runner: 'A', core: 'B', portfolio: 'B', monitor: 'B', gateway: 'B' });
    expect(r.nodeOf.has('auth')).toBe(false);
    expect(r.nodeOf.has('instrument-registry')).toBe(false);
  });

  it('a named actor wins over "*" whichever node is listed first', () => {
    const r = assignNodes(smallTree(), { B: ['*'], A: ['core', 'portfolio'] });
    if (!r.ok) throw new Error('expected ok');
    expect(r.nodeOf.get('core')).toBe('A');
    expect(r.nodeOf.get('portfolio')).toBe('A');
    expect(r.nodeOf.get('feed')).toBe('B');
  });

  it('placing every leaf by name needs no "*"', () => {
    const r = assignNodes(smallTree(), { A: ['feed', 'runner', 'core'], B: ['portfolio', 'monitor', 'gateway'] });
    if (!r.ok) throw new Error('expected ok');
    expect(r.nodeOf.size).toBe(6);
  });

  it('naming the same actor twice on one node is fine; naming a per-node service is accepted and ignored', () => {
    const r = assignNodes(smallTree(), { A: ['feed', 'feed', 'auth', 'instrument-registry'], B: ['*'] });
    if (!r.ok) throw new Error('expected ok');
    expect(r.nodeOf.get('feed')).toBe('A');
    expect(r.nodeOf.has('auth')).toBe(false);
  });

  it('refuses an actor placed on two nodes', () => {
    const errs = errorsOf(assignNodes(smallTree(), { A: ['feed'], B: ['feed', '*'] }));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toContain('"feed" is placed on both A and B');
  });

  it('refuses an unknown actor name with a did-you-mean hint and the list of actors', () => {
    const errs = errorsOf(assignNodes(smallTree(), { A: ['portfolo'], B: ['*'] }));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toContain('"portfolo"');
    expect(errs[0]!.message).toContain('did you mean portfolio?');
    expect(errs[0]!.message).toContain('actors: feed, runner, core, portfolio, monitor, gateway');
  });

  it('gives no hint for a name nothing resembles', () => {
    const errs = errorsOf(assignNodes(smallTree(), { A: ['zzzzzzzzzz'], B: ['*'] }));
    expect(errs[0]!.message).not.toContain('did you mean');
  });

  it('refuses actors placed nowhere when no node has "*", one error each', () => {
    const errs = errorsOf(assignNodes(smallTree(), { A: ['feed', 'runner', 'core', 'portfolio'] }));
    expect(errs.map((e) => e.detail['reason'])).toEqual([
      '"monitor" is placed on no node (name it, or give one node "*")',
      '"gateway" is placed on no node (name it, or give one node "*")',
    ]);
  });

  it('refuses "*" on two nodes', () => {
    const errs = errorsOf(assignNodes(smallTree(), { A: ['*'], B: ['*'] }));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toContain('"*" is placed on both A and B');
  });

  it('refuses a placement naming no node', () => {
    const errs = errorsOf(assignNodes(smallTree(), {}));
    // One problem, not one per unplaced actor
    expect(errs).toHaveLength(1);
    expect(String(errs[0]!.detail['reason'])).toContain('names no node');
    expect(errorsOf(planNode(input({ placement: {}, node: 'A' })))).toHaveLength(1);
  });

  it('reports every problem at once', () => {
    const errs = errorsOf(assignNodes(smallTree(), { A: ['feed', 'nope'], B: ['feed', 'core'] }));
    // feed twice, "nope" unknown, runner/portfolio/monitor/gateway unplaced
    expect(errs).toHaveLength(6);
  });
});

describe('planNode: refusals', () => {
  it('refuses a node that is not in the placement, naming the nodes', () => {
    const errs = errorsOf(planNode(input({ placement: { A: ['feed'], B: ['*'] }, node: 'C' })));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toContain('this node (C) is not in cluster.placement (nodes: A, B)');
  });

  it('refuses a colocated group split across nodes', () => {
    const errs = errorsOf(planNode(input({ placement: { A: ['feed', 'core'], B: ['*'] }, node: 'A', colocated: [['core', 'portfolio', 'gateway']] })));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toContain('core, portfolio, gateway read one store and must run on one node');
    expect(errs[0]!.message).toContain('A, B');
  });

  it('accepts a colocated group on one node, and ignores group members absent from the tree', () => {
    const r = planNode(input({ placement: { A: ['feed'], B: ['*'] }, node: 'B', colocated: [['core', 'portfolio', 'not-in-this-tree']] }));
    expect(r.ok).toBe(true);
  });

  it('passes on the assignment errors', () => {
    const errs = errorsOf(planNode(input({ placement: { A: ['*'], B: ['*'] }, node: 'A' })));
    expect(errs[0]!.message).toContain('"*" is placed on both');
  });

  it('reports the assignment errors and an unknown node together', () => {
    const errs = errorsOf(planNode(input({ placement: { A: ['*'], B: ['*'] }, node: 'C' })));
    expect(errs.map((e) => e.message).join('\n')).toMatch(/"\*" is placed on both[\s\S]*this node \(C\) is not in cluster.placement/);
  });

  it('refuses a per-node service that takes part in what crosses nodes (it runs everywhere)', () => {
    const root = smallTree();
    const withSubscribingAuth: SupervisorSpec = {
      ...root,
      children: root.children.map((c) => (c.kind === 'actor' && c.name === 'auth' ? { ...c, subscribes: [{ topic: TICKS }], readsCheckpointsOf: ['core'] } : c)),
    };
    const errs = errorsOf(planNode(input({ root: withSubscribingAuth, placement: { A: ['*'], B: [] }, node: 'B' })));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toContain('"auth" runs on every node');
  });
});

describe('planNode: topics across nodes', () => {
  const placement = { A: ['feed', 'runner'], B: ['*'] };

  it('a topic published on A and subscribed on B is outbound on A to B', () => {
    const a = plan({ placement, node: 'A' });
    expect(a.inbound).toEqual([]);
    expect(byTopic(a.outbound)).toEqual({ [TICKS]: { topic: TICKS, to: ['B'] }, [RAW]: { topic: RAW, to: ['B'] } });
    expect(a.outbound).toHaveLength(2);
  });

  it('and inbound on B, durable for non-lossy actor subscribers only (lossy and process subscribers excluded)', () => {
    const b = plan({ placement, node: 'B' });
    // ticks on B: core (manualRelease), portfolio (lossy), monitor (lossy), gateway (process, no lossy flag)
    expect(byTopic(b.inbound)).toEqual({
      [TICKS]: { topic: TICKS, from: 'A', durable: ['core'] },
      [RAW]: { topic: RAW, from: 'A', durable: ['core'] },
    });
    expect(b.inbound).toHaveLength(2);
  });

  it('event topics published on a node are outbound even with only local subscribers or none at all', () => {
    const b = plan({ placement, node: 'B' });
    expect(byTopic(b.outbound)).toEqual({
      [FILLED]: { topic: FILLED, to: [] }, // subscribed on B only
      [VALIDATED]: { topic: VALIDATED, to: [] }, // no subscriber anywhere
      [PNL]: { topic: PNL, to: [] },
    });
    expect(b.outbound).toHaveLength(3);
  });

  it('a record topic is streamed only when another node subscribes to it', () => {
    // Everything that reads ticks on A: ticks are not streamed; with no record topics they are
    const onA = { A: ['*'], B: ['portfolio'] };
    const colocated: string[][] = [];
    const asRecord = plan({ placement: onA, node: 'A', colocated, recordTopics: [TICKS] });
    // portfolio (on B) subscribes lossily to ticks: that is a remote subscriber
    expect(byTopic(asRecord.outbound)[TICKS]).toEqual({ topic: TICKS, to: ['B'] });

    const noRemote = { A: ['*'], B: [] };
    const tree = smallTree();
    const rootWithout: SupervisorSpec = { ...tree, children: tree.children.map((c) => (c.kind === 'supervisor' && c.name === 'trading_sup' ? { ...c, children: c.children.filter((x) => x.name !== 'portfolio') } : c)) };
    const record = plan({ root: rootWithout, placement: noRemote, node: 'A', recordTopics: [TICKS] });
    expect(record.outbound.map((t) => t.topic)).not.toContain(TICKS);
    const event = plan({ root: rootWithout, placement: noRemote, node: 'A', recordTopics: [] });
    expect(byTopic(event.outbound)[TICKS]).toEqual({ topic: TICKS, to: [] });
  });

  it('a record topic no one subscribes to is not streamed; an event topic no one subscribes to is', () => {
    const root = sup('root', [actor('instrument-registry', [], []), actor('ticker', [TICKS, RAW], [])]);
    const p = plan({ root, placement: { A: ['*'], B: [] }, node: 'A', recordTopics: [TICKS] });
    expect(p.outbound).toEqual([{ topic: RAW, to: [] }]);
    const b = plan({ root, placement: { A: ['*'], B: [] }, node: 'B', recordTopics: [TICKS] });
    expect(b.outbound).toEqual([]);
    expect(b.inbound).toEqual([]);
  });

  it('a topic subscribed on two other nodes is outbound to both (once each)', () => {
    const p = plan({ placement: { A: ['feed'], B: ['runner', 'core', 'portfolio'], C: ['*'] }, node: 'A', colocated: [] });
    expect([...byTopic(p.outbound)[TICKS]!.to].sort()).toEqual(['B', 'C']);
  });

  it('a node subscribing only lossily still receives the topic, with no durable subscriber', () => {
    const c = plan({ placement: { A: ['feed', 'runner', 'core', 'portfolio'], C: ['monitor'], B: ['*'] }, node: 'C' });
    expect(byTopic(c.inbound)).toEqual({ [TICKS]: { topic: TICKS, from: 'A', durable: [] }, [RAW]: { topic: RAW, from: 'A', durable: [] } });
    const b = plan({ placement: { A: ['feed', 'runner', 'core', 'portfolio'], C: ['monitor'], B: ['*'] }, node: 'B' });
    // the gateway (a process) is fed lossily: inbound, never durable
    expect(byTopic(b.inbound)[TICKS]).toEqual({ topic: TICKS, from: 'A', durable: [] });
    expect(byTopic(b.inbound)[FILLED]).toEqual({ topic: FILLED, from: 'A', durable: [] });
  });

  it('mirrors checkpoints in where a reader runs without the actor it reads, and out where that actor runs', () => {
    const a = plan({ placement, node: 'A' });
    const b = plan({ placement, node: 'B' });
    expect(a.mirrorsIn).toEqual(['core']); // runner reads core's; deduplicated with portfolio's read (on B)
    expect(a.mirrorsOut).toEqual([]);
    expect(b.mirrorsIn).toEqual([]);
    expect(b.mirrorsOut).toEqual(['core']); // once, though runner is the only remote reader
    const together = plan({ placement: { A: ['*'], B: [] }, node: 'A' });
    expect(together.mirrorsIn).toEqual([]);
    expect(together.mirrorsOut).toEqual([]);
  });

  it('mirrors out once when several remote readers read one actor', () => {
    const p = plan({ placement: { A: ['feed', 'runner', 'portfolio'], B: ['*'] }, node: 'B' });
    expect(p.mirrorsOut).toEqual(['core']);
    const a = plan({ placement: { A: ['feed', 'runner', 'portfolio'], B: ['*'] }, node: 'A' });
    expect(a.mirrorsIn).toEqual(['core']);
  });
});

describe('planNode: the node tree', () => {
  const placement = { A: ['feed', 'runner'], B: ['*'] };

  it('starts with the bridge, which publishes the inbound topics and subscribes the outbound ones with manualRelease', () => {
    const b = plan({ placement, node: 'B', bridgeArgs: { extra: 1 } });
    const bridge = b.tree.children[0]!;
    expect(bridge.kind).toBe('actor');
    if (bridge.kind !== 'actor') return;
    expect(bridge.name).toBe(BRIDGE_ACTOR);
    expect(bridge.module).toBe('dist/actors/nats-bridge.actor.js');
    expect(bridge.needsStore).toBe(true);
    expect(bridge.publishes).toEqual(b.inbound.map((t) => t.topic));
    expect([...bridge.publishes].sort()).toEqual([RAW, TICKS].sort());
    expect(bridge.subscribes).toEqual(b.outbound.map((t) => ({ topic: t.topic, manualRelease: true })));
    expect(bridge.args).toEqual({ extra: 1, node: 'B', inbound: b.inbound, outbound: b.outbound, mirrorsIn: [], mirrorsOut: ['core'] });
    expect(names(b.tree).filter((n) => n === BRIDGE_ACTOR)).toHaveLength(1);
  });

  it("keeps the node's own leaves in order, per-node services on every node, and drops emptied supervisors", () => {
    const a = plan({ placement, node: 'A' });
    const b = plan({ placement, node: 'B' });
    expect(names(a.tree)).toEqual([BRIDGE_ACTOR, 'instrument-registry', 'auth', 'feed', 'runner']);
    expect(names(b.tree)).toEqual([BRIDGE_ACTOR, 'instrument-registry', 'auth', 'core', 'portfolio', 'monitor', 'gateway']);
    expect(supNames(a.tree)).toEqual(['root', 'trading_sup']); // gw_sup had only the gateway
    expect(supNames(b.tree)).toEqual(['root', 'trading_sup', 'gw_sup']);
  });

  it('keeps the supervisors as they were (strategy, intensity) and the root its own settings', () => {
    const a = plan({ placement, node: 'A' });
    const root = smallTree();
    expect({ ...a.tree, children: [] }).toEqual({ ...root, children: [] });
    const trading = a.tree.children.find((c) => c.name === 'trading_sup');
    expect(trading?.kind === 'supervisor' && trading.strategy).toBe('rest_for_one');
  });

  it('a node with nothing placed on it runs the bridge and the per-node services', () => {
    const p = plan({ placement: { A: ['*'], B: [] }, node: 'B' });
    expect(names(p.tree)).toEqual([BRIDGE_ACTOR, 'instrument-registry', 'auth']);
    expect(supNames(p.tree)).toEqual(['root']);
  });

  it('every leaf runs on exactly one node, per-node services on all', () => {
    const placements = [placement, { A: ['feed'], B: ['runner', 'core', 'portfolio'], C: ['*'] }, { A: ['*'], B: ['monitor'] }];
    for (const pl of placements) {
      const counts = new Map<string, number>();
      for (const node of Object.keys(pl)) for (const n of names(plan({ placement: pl, node }).tree)) counts.set(n, (counts.get(n) ?? 0) + 1);
      const nodes = Object.keys(pl).length;
      for (const leaf of leavesOf(smallTree())) {
        const perNode = leaf.name === 'auth' || leaf.name === 'instrument-registry';
        expect(counts.get(leaf.name), leaf.name).toBe(perNode ? nodes : 1);
      }
      expect(counts.get(BRIDGE_ACTOR)).toBe(nodes);
    }
  });

  it("returns where each placed leaf runs", () => {
    const a = plan({ placement, node: 'A' });
    expect(Object.fromEntries(a.nodeOf)).toEqual({ feed: 'A', runner: 'A', core: 'B', portfolio: 'B', monitor: 'B', gateway: 'B' });
  });
});

describe('planNode on the real tree (actors/tree.ts)', () => {
  const config = pipelineConfig('/tmp/unused');
  const root = buildTree(config);
  const placement = { A: ['market-feed', 'strategy-runner'], B: ['*'] };
  const planFor = (node: string): NodePlan => {
    const r = planNode({ root, placement, node, colocated: colocatedGroups(config), recordTopics: [TICKS], bridgeModule: 'dist/actors/nats-bridge.actor.js' });
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
    return r.plan;
  };

  it('is the split topology with paper (the premise of this test)', () => {
    expect(config.runtime.topology).toBe('split');
    expect(tradingBrokers(config)).toEqual(['paper']);
    expect(validateTree(root, ['paper'], 16).ok).toBe(true);
  });

  it('sends the ticks and the raw signals from A to B, where the paper core reads them durably', () => {
    const a = planFor('A');
    const b = planFor('B');
    expect(a.outbound).toEqual([
      { topic: TICKS, to: ['B'] },
      { topic: RAW, to: ['B'] },
    ]);
    expect(a.inbound).toEqual([]);
    expect(byTopic(b.inbound)).toEqual({
      [TICKS]: { topic: TICKS, from: 'A', durable: ['trading-core-paper'] },
      [RAW]: { topic: RAW, from: 'A', durable: ['trading-core-paper'] },
    });
    expect(b.inbound).toHaveLength(2);
    expect(b.outbound.map((t) => t.topic)).not.toContain(TICKS);
    expect(b.outbound.every((t) => t.to.length === 0)).toBe(true);
  });

  it("mirrors the paper core's checkpoints from B to A", () => {
    expect(planFor('A').mirrorsIn).toEqual(['trading-core-paper']);
    expect(planFor('A').mirrorsOut).toEqual([]);
    expect(planFor('B').mirrorsIn).toEqual([]);
    expect(planFor('B').mirrorsOut).toEqual(['trading-core-paper']);
  });

  it("each node's tree validates as a whole tree does", () => {
    for (const node of ['A', 'B']) {
      const v = validateTree(planFor(node).tree, ['paper'], 16);
      expect(v.ok ? [] : v.errors.map((e) => e.message), node).toEqual([]);
    }
  });

  it('runs the colocated trading group on B and refuses to split it', () => {
    const b = planFor('B');
    expect(names(b.tree)).toEqual(expect.arrayContaining(['trading-core-paper', 'portfolio-manager', 'archiver']));
    const r = planNode({ root, placement: { A: ['market-feed', 'strategy-runner', 'archiver'], B: ['*'] }, node: 'A', colocated: colocatedGroups(config), recordTopics: [TICKS], bridgeModule: 'x' });
    expect(r.ok).toBe(false);
  });
});
