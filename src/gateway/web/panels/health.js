// Actor health: the supervision tree flattened (supervisors as group rows), with state, generation,
// restarts, uptime, heap and last error, from the `system.health` stream or GET /api/v1/status.
import { $, badge, KeyedTable } from '../dom.js';
import { debug, on } from '../bus.js';
import { fmtDuration, fmtInt, fmtTime } from '../format.js';

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

const heapOf = (w) => {
  const h = w?.memory?.heapUsed;
  return typeof h === 'number' ? `${fmtInt(h / 1048576)} MB` : '—';
};

const columns = [
  { cell: (r) => ({ text: `${'\u2003'.repeat(r.depth)}${r.kind === 'supervisor' ? '▾ ' : ''}${r.name}`, cls: r.kind === 'supervisor' ? 'sup' : 'actor' }) },
  { cell: (r) => ({ node: badge(String(r.state ?? '?').toUpperCase(), STATE_CLS[r.state] ?? 'mute'), sig: r.state }) },
  { cell: (r) => ({ text: r.kind === 'supervisor' ? '' : fmtInt(r.gen), cls: 'num dim' }) },
  { cell: (r) => ({ text: fmtInt(r.restarts), cls: `num ${r.restarts > 0 ? 'warn-text' : 'dim'}` }) },
  { cell: (r) => ({ text: r.kind === 'supervisor' ? '' : r.state === 'running' ? fmtDuration(r.uptimeMs) : '—', cls: 'num mono' }) },
  { cell: (r) => ({ text: r.kind === 'supervisor' ? '' : heapOf(r.worker), cls: 'num dim' }) },
  {
    cell: (r) => {
      const e = r.lastError;
      if (!e) return { text: '', cls: 'reason' };
      return { text: e.code, cls: 'reason bad-text', title: `${fmtTime(e.at)} ${e.code}: ${e.message}` };
    },
  },
];

/** Renders a status payload `{ tree, workers }`. */
export function renderHealth(status) {
  if (!status || !status.tree) return;
  const workers = status.workers ?? {};
  const rows = flattenTree(status.tree).map((r) => ({ ...r, worker: workers[r.name] ?? null }));
  table.update(rows);
  const actors = rows.filter((r) => r.kind !== 'supervisor');
  const running = actors.filter((r) => r.state === 'running').length;
  const restarts = actors.reduce((s, r) => s + (r.restarts ?? 0), 0);
  $('health-meta').textContent = `${running}/${actors.length} running · ${restarts} restarts`;
  debug.healthRows = actors.length;
}

/** Wires the panel; `pollStatus()` fetches GET /api/v1/status when the stream is quiet. */
export function initHealth(pollStatus) {
  table = new KeyedTable($('health-body'), columns, (r) => `${r.depth}|${r.name}`, { empty: 'Waiting for status…', rowClass: (r) => `st-${r.state}` });
  on('health', (d) => { lastPush = Date.now(); renderHealth(d); });
  on('status', renderHealth);
  setInterval(() => Date.now() - lastPush > 5000 && pollStatus(), 5000);
}
