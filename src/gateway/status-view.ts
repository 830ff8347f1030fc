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

/** The status as served by /api/v1/status and the system.health stream. */
export interface StatusView {
  readonly runId: string | null;
  readonly startedAt: number | null;
  readonly uptimeMs: number | null;
  readonly state: string;
  readonly halted: readonly string[];
  readonly nodes: readonly NodeView[];
  readonly rings: Readonly<Record<string, unknown>>;
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
  };
}

/** Readiness: the named supervisor (or the root when absent) must be running. */
export function readiness(view: StatusView, supervisor: string): { ready: boolean; supervisor: string; state: string } {
  const node = view.nodes.find((n) => n.kind === 'supervisor' && n.name === supervisor) ?? view.nodes[0];
  const state = node?.state ?? 'unknown';
  return { ready: state === 'running', supervisor: node?.name ?? supervisor, state };
}
