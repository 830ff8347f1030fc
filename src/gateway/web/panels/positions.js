// Positions table: one row per (broker, strategy, instrument) from GET /api/v1/positions,
// re-marked live with watchlist ticks (unrealized = ltp·qty − costBasis, integer paise), totals in
// the footer. Refreshed periodically and shortly after every fill event. An open position has a
// Close button (trade scope, confirmed): POST /api/v1/flatten for its strategy and instrument, a
// risk-checked market order through the pipeline. Clicking a row opens its price chart.
import { $, el, KeyedTable } from '../dom.js';
import { debug, emit, on, state } from '../bus.js';
import { confirmAction, flattenSummary, toast } from './header.js';
import { fmtInt, fmtMinor, signClass } from '../format.js';
import { symbolOf } from '../instruments.js';
import { itemsOf } from '../api.js';

let api;
let table;
let positions = [];
let hideFlat = false;
let refreshTimer = null;

function marked(p) {
  const t = state.ticks.get(p.token);
  if (!t || typeof p.qty !== 'number' || typeof p.costBasis !== 'number') return p;
  const unrealizedPnl = t.ltp * p.qty - p.costBasis;
  const netPnl = (p.realizedPnl ?? 0) - (p.fees ?? 0) + unrealizedPnl;
  return { ...p, lastPrice: t.ltp, unrealizedPnl, netPnl };
}

const money = (v, signed = true) => ({ text: fmtMinor(v, 100, { sign: signed }), cls: `num ${signed ? signClass(v) : ''}` });
const columns = [
  { cell: (p) => ({ text: state.brokers.length > 1 ? `${p.broker} · ${p.strategyId}` : p.strategyId, cls: 'strat' }) },
  { cell: (p) => ({ text: symbolOf(p.token), cls: 'sym' }) },
  { cell: (p) => ({ text: fmtInt(p.qty), cls: `num ${p.qty > 0 ? 'long' : p.qty < 0 ? 'short' : 'dim'}` }) },
  { cell: (p) => ({ text: p.qty === 0 ? '—' : fmtMinor(p.avgPrice, 100), cls: 'num' }) },
  { cell: (p) => ({ text: fmtMinor(p.lastPrice, 100), cls: 'num' }) },
  { cell: (p) => money(p.unrealizedPnl) },
  { cell: (p) => money(p.realizedPnl) },
  { cell: (p) => money(p.fees, false) },
  { cell: (p) => ({ ...money(p.netPnl), cls: `num strong ${signClass(p.netPnl)}` }) },
  { cell: (p) => closeCell(p) },
];

function closeCell(p) {
  if (p.qty === 0) return { text: '' };
  const canTrade = state.canTrade();
  const btn = el('button', { class: 'btn tiny danger', 'data-close': `${p.strategyId}|${p.token}`, disabled: !canTrade, title: canTrade ? 'Close this position with a market order through risk' : 'Requires the trade scope' }, 'Close');
  btn.addEventListener('click', (ev) => {
    ev.stopPropagation();
    confirmClose(p);
  });
  return { node: btn, sig: String(canTrade), cls: 'act' };
}

function confirmClose(p) {
  if (!state.canTrade()) return;
  const side = p.qty > 0 ? 'SELL' : 'BUY';
  confirmAction({
    title: `Close ${p.strategyId} · ${symbolOf(p.token)}?`,
    text: `Sends a market ${side} of ${fmtInt(Math.abs(p.qty))} through risk (it passes the kill switch while it reduces) and cancels this position's resting orders. The strategy may reopen it unless paused. Audited.`,
    okLabel: 'Close position',
    send: () => api.post('/api/v1/flatten', { broker: p.broker, strategyId: p.strategyId, token: p.token, confirm: true }, { timeoutMs: 30_000 }),
    done: (reply) => {
      debug.closes++;
      toast(`Close ${symbolOf(p.token)}: ${flattenSummary(reply)}`, 'bad');
      soon();
    },
  });
}

function render() {
  const rows = positions
    .map(marked)
    .filter((p) => !hideFlat || p.qty !== 0)
    .sort((a, b) => (a.qty === 0) - (b.qty === 0) || String(a.strategyId).localeCompare(String(b.strategyId)) || symbolOf(a.token).localeCompare(symbolOf(b.token)));
  table.update(rows);
  const sum = (k) => rows.reduce((s, p) => s + (typeof p[k] === 'number' ? p[k] : 0), 0);
  const open = positions.filter((p) => p.qty !== 0).length;
  $('positions-meta').textContent = `${open} open · ${positions.length} total`;
  debug.positions = positions.length;
  const foot = $('positions-foot');
  if (rows.length === 0) return foot.replaceChildren();
  const cell = (v, signed = true) => el('td', { class: `num strong ${signed ? signClass(v) : ''}` }, fmtMinor(v, 100, { sign: signed }));
  foot.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'dim' }, 'Total'), cell(sum('unrealizedPnl')), cell(sum('realizedPnl')), cell(sum('fees'), false), cell(sum('netPnl')), el('td')));
}

/** Refetches every position. */
export async function refreshPositions() {
  try {
    positions = itemsOf(await api.get('/api/v1/positions'), 'positions').filter((p) => p && typeof p.token === 'number');
    render();
  } catch {
    debug.restErrors++;
  }
}

function soon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshPositions, 300);
}

/** Wires the panel. */
export function initPositions(client) {
  api = client;
  debug.closes = 0;
  table = new KeyedTable($('positions-body'), columns, (p) => `${p.broker}|${p.strategyId}|${p.token}`, {
    empty: 'No positions yet',
    rowClass: (p) => (p.qty === 0 ? 'flat' : ''),
  });
  $('hide-flat').addEventListener('change', (ev) => {
    hideFlat = ev.target.checked;
    render();
  });
  $('positions-body').addEventListener('click', (ev) => {
    if (ev.target.closest('button')) return;
    const token = Number(ev.target.closest('tr[data-key]')?.dataset.key?.split('|')[2]);
    if (Number.isSafeInteger(token) && token > 0) emit('open-chart', token);
  });
  on('event', ({ stream }) => stream.endsWith('.orders.filled') && soon());
  on('scopes', () => { table.rows.forEach((tr) => delete tr.lastChild.dataset.sig); render(); });
  on('resync', refreshPositions);
  on('instruments', render);
  setInterval(() => positions.some((p) => p.qty !== 0 && state.ticks.has(p.token)) && render(), 500);
  setInterval(refreshPositions, 5000);
}
