// Pipeline status per broker (pipeline monitor via GET /api/v1/monitor/pipeline, or the health
// stream when it carries it): overall grade and the five stages with event counts and ages.
import { $, badge, el } from '../dom.js';
import { debug, on } from '../bus.js';
import { fmtAge, fmtInt } from '../format.js';

let api;
const STAGES = ['market_data', 'signal_generation', 'risk_validation', 'order_execution', 'portfolio_updates'];
const LABEL = { market_data: 'Ticks', signal_generation: 'Signals', risk_validation: 'Risk', order_execution: 'Orders', portfolio_updates: 'Portfolio' };
const GRADE = { healthy: 'good', warning: 'warn', degraded: 'warn', critical: 'bad', idle: 'mute', startup: 'info' };

const METRIC = { market_data: 'market_ticks', signal_generation: 'signals', risk_validation: 'signals_validated', order_execution: 'orders', portfolio_updates: 'portfolio_updates' };

/**
 * Per-broker validations in whatever shape the answer has: the monitor's status
 * (`{ brokers: { b: { validation, metrics, marketStatus } } }`), a bare validation, or a list.
 * Stage counters (`metrics`) are attached so counts show even while validation is deferred.
 */
export function validationsOf(data) {
  if (!data || typeof data !== 'object') return [];
  if (Array.isArray(data)) return data.flatMap(validationsOf);
  if (typeof data.overall === 'string') return [data];
  if (data.validation && typeof data.validation.overall === 'string') {
    return [{ ...data.validation, broker: data.validation.broker ?? data.broker, metrics: data.metrics ?? null, marketStatus: data.marketStatus ?? null }];
  }
  if (data.brokers && typeof data.brokers === 'object') {
    return Object.entries(data.brokers).flatMap(([b, v]) => validationsOf(v).map((x) => ({ ...x, broker: x.broker ?? b })));
  }
  return [];
}

function card(v) {
  const stages = v.stages ?? {};
  const rows = STAGES.map((s) => {
    const r = stages[s];
    const m = v.metrics?.[METRIC[s]];
    const count = r?.count ?? m?.count;
    const cls = !r ? 'mute' : r.skipped ? 'mute' : r.healthy ? 'good' : 'bad';
    const lastMs = r?.lastMs ?? m?.lastMs ?? null;
    const age = typeof r?.ageMs === 'number' ? r.ageMs : lastMs !== null && typeof v.ts === 'number' ? Math.max(0, v.ts - lastMs) : null;
    const sub = r?.skipped ? r.skipped.replace('_', ' ') : age !== null ? `${fmtAge(age)} ago` : 'no events';
    const why = r?.issue ?? r?.info ?? (r?.skipped ? `skipped (${r.skipped})` : r ? 'healthy' : 'not judged yet');
    return el('div', { class: `stage ${cls}`, title: `${LABEL[s]}: ${why}${r ? ` · threshold ${fmtAge(r.thresholdMs)}` : ''}` },
      el('span', { class: 'sname' }, LABEL[s]),
      el('span', { class: 'scount mono' }, typeof count === 'number' ? fmtInt(count) : '—'),
      el('span', { class: 'sage mono' }, sub));
  });
  const issues = (v.bottlenecks ?? []).map((b) => el('div', { class: 'issue' }, `${LABEL[b.stage] ?? b.stage}: ${b.issue}`));
  const note = v.totalStages ? `${v.healthyStages}/${v.totalStages} healthy` : v.message ?? '';
  return el('div', { class: 'pcard' },
    el('div', { class: 'pcard-h' }, el('b', {}, v.broker ?? '?'), badge(String(v.overall).toUpperCase(), GRADE[v.overall] ?? 'mute'),
      v.marketStatus ? el('span', { class: 'dim' }, `market ${v.marketStatus}`) : null,
      el('span', { class: 'dim note' }, note)),
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
    // One call answers for every broker the monitor watches
    renderPipeline(validationsOf(await api.get('/api/v1/monitor/pipeline')));
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
