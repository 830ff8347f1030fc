// Equity / net-PnL curve (lightweight-charts baseline series: green above the starting level, red
// below) with a KPI strip. History comes from GET /api/v1/equity; live points are the sum of the
// latest per-strategy `{b}.pnl.snapshots` totals (seeded from GET /api/v1/portfolios/:broker so a
// partial set of strategies never fakes a drop); without that seed the curve is refetched instead.
import { $, el } from '../dom.js';
import { debug, emit, on } from '../bus.js';
import { fmtInt, fmtMinor, signClass } from '../format.js';
import { itemsOf } from '../api.js';
import { createDeskChart, rupees, tzShift } from '../charts.js';

let api;
let chart = null;
let series = null;
let broker = null;
let mode = 'pnl';
let points = []; // { ts, equity, netPnl, divisor }
/** broker → { seeded, strategies: Map<strategyId, totals>, divisor } */
const books = new Map();


/** A stored point worth drawing: an all-zero point is an empty book (before any strategy traded). */
function usable(p) {
  return p && typeof p.ts === 'number' && !(p.equity === 0 && p.cash === 0 && p.netPnl === 0);
}

function book(b) {
  let k = books.get(b);
  if (!k) books.set(b, (k = { seeded: false, strategies: new Map(), divisor: 100 }));
  return k;
}

function sumTotals(k) {
  const keys = ['startingCash', 'cash', 'realizedPnl', 'unrealizedPnl', 'fees', 'netPnl', 'marketValue', 'equity', 'openPositions'];
  const out = Object.fromEntries(keys.map((x) => [x, 0]));
  for (const t of k.strategies.values()) for (const x of keys) out[x] += typeof t[x] === 'number' ? t[x] : 0;
  return out;
}

function valueOf(p) {
  return (mode === 'pnl' ? p.netPnl : p.equity) / (p.divisor || 100);
}

function redraw() {
  if (!series) return;
  const data = [];
  for (const p of points) {
    const time = tzShift(p.ts);
    const v = valueOf(p);
    if (data.length > 0 && data[data.length - 1].time >= time) data[data.length - 1] = { time: data[data.length - 1].time, value: v };
    else data.push({ time, value: v });
  }
  const last = points[points.length - 1];
  const base = mode === 'pnl' || !last ? 0 : (last.equity - last.netPnl) / (last.divisor || 100);
  series.applyOptions({ baseValue: { type: 'price', price: base } });
  series.setData(data);
  debug.equityPoints = data.length;
  $('equity-empty').hidden = data.length > 0;
  applyRange();
}

function addPoint(p) {
  const last = points[points.length - 1];
  if (last && p.ts < last.ts) return; // out of order (stale snapshot): never rewrite history
  points.push(p);
  if (points.length > 20_000) points = points.slice(-15_000);
  if (!series) return;
  const time = tzShift(p.ts);
  const data = series.data();
  const prevTime = data.length ? data[data.length - 1].time : -Infinity;
  if (time < prevTime) return;
  series.update({ time, value: valueOf(p) });
  debug.equityPoints = series.data().length;
  debug.equityLivePoints++;
  $('equity-empty').hidden = true;
}

let range = 0;
function applyRange() {
  if (!chart || points.length === 0) return;
  if (range === 0) return chart.timeScale().fitContent();
  const to = tzShift(points[points.length - 1].ts);
  chart.timeScale().setVisibleRange({ from: to - range, to });
}

function kpi(label, value, cls = '') {
  return el('div', { class: 'kpi' }, el('span', { class: 'lbl' }, label), el('span', { class: `v mono ${cls}` }, value));
}

function renderKpis(t, divisor) {
  $('kpis').replaceChildren(
    kpi('Equity', fmtMinor(t.equity, divisor)),
    kpi('Net PnL', fmtMinor(t.netPnl, divisor, { sign: true }), signClass(t.netPnl)),
    kpi('Realized', fmtMinor(t.realizedPnl, divisor, { sign: true }), signClass(t.realizedPnl)),
    kpi('Unrealized', fmtMinor(t.unrealizedPnl, divisor, { sign: true }), signClass(t.unrealizedPnl)),
    kpi('Fees', fmtMinor(t.fees, divisor)),
    kpi('Open pos', fmtInt(t.openPositions)),
  );
  $('equity-meta').textContent = broker ?? '';
}

function publishTotals() {
  let netPnl = 0;
  for (const k of books.values()) if (k.seeded || k.strategies.size > 0) netPnl += sumTotals(k).netPnl;
  emit('pnl-total', { netPnl, divisor: 100 });
  const k = books.get(broker);
  if (k) renderKpis(sumTotals(k), k.divisor);
}

/** Reloads history and the per-strategy seed for the selected broker. */
export async function reloadEquity() {
  if (broker === null) return;
  const b = broker;
  try {
    const hist = itemsOf(await api.get('/api/v1/equity', { broker: b }), 'points', 'equity');
    if (b !== broker) return;
    points = hist
      .filter(usable)
      .map((p) => ({ ts: p.ts, equity: p.equity, netPnl: p.netPnl, divisor: p.divisor ?? 100 }))
      .sort((x, y) => x.ts - y.ts);
    redraw();
  } catch (e) {
    debug.restErrors++;
  }
  await seed(b);
}

async function seed(b) {
  try {
    const snap = await api.get(`/api/v1/portfolios/${encodeURIComponent(b)}`);
    const k = book(b);
    k.divisor = snap?.currencyDivisor ?? 100;
    for (const s of snap?.strategies ?? []) if (s?.totals) k.strategies.set(s.strategyId, s.totals);
    k.seeded = Array.isArray(snap?.strategies);
    if (k.seeded && snap.totals && k.strategies.size === 0) k.strategies.set('*', snap.totals);
    publishTotals();
  } catch {
    debug.restErrors++;
  }
}

function onEvent({ stream, data }) {
  if (!stream.endsWith('.pnl.snapshots')) return;
  const p = data?.data;
  if (!p || typeof p.strategyId !== 'string') return;
  const b = p.broker ?? stream.split('.')[0];
  const k = book(b);
  k.strategies.delete('*');
  k.strategies.set(p.strategyId, p.totals ?? { realizedPnl: p.realizedPnl, unrealizedPnl: p.unrealizedPnl, netPnl: p.totalPnl });
  k.divisor = p.currencyDivisor ?? 100;
  publishTotals();
  if (b !== broker || !k.seeded) return;
  const t = sumTotals(k);
  addPoint({ ts: p.ts ?? data.ts, equity: t.equity, netPnl: t.netPnl, divisor: k.divisor });
}

function initChart() {
  const made = createDeskChart($('equity-chart'), $('equity-empty'));
  if (made === null) return;
  const { LC } = made;
  chart = made.chart;
  series = chart.addSeries(LC.BaselineSeries, {
    baseValue: { type: 'price', price: 0 },
    topLineColor: '#26c281', topFillColor1: 'rgba(38,194,129,0.28)', topFillColor2: 'rgba(38,194,129,0.02)',
    bottomLineColor: '#f0506e', bottomFillColor1: 'rgba(240,80,110,0.02)', bottomFillColor2: 'rgba(240,80,110,0.28)',
    lineWidth: 2,
    priceFormat: { type: 'custom', formatter: rupees, minMove: 0.01 },
  });
}

/** Wires the panel; `brokers` come from the welcome message. */
export function initEquity(client) {
  api = client;
  initChart();
  on('brokers', (list) => {
    const sel = $('equity-broker');
    sel.replaceChildren(...list.map((b) => el('option', { value: b }, b)));
    sel.hidden = list.length < 2;
    if (!list.includes(broker)) {
      broker = list[0] ?? null;
      sel.value = broker ?? '';
      void reloadEquity();
    }
  });
  on('event', onEvent);
  on('resync', () => void reloadEquity());
  $('equity-broker').addEventListener('change', (ev) => {
    broker = ev.target.value;
    void reloadEquity();
  });
  for (const b of document.querySelectorAll('#p-equity [data-range]')) {
    b.addEventListener('click', () => {
      range = Number(b.dataset.range);
      for (const o of document.querySelectorAll('#p-equity [data-range]')) o.classList.toggle('active', o === b);
      applyRange();
    });
  }
  for (const b of document.querySelectorAll('#p-equity [data-mode]')) {
    b.addEventListener('click', () => {
      mode = b.dataset.mode;
      for (const o of document.querySelectorAll('#p-equity [data-mode]')) o.classList.toggle('active', o === b);
      redraw();
    });
  }
  // Fallback when live snapshots cannot be summed (no per-strategy seed): fetch new points only
  setInterval(() => {
    const k = books.get(broker);
    if (broker !== null && !k?.seeded) void fetchNewer();
  }, 5000);
}

async function fetchNewer() {
  const b = broker;
  const last = points[points.length - 1];
  try {
    const hist = itemsOf(await api.get('/api/v1/equity', { broker: b, from: last ? last.ts + 1 : undefined }), 'points', 'equity');
    if (b !== broker) return;
    for (const p of hist) if (usable(p)) addPoint({ ts: p.ts, equity: p.equity, netPnl: p.netPnl, divisor: p.divisor ?? 100 });
  } catch {
    debug.restErrors++;
  }
}
