// Live performance of the selected broker from GET /api/v1/performance: the backtest report's
// metrics per strategy or per instrument, plus the total (round trips, win rate, profit factor,
// expectancy, net realized, fees, unrealized kept separate, max drawdown of the closed-trade
// equity). The strategy rows carry the pause/resume toggle (trade scope, confirmed, audited;
// the state comes from GET /api/v1/strategies). Refetched after fill events and every 5 s.
import { $, el, KeyedTable } from '../dom.js';
import { debug, emit, on, state } from '../bus.js';
import { fmtInt, fmtMinor, signClass } from '../format.js';
import { symbolOf } from '../instruments.js';
import { confirmAction, toast } from './header.js';

let api;
let table;
let tab = 'strategy';
let last = null;
/** strategy id → StrategyInfo (paused, broker). */
let strategies = new Map();
let timer = null;

const pct = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—');
const ratio = (v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : '—');
const money = (v, signed = true) => ({ text: typeof v === 'number' ? fmtMinor(Math.round(v), 100, { sign: signed }) : '—', cls: `num ${signed ? signClass(v) : ''}` });

function toggle(row) {
  const info = strategies.get(row.strategyId);
  if (!info || row.strategyId === null) return { text: '' };
  const paused = info.paused === true;
  const canTrade = state.canTrade();
  const btn = el('button', {
    class: `btn tiny ${paused ? 'primary' : 'warn'}`,
    'data-pause': row.strategyId,
    disabled: !canTrade,
    title: canTrade ? (paused ? 'Resume: the strategy emits signals again' : 'Pause: the strategy keeps reading ticks but emits no signal') : 'Requires the trade scope',
  }, paused ? 'Resume' : 'Pause');
  btn.addEventListener('click', () => confirmPause(row.strategyId, !paused));
  return { node: btn, sig: `${paused}|${canTrade}`, cls: 'act' };
}

const columns = [
  { cell: (r) => ({ text: r.token !== null ? symbolOf(r.token) : r.strategyId, cls: r.token !== null ? 'sym' : 'strat' }) },
  { cell: (r) => ({ text: strategies.get(r.strategyId)?.paused ? 'PAUSED' : '', cls: 'warn-text' }) },
  { cell: (r) => ({ text: fmtInt(r.metrics.trades.roundTrips), cls: 'num' }) },
  { cell: (r) => ({ text: pct(r.metrics.trades.winRate), cls: 'num' }) },
  { cell: (r) => ({ text: ratio(r.metrics.trades.profitFactor), cls: 'num' }) },
  { cell: (r) => money(r.metrics.trades.expectancy) },
  { cell: (r) => ({ ...money(r.metrics.netRealizedPnl), cls: `num strong ${signClass(r.metrics.netRealizedPnl)}` }) },
  { cell: (r) => money(r.metrics.fees, false) },
  { cell: (r) => money(r.metrics.unrealizedPnl) },
  { cell: (r) => ({ text: r.metrics.drawdown.amount > 0 ? `${fmtMinor(r.metrics.drawdown.amount, 100)} (${pct(r.metrics.drawdown.pct)})` : '—', cls: 'num' }) },
  { cell: (r) => (r.strategyId !== null && r.token === null ? toggle(r) : { text: '' }) },
];

function render() {
  if (!last) return;
  const rows = tab === 'strategy' ? last.strategies : last.instruments;
  table.update(rows);
  debug.perfRows = rows.length;
  debug.perfTab = tab;
  const t = last.total;
  const foot = $('perf-foot');
  const cell = (v, signed = true) => el('td', { class: `num strong ${signed ? signClass(v) : ''}` }, typeof v === 'number' ? fmtMinor(Math.round(v), 100, { sign: signed }) : '—');
  foot.replaceChildren(
    el(
      'tr',
      {},
      el('td', { class: 'dim', colspan: 2 }, 'Total'),
      el('td', { class: 'num strong' }, fmtInt(t.metrics.trades.roundTrips)),
      el('td', { class: 'num strong' }, pct(t.metrics.trades.winRate)),
      el('td', { class: 'num strong' }, ratio(t.metrics.trades.profitFactor)),
      cell(t.metrics.trades.expectancy),
      cell(t.metrics.netRealizedPnl),
      cell(t.metrics.fees, false),
      cell(t.metrics.unrealizedPnl),
      el('td', { class: 'num strong' }, t.metrics.drawdown.amount > 0 ? fmtMinor(t.metrics.drawdown.amount, 100) : '—'),
      el('td'),
    ),
  );
  $('perf-meta').textContent = `${last.broker} · net ${fmtMinor(t.metrics.netPnl, 100, { sign: true })}${last.window?.partial ? ' · oldest fills not scanned' : ''}`;
}

async function loadStrategies() {
  try {
    const r = await api.get('/api/v1/strategies');
    const list = (Array.isArray(r?.items) ? r.items : []).filter((s) => s && typeof s.id === 'string' && s.skipped === null);
    strategies = new Map(list.map((s) => [s.id, s]));
    debug.pausedStrategies = list.filter((s) => s.paused === true).map((s) => s.id);
    emit('strategies', list);
  } catch {
    debug.restErrors++;
  }
}

/** Refetches performance and the strategies' pause state. */
export async function refreshPerformance() {
  try {
    const [perf] = await Promise.all([api.get('/api/v1/performance'), loadStrategies()]);
    last = perf;
    debug.perfRefreshes++;
    render();
  } catch {
    debug.restErrors++;
  }
}

function confirmPause(strategyId, paused) {
  if (!state.canTrade()) return;
  confirmAction({
    title: `${paused ? 'Pause' : 'Resume'} ${strategyId}?`,
    text: paused
      ? `${strategyId} keeps reading ticks (its indicators stay current) but sends no new signal until resumed. Its open positions stay open (close them from Positions). Survives a restart. Audited.`
      : `${strategyId} sends signals again from the next tick. Audited.`,
    okLabel: paused ? 'Pause strategy' : 'Resume strategy',
    okClass: paused ? 'warn' : 'primary',
    send: () => api.post(`/api/v1/strategies/${encodeURIComponent(strategyId)}/pause`, { paused, confirm: true }),
    done: () => {
      toast(`${strategyId} ${paused ? 'paused' : 'resumed'}`, paused ? 'bad' : 'good');
      void refreshPerformance();
    },
  });
}

function soon() {
  clearTimeout(timer);
  timer = setTimeout(refreshPerformance, 700);
}

/** Wires the panel. */
export function initPerformance(client) {
  api = client;
  debug.perfRows = 0;
  debug.perfRefreshes = 0;
  debug.pausedStrategies = [];
  table = new KeyedTable($('perf-body'), columns, (r) => r.key, { empty: 'No strategy has a book yet' });
  $('perf-body').addEventListener('click', (ev) => {
    if (ev.target.closest('button')) return;
    const key = ev.target.closest('tr[data-key]')?.dataset.key;
    if (tab === 'instrument' && key && /^\d+$/.test(key)) emit('open-chart', Number(key));
  });
  for (const b of document.querySelectorAll('#p-perf [data-perf]')) {
    b.addEventListener('click', () => {
      tab = b.dataset.perf;
      for (const o of document.querySelectorAll('#p-perf [data-perf]')) o.classList.toggle('active', o === b);
      render();
    });
  }
  on('event', ({ stream }) => stream.endsWith('.orders.filled') && soon());
  on('resync', refreshPerformance);
  on('scopes', () => { table.rows.forEach((tr) => delete tr.lastChild.dataset.sig); render(); });
  on('instruments', render);
  setInterval(refreshPerformance, 5000);
}
