// Price chart of one chosen instrument (lightweight-charts line series) with the strategies'
// entries and exits as markers. Prices are the live ticks of the WebSocket stream since the page
// opened (the store keeps no price history), plus the prices of the round trips' own fills, so
// a marker always sits on a point of the line. Entries and exits come from GET /api/v1/trades
// (closed trips) and its `open` lots, refetched shortly after each fill event.
import { $, el } from '../dom.js';
import { debug, emit, on, state } from '../bus.js';
import { fmtMinor } from '../format.js';
import { symbolOf } from '../instruments.js';
import { createDeskChart, rupees, tzShift } from '../charts.js';

const MAX_POINTS = 5000;

let api;
let chart = null;
let series = null;
let markers = null;
let token = null;
/** time (s, local-shifted) → price (rupees) from ticks; fill prices fill the gaps. */
let ticks = new Map();
let fillPoints = new Map();
let trips = [];
let open = [];
let refetchTimer = null;


function createPriceChart() {
  const made = createDeskChart($('price-chart'), $('chart-empty'), { secondsVisible: true });
  if (made === null) return;
  const { LC } = made;
  chart = made.chart;
  series = chart.addSeries(LC.LineSeries, { color: '#4c8dff', lineWidth: 2, priceFormat: { type: 'custom', formatter: rupees, minMove: 0.01 } });
  markers = LC.createSeriesMarkers(series, []);
}

function redraw() {
  if (!series) return;
  const merged = new Map(fillPoints);
  for (const [t, v] of ticks) merged.set(t, v);
  const data = [...merged].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
  series.setData(data);
  // One marker per (second, strategy, entry/exit/open): a strategy that scales in or out within a
  // second shows its summed quantity and net PnL once instead of a stack of arrows
  const groups = new Map();
  const add = (time, strategyId, kind, long, qty, pnl) => {
    const key = `${time}|${strategyId}|${kind}|${long}`;
    const g = groups.get(key) ?? { time, strategyId, kind, long, qty: 0, pnl: 0 };
    g.qty += qty;
    g.pnl += pnl;
    groups.set(key, g);
  };
  for (const t of trips) {
    const long = t.direction === 'long';
    add(tzShift(t.entryTs), t.strategyId, 'entry', long, t.quantity, 0);
    add(tzShift(t.exitTs), t.strategyId, 'exit', long, t.quantity, t.netPnl);
  }
  for (const l of open) add(tzShift(l.entryTs), l.strategyId, 'open', l.direction === 'long', l.quantity, 0);
  const ms = [...groups.values()].map((g) =>
    g.kind === 'exit'
      ? { time: g.time, position: g.long ? 'aboveBar' : 'belowBar', shape: 'circle', color: g.pnl >= 0 ? '#26c281' : '#f0506e', text: `${g.strategyId} exit ${g.qty} ${fmtMinor(g.pnl, 100, { sign: true })}` }
      : { time: g.time, position: g.long ? 'belowBar' : 'aboveBar', shape: g.long ? 'arrowUp' : 'arrowDown', color: g.kind === 'open' ? '#f5a623' : g.long ? '#26c281' : '#f0506e', text: `${g.strategyId} ${g.long ? 'B' : 'S'} ${g.qty}${g.kind === 'open' ? ' open' : ''}` },
  );
  ms.sort((a, b) => a.time - b.time);
  markers?.setMarkers(ms);
  debug.chartPoints = data.length;
  debug.chartMarkers = ms.length;
  $('chart-empty').hidden = data.length > 0;
  if (data.length > 0) chart.timeScale().fitContent();
}

async function loadTrades() {
  if (token === null) return;
  const want = token;
  try {
    const r = await api.get('/api/v1/trades', { token: want, limit: 500 });
    if (want !== token) return;
    trips = Array.isArray(r?.items) ? r.items : [];
    open = Array.isArray(r?.open) ? r.open : [];
    fillPoints = new Map();
    for (const t of trips) {
      fillPoints.set(tzShift(t.entryTs), t.entryPrice / 100);
      fillPoints.set(tzShift(t.exitTs), t.exitPrice / 100);
    }
    for (const l of open) fillPoints.set(tzShift(l.entryTs), l.entryPrice / 100);
    redraw();
  } catch {
    debug.restErrors++;
  }
}

/** Shows `tok` in the chart (from the watchlist, the positions or the selector). */
export function openChart(tok) {
  if (typeof tok !== 'number' || tok === token) return;
  token = tok;
  debug.chartToken = tok;
  ticks = new Map();
  fillPoints = new Map();
  trips = [];
  open = [];
  $('chart-meta').textContent = symbolOf(tok);
  const sel = $('chart-token');
  if (![...sel.options].some((o) => Number(o.value) === tok)) sel.append(el('option', { value: tok }, symbolOf(tok)));
  sel.value = String(tok);
  // The last tick already known seeds the line
  const last = state.ticks.get(tok);
  // (only with its exchange time: the line's times are event times, like the fills')
  if (last && last.exchangeTs > 0 && last.ltp > 0) ticks.set(tzShift(last.exchangeTs), last.ltp / (last.divisor || 100));
  emit('chart-token', tok);
  redraw();
  void loadTrades();
}

function onTicks(list) {
  if (token === null || !series) return;
  for (const t of list) {
    // Event time only: the fills' markers are on the tick's own clock (a replay's or a synthetic
    // session's), so a tick without an exchange time has no place on this line
    if (t.token !== token || typeof t.ltp !== 'number' || t.ltp <= 0 || !(t.exchangeTs > 0)) continue;
    const time = tzShift(t.exchangeTs);
    const value = t.ltp / (t.divisor || 100);
    const data = series.data();
    const lastTime = data.length ? data[data.length - 1].time : -Infinity;
    ticks.set(time, value);
    if (ticks.size > MAX_POINTS) ticks.delete(ticks.keys().next().value);
    // In-order ticks append (or replace the last second); an out-of-order one redraws
    if (time >= lastTime) series.update({ time, value });
    else redraw();
    debug.chartTicks++;
    debug.chartPoints = series.data().length;
    $('chart-empty').hidden = true;
  }
}

function fillSelector() {
  const sel = $('chart-token');
  const keep = sel.value;
  const tokens = [...new Set([...debug.watchlist, ...(token !== null ? [token] : [])])];
  sel.replaceChildren(el('option', { value: '' }, 'Choose an instrument…'), ...tokens.map((t) => el('option', { value: t }, symbolOf(t))));
  sel.value = keep;
}

/** Wires the panel. */
export function initChart(client) {
  api = client;
  debug.chartPoints = 0;
  debug.chartMarkers = 0;
  debug.chartTicks = 0;
  debug.chartToken = null;
  createPriceChart();
  on('ticks', onTicks);
  on('open-chart', openChart);
  on('watchlist', fillSelector);
  on('instruments', fillSelector);
  on('resync', () => void loadTrades());
  on('event', ({ stream, data }) => {
    if (!stream.endsWith('.orders.filled') || token === null) return;
    const fill = data?.data?.fill;
    if (fill && typeof fill.token === 'number' && fill.token !== token) return;
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(loadTrades, 400);
  });
  $('chart-token').addEventListener('change', (ev) => {
    const v = Number(ev.target.value);
    if (Number.isSafeInteger(v) && v > 0) openChart(v);
  });
}
