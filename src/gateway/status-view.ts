// Shapes the main thread's 'status' reply ({ tree, workers, rings, runId, startedAt }) into what
// clients see: a flat list of actors and supervisors with state, generation, restarts, last error
// and health, plus readiness of the trading subtree. Reads defensively: a reply of another shape
// yields empty lists, never an exception.
import type { SupervisorStatus } from '../runtime/supervisor.js';
import type { ActorStatus } from '../runtime/child.js';

/** One node of the tree, flattened. */
export interface NodeView {
  readonly name: string;
  readonly kind: 'actor' | 'supervisor';
  /** Names of the supervisors above it, root first. */
  readonly path: readonly string[];
  readonly state: string;
  readonly gen: number | null;
  readonly restarts: number;
  readonly uptimeMs: number | null;
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number } | null;
  /** Worker-reported health (actors only); 'unknown' when the worker did not answer. */
  readonly health: string;
  readonly healthDetail: string | null;
}

/** A cluster node's link to NATS (null when the process runs the whole tree). */
export interface ClusterView {
  readonly node: string;
  readonly connected: boolean;
  readonly server: string;
  readonly disconnects: number;
  readonly reconnects: number;
  /** Inbound streams: messages the server holds for this node's consumer, redeliveries, acks outstanding. */
  readonly consumers: readonly { readonly topic: string; readonly durable: string; readonly lag: number; readonly redelivered: number; readonly ackPending: number; readonly written: number; readonly gaps: number }[];
  /** Outbound streams: records waiting to be stored, in flight, stored, duplicates, resends. */
  readonly publishers: readonly { readonly topic: string; readonly backlog: number; readonly inFlight: number; readonly stored: number; readonly duplicates: number; readonly retries: number }[];
}

/** The status as served by /api/v1/status and the system.health stream. */
export interface StatusView {
  readonly runId: string | null;
  readonly startedAt: number | null;
  readonly uptimeMs: number | null;
  readonly state: string;
  readonly halted: readonly string[];
  readonly nodes: readonly NodeView[];
  readonly rings: Readonly<Record<string, unknown>>;
  readonly cluster: ClusterView | null;
}

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function flatten(node: unknown, path: readonly string[], workers: Record<string, unknown>, out: NodeView[]): void {
  const n = rec(node) as Partial<SupervisorStatus> & Partial<ActorStatus>;
  if (typeof n.name !== 'string') return;
  const worker = rec(workers[n.name]);
  const health = rec(worker['health']);
  const last = rec(n.lastError);
  out.push({
    name: n.name,
    kind: n.kind === 'supervisor' ? 'supervisor' : 'actor',
    path,
    state: typeof n.state === 'string' ? n.state : 'unknown',
    gen: num(n.gen),
    restarts: num(n.restarts) ?? 0,
    uptimeMs: num(n.uptimeMs),
    lastError: typeof last['code'] === 'string' ? { code: last['code'], message: String(last['message'] ?? ''), at: num(last['at']) ?? 0 } : null,
    health: n.kind === 'supervisor' ? (n.state === 'running' ? 'healthy' : 'unhealthy') : typeof health['status'] === 'string' ? health['status'] : 'unknown',
    healthDetail: typeof health['detail'] === 'string' ? health['detail'] : null,
  });
  if (n.kind === 'supervisor' && Array.isArray(n.children)) for (const c of n.children) flatten(c, [...path, n.name], workers, out);
}

/** Builds the client view of a status reply at wall time `nowMs`. */
export function viewStatus(raw: unknown, nowMs: number): StatusView {
  const r = rec(raw);
  const nodes: NodeView[] = [];
  flatten(r['tree'], [], rec(r['workers']), nodes);
  const startedAt = num(r['startedAt']);
  return {
    runId: typeof r['runId'] === 'string' ? r['runId'] : null,
    startedAt,
    uptimeMs: startedAt === null ? null : Math.max(0, nowMs - startedAt),
    state: nodes[0]?.state ?? 'unknown',
    halted: nodes.filter((n) => n.state === 'halted').map((n) => n.name),
    nodes,
    rings: rec(r['rings']),
    cluster: viewCluster(r['cluster']),
  };
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The bridge's snapshot (actors/nats-bridge.actor.ts) as clients see it. */
function viewCluster(raw: unknown): ClusterView | null {
  const c = rec(raw);
  if (typeof c['node'] !== 'string') return null;
  const nats = rec(c['nats']);
  return {
    node: c['node'],
    connected: nats['connected'] === true,
    server: str(nats['server']),
    disconnects: num(nats['disconnects']) ?? 0,
    reconnects: num(nats['reconnects']) ?? 0,
    consumers: arr(c['inbound']).map((x) => {
      const i = rec(x);
      return { topic: str(i['topic']), durable: str(i['durable']), lag: num(i['lag']) ?? 0, redelivered: num(i['redelivered']) ?? 0, ackPending: num(i['ackPending']) ?? 0, written: num(i['written']) ?? 0, gaps: num(i['gaps']) ?? 0 };
    }),
    publishers: arr(c['outbound']).map((x) => {
      const o = rec(x);
      return { topic: str(o['topic']), backlog: num(o['backlog']) ?? 0, inFlight: num(o['inFlight']) ?? 0, stored: num(o['stored']) ?? 0, duplicates: num(o['duplicates']) ?? 0, retries: num(o['retries']) ?? 0 };
    }),
  };
}

/** Readiness: the named supervisor (or the root when absent) must be running. */
export function readiness(view: StatusView, supervisor: string): { ready: boolean; supervisor: string; state: string } {
  const node = view.nodes.find((n) => n.kind === 'supervisor' && n.name === supervisor) ?? view.nodes[0];
  const state = node?.state ?? 'unknown';
  return { ready: state === 'running', supervisor: node?.name ?? supervisor, state };
}
