// Closed trades (round trips) of the selected broker from GET /api/v1/trades, newest first:
// entry and exit time and price, quantity, side, net profit after fees, duration. Filterable by
// strategy; refetched shortly after each fill event and every 10 s. Clicking a row opens its
// instrument in the price chart.
import { $, el, KeyedTable } from '../dom.js';
import { debug, emit, on, state } from '../bus.js';
import { fmtDuration, fmtInt, fmtMinor, fmtTime, signClass } from '../format.js';
import { symbolOf } from '../instruments.js';

const LIMIT = 200;

let api;
let table;
let strategy = '';
let timer = null;
/** key → trip of the last answer (a row click opens its instrument). */
const shown = new Map();
const keyOf = (t) => `${t.broker}|${t.entryTradeId}|${t.exitTradeId}`;

const columns = [
  { cell: (t) => ({ text: fmtTime(t.exitTs), cls: 'mono', title: `entry ${new Date(t.entryTs).toISOString()} · exit ${new Date(t.exitTs).toISOString()}` }) },
  { cell: (t) => ({ text: state.brokers.length > 1 ? `${t.broker} · ${t.strategyId}` : t.strategyId, cls: 'strat' }) },
  { cell: (t) => ({ text: symbolOf(t.token), cls: 'sym' }) },
  { cell: (t) => ({ text: t.direction === 'long' ? 'LONG' : 'SHORT', cls: t.direction === 'long' ? 'long' : 'short' }) },
  { cell: (t) => ({ text: fmtInt(t.quantity), cls: 'num' }) },
  { cell: (t) => ({ text: fmtMinor(t.entryPrice, 100), cls: 'num' }) },
  { cell: (t) => ({ text: fmtMinor(t.exitPrice, 100), cls: 'num' }) },
  { cell: (t) => ({ text: fmtMinor(t.netPnl, 100, { sign: true }), cls: `num strong ${signClass(t.netPnl)}`, title: `gross ${fmtMinor(t.grossPnl, 100, { sign: true })} · fees ${fmtMinor(t.fees, 100)}` }) },
  { cell: (t) => ({ text: fmtDuration(t.durationMs), cls: 'num mono' }) },
];

/** Refetches the newest closed trades. */
export async function refreshTrades() {
  try {
    const r = await api.get('/api/v1/trades', { limit: LIMIT, strategy });
    const items = Array.isArray(r?.items) ? r.items : [];
    table.update(items);
    shown.clear();
    for (const t of items) shown.set(keyOf(t), t);
    debug.trades = items.length;
    debug.tradesTotal = typeof r?.total === 'number' ? r.total : items.length;
    const partial = r?.window?.partial ? ' · oldest fills not scanned' : '';
    $('trades-meta').textContent = `${fmtInt(debug.tradesTotal)} closed${items.length < debug.tradesTotal ? ` · newest ${items.length}` : ''}${partial}`;
  } catch {
    debug.restErrors++;
  }
}

function soon() {
  clearTimeout(timer);
  timer = setTimeout(refreshTrades, 500);
}

/** Wires the panel. */
export function initTrades(client) {
  api = client;
  debug.trades = 0;
  debug.tradesTotal = 0;
  table = new KeyedTable($('trades-body'), columns, keyOf, { empty: 'No closed trades yet' });
  $('trades-body').addEventListener('click', (ev) => {
    const trip = shown.get(ev.target.closest('tr[data-key]')?.dataset.key);
    if (trip) emit('open-chart', trip.token);
  });
  const sel = $('trades-strategy');
  sel.addEventListener('change', () => {
    strategy = sel.value;
    void refreshTrades();
  });
  on('strategies', (list) => {
    const keep = sel.value;
    sel.replaceChildren(el('option', { value: '' }, 'All strategies'), ...list.map((s) => el('option', { value: s.id }, s.id)));
    sel.value = keep;
  });
  on('event', ({ stream }) => stream.endsWith('.orders.filled') && soon());
  on('resync', refreshTrades);
  on('instruments', () => void refreshTrades());
  setInterval(refreshTrades, 10_000);
}
