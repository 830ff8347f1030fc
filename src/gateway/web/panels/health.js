// Actor health: the supervision tree flattened (supervisors as group rows), with state, generation,
// worker health, restarts, uptime and last error, from the `system.health` stream or GET /api/v1/status.
import { $, badge, KeyedTable } from '../dom.js';
import { debug, on } from '../bus.js';
import { clusterSummary, fmtDuration, fmtInt, fmtTime } from '../format.js';

let table;
let lastPush = 0;
const STATE_CLS = { running: 'good', starting: 'info', restarting: 'warn', stopping: 'warn', stopped: 'mute', crashed: 'bad', halted: 'bad' };

/** Flattens a SupervisorStatus tree into rows with their depth. */
export function flattenTree(node, depth = 0, out = []) {
  if (!node || typeof node !== 'object') return out;
  out.push({ ...node, depth });
  if (Array.isArray(node.children)) for (const c of node.children) flattenTree(c, depth + 1, out);
  return out;
}

/** Rows of a status payload: the gateway's flat `nodes` (depth = path length) or a raw `tree`. */
export function rowsOf(status) {
  if (Array.isArray(status?.nodes)) return status.nodes.map((n) => ({ ...n, depth: Array.isArray(n.path) ? n.path.length : 0 }));
  if (status?.tree) {
    const workers = status.workers ?? {};
    return flattenTree(status.tree).map((r) => ({ ...r, health: workers[r.name]?.health?.status ?? workers[r.name]?.health ?? null }));
  }
  return null;
}

const HEALTH_CLS = { healthy: 'good', ok: 'good', degraded: 'warn', unhealthy: 'bad', unknown: 'mute' };

const columns = [
  { cell: (r) => ({ text: `${'\u2003'.repeat(r.depth)}${r.kind === 'supervisor' ? '▾ ' : ''}${r.name}`, cls: r.kind === 'supervisor' ? 'sup' : 'actor' }) },
  { cell: (r) => ({ node: badge(String(r.state ?? '?').toUpperCase(), STATE_CLS[r.state] ?? 'mute'), sig: r.state }) },
  {
    cell: (r) => {
      const h = typeof r.health === 'string' ? r.health : null;
      return h === null ? { text: '' } : { node: badge(h, HEALTH_CLS[h] ?? 'mute'), sig: `${h}|${r.healthDetail ?? ''}`, title: r.healthDetail ?? '' };
    },
  },
  { cell: (r) => ({ text: r.kind === 'supervisor' || typeof r.gen !== 'number' ? '' : fmtInt(r.gen), cls: 'num dim' }) },
  { cell: (r) => ({ text: fmtInt(r.restarts), cls: `num ${r.restarts > 0 ? 'warn-text' : 'dim'}` }) },
  { cell: (r) => ({ text: r.kind === 'supervisor' ? '' : r.state === 'running' && typeof r.uptimeMs === 'number' ? fmtDuration(r.uptimeMs) : '—', cls: 'num mono' }) },
  {
    cell: (r) => {
      const e = r.lastError;
      if (!e) return { text: '', cls: 'reason' };
      return { text: e.code, cls: 'reason bad-text', title: `${fmtTime(e.at)} ${e.code}: ${e.message}` };
    },
  },
];

/** Renders a status payload (`{ nodes }` from the gateway, or `{ tree, workers }`). */
export function renderHealth(status) {
  const rows = rowsOf(status);
  if (rows === null) return;
  table.update(rows);
  const actors = rows.filter((r) => r.kind !== 'supervisor');
  const running = actors.filter((r) => r.state === 'running').length;
  const restarts = actors.reduce((s, r) => s + (r.restarts ?? 0), 0);
  const cluster = clusterSummary(status?.cluster);
  $('health-meta').textContent = `${running}/${actors.length} running · ${restarts} restarts${cluster === '' ? '' : ` · ${cluster}`}`;
  debug.healthRows = actors.length;
}

/** Wires the panel; `pollStatus()` fetches GET /api/v1/status when the stream is quiet. */
export function initHealth(pollStatus) {
  table = new KeyedTable($('health-body'), columns, (r) => `${r.depth}|${r.name}`, { empty: 'Waiting for status…', rowClass: (r) => `st-${r.state}` });
  on('health', (d) => { lastPush = Date.now(); renderHealth(d); });
  on('status', renderHealth);
  setInterval(() => Date.now() - lastPush > 5000 && pollStatus(), 5000);
}
