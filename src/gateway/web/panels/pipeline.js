// Pipeline status per broker (pipeline monitor via GET /api/v1/monitor/pipeline, or the health
// stream when it carries it): overall grade and the five stages with event counts and ages.
import { $, badge, el } from '../dom.js';
import { debug, on, state } from '../bus.js';
import { fmtAge, fmtInt } from '../format.js';

let api;
const STAGES = ['market_data', 'signal_generation', 'risk_validation', 'order_execution', 'portfolio_updates'];
const LABEL = { market_data: 'Market data', signal_generation: 'Signals', risk_validation: 'Risk', order_execution: 'Orders', portfolio_updates: 'Portfolio' };
const GRADE = { healthy: 'good', warning: 'warn', degraded: 'warn', critical: 'bad', idle: 'mute', startup: 'info' };

/** Finds per-broker validations in whatever shape the answer has. */
export function validationsOf(data) {
  if (!data || typeof data !== 'object') return [];
  if (typeof data.overall === 'string') return [data];
  if (Array.isArray(data)) return data.flatMap(validationsOf);
  for (const k of ['brokers', 'validations', 'pipeline', 'results']) if (data[k]) return validationsOf(data[k]);
  return Object.entries(data).flatMap(([k, v]) => validationsOf(v).map((x) => ({ broker: k, ...x })));
}

function card(v) {
  const stages = v.stages ?? {};
  const rows = STAGES.map((s) => {
    const r = stages[s];
    const cls = !r ? 'mute' : r.skipped ? 'mute' : r.healthy ? 'good' : 'bad';
    const age = r?.ageMs === null || r?.ageMs === undefined ? '—' : fmtAge(r.ageMs);
    return el('div', { class: `stage ${cls}`, title: `${LABEL[s]}: ${r?.issue ?? r?.info ?? (r?.skipped ? `skipped (${r.skipped})` : 'healthy')}${r ? ` · threshold ${fmtAge(r.thresholdMs)}` : ''}` },
      el('span', { class: 'sname' }, LABEL[s]),
      el('span', { class: 'scount mono' }, r ? fmtInt(r.count) : '—'),
      el('span', { class: 'sage mono' }, r?.skipped ? r.skipped.replace('_', ' ') : r ? `${age} ago` : '—'));
  });
  const issues = (v.bottlenecks ?? []).map((b) => el('div', { class: 'issue' }, `${LABEL[b.stage] ?? b.stage}: ${b.issue}`));
  return el('div', { class: 'pcard' },
    el('div', { class: 'pcard-h' }, el('b', {}, v.broker ?? '?'), badge(String(v.overall).toUpperCase(), GRADE[v.overall] ?? 'mute'),
      el('span', { class: 'dim' }, v.totalStages ? `${v.healthyStages}/${v.totalStages} healthy` : v.message ?? '')),
    el('div', { class: 'stages' }, ...rows), ...issues);
}

/** Renders validations. */
export function renderPipeline(list) {
  if (list.length === 0) return;
  $('pipeline-body').replaceChildren(...list.map(card));
  debug.pipelineBrokers = list.length;
  $('pipeline-meta').textContent = `${list.length} broker${list.length > 1 ? 's' : ''}`;
}

async function refresh() {
  try {
    const brokers = state.brokers.length ? state.brokers : [undefined];
    const all = [];
    for (const b of brokers) {
      const found = validationsOf(await api.get('/api/v1/monitor/pipeline', { broker: b }));
      for (const v of found) if (!all.some((x) => x.broker === v.broker)) all.push(v);
    }
    renderPipeline(all);
  } catch {
    debug.restErrors++;
  }
}

/** Wires the panel. */
export function initPipeline(client) {
  api = client;
  on('health', (d) => d?.pipeline && renderPipeline(validationsOf(d.pipeline)));
  on('brokers', refresh);
  on('resync', refresh);
  setInterval(refresh, 3000);
}
