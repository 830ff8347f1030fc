// Orders (open / recent tabs, cancel for the trade scope) and fills. Snapshots come from
// GET /api/v1/orders and /api/v1/fills per broker; `{b}.orders.*` events upsert them live.
import { $, badge, el, KeyedTable } from '../dom.js';
import { debug, on, state } from '../bus.js';
import { fmtInt, fmtMinor, fmtTime } from '../format.js';
import { symbolOf } from '../instruments.js';
import { itemsOf } from '../api.js';
import { toast } from './header.js';

const OPEN = new Set(['Initialized', 'Submitted', 'Accepted', 'Triggered', 'PartiallyFilled']);
const MAX_ORDERS = 500;
const MAX_FILLS = 300;
let api;
let ordersTable;
let fillsTable;
let tab = 'open';
const orders = new Map(); // orderId → order (+ ts, broker, reason)
const fills = new Map(); // broker|tradeId → fill
const fillCursor = new Map(); // broker → highest fillSeq loaded
let dirty = true;

function upsertOrder(o, broker, ts, reason) {
  if (!o || typeof o.orderId !== 'string') return;
  const prev = orders.get(o.orderId);
  const next = { ...prev, ...o, broker: o.broker ?? broker ?? prev?.broker, ts: o.updatedTs ?? ts ?? prev?.ts ?? 0, createdTs: o.createdTs ?? prev?.createdTs ?? ts };
  if (reason !== undefined) next.reason = reason;
  else if (!next.reason && Array.isArray(o.history)) next.reason = o.history.at(-1)?.reason;
  // An older snapshot must not undo a newer event (REST answers may race the stream)
  if (prev && prev.ts > next.ts) return;
  orders.set(o.orderId, next);
  if (orders.size > MAX_ORDERS) {
    const old = [...orders.values()].filter((x) => !OPEN.has(x.status)).sort((a, b) => a.ts - b.ts);
    for (const x of old.slice(0, orders.size - MAX_ORDERS)) orders.delete(x.orderId);
  }
  dirty = true;
}

function addFill(f, broker) {
  if (!f || typeof f.tradeId !== 'string') return;
  fills.set(`${f.broker ?? broker}|${f.tradeId}`, { ...f, broker: f.broker ?? broker });
  dirty = true;
}

/** Keeps the newest MAX_FILLS fills (called after each batch, not per fill). */
function trimFills() {
  if (fills.size <= MAX_FILLS) return;
  const old = [...fills.entries()].sort((a, b) => a[1].ts - b[1].ts || (a[1].fillSeq ?? 0) - (b[1].fillSeq ?? 0));
  for (const [k] of old.slice(0, fills.size - MAX_FILLS)) fills.delete(k);
}

const sideCell = (s) => ({ text: s ?? '—', cls: s === 'BUY' ? 'buy' : s === 'SELL' ? 'sell' : '' });
const TYPE = { market: 'MKT', limit: 'LMT', stop: 'SL-M', stop_limit: 'SL' };
const STATUS_CLS = { Filled: 'good', PartiallyFilled: 'info', Canceled: 'mute', Expired: 'mute', Rejected: 'bad', Accepted: 'info', Triggered: 'warn', Submitted: 'info', Initialized: 'mute' };

function priceOf(o) {
  if (o.filledQty > 0 && o.filledNotional > 0) return fmtMinor(o.filledNotional / o.filledQty, 100);
  if (o.limitPrice !== null && o.limitPrice !== undefined) return fmtMinor(o.limitPrice, 100);
  if (o.stopPrice !== null && o.stopPrice !== undefined) return `@${fmtMinor(o.stopPrice, 100)}`;
  return 'MKT';
}

function cancelButton(o) {
  if (!OPEN.has(o.status)) return { text: '' };
  if (!state.canTrade()) return { text: '' };
  const btn = el('button', { class: 'btn tiny ghost', title: 'Cancel order' }, 'Cancel');
  btn.addEventListener('click', async () => {
    if (btn.dataset.armed !== '1') {
      btn.dataset.armed = '1';
      btn.textContent = 'Confirm?';
      btn.classList.add('danger');
      setTimeout(() => { btn.dataset.armed = ''; btn.textContent = 'Cancel'; btn.classList.remove('danger'); }, 3000);
      return;
    }
    btn.disabled = true;
    try {
      await api.post(`/api/v1/orders/${encodeURIComponent(o.orderId)}/cancel`, {});
      toast(`Cancel sent for ${o.orderId}`, 'info');
      void refreshOrders();
    } catch (e) {
      toast(`Cancel failed: ${e.code ?? ''} ${e.message}`, 'bad');
      btn.disabled = false;
    }
  });
  return { node: btn, sig: `${o.orderId}|${state.canTrade()}` };
}

const orderColumns = [
  { cell: (o) => ({ text: fmtTime(o.ts), cls: 'dim mono' }) },
  { cell: (o) => ({ text: o.strategyId ?? '—', cls: 'strat' }) },
  { cell: (o) => ({ text: symbolOf(o.token), cls: 'sym' }) },
  { cell: (o) => sideCell(o.side) },
  { cell: (o) => ({ text: `${TYPE[o.type] ?? o.type ?? ''}${o.tif && o.tif !== 'DAY' ? ` ${o.tif}` : ''}`, cls: 'dim', title: `${o.type ?? ''} ${o.tif ?? ''}` }) },
  { cell: (o) => ({ text: `${fmtInt(o.filledQty ?? 0)}/${fmtInt(o.qty)}`, cls: 'num' }) },
  { cell: (o) => ({ text: priceOf(o), cls: 'num' }) },
  { cell: (o) => ({ node: badge(o.status ?? '?', STATUS_CLS[o.status] ?? 'mute'), sig: o.status, title: o.reason ?? '' }) },
  { cell: cancelButton },
];

const fillColumns = [
  { cell: (f) => ({ text: fmtTime(f.ts), cls: 'dim mono' }) },
  { cell: (f) => ({ text: f.strategyId ?? '—', cls: 'strat' }) },
  { cell: (f) => ({ text: symbolOf(f.token), cls: 'sym' }) },
  { cell: (f) => sideCell(f.side) },
  { cell: (f) => ({ text: fmtInt(f.quantity), cls: 'num' }) },
  { cell: (f) => ({ text: fmtMinor(f.price, 100), cls: 'num' }) },
  { cell: (f) => ({ text: fmtMinor(f.fees, 100), cls: 'num dim' }) },
];

function render() {
  if (!dirty) return;
  dirty = false;
  const all = [...orders.values()].sort((a, b) => b.ts - a.ts);
  const open = all.filter((o) => OPEN.has(o.status));
  $('open-count').textContent = String(open.length);
  ordersTable.emptyRow.firstChild.textContent = tab === 'open' ? 'No open orders' : 'No orders yet';
  ordersTable.update(tab === 'open' ? open : all.slice(0, 200));
  const fl = [...fills.values()].sort((a, b) => b.ts - a.ts || (b.fillSeq ?? 0) - (a.fillSeq ?? 0));
  fillsTable.update(fl.slice(0, 200));
  $('fills-meta').textContent = fl.length ? `${fl.length} shown` : '';
  debug.orders = orders.size;
  debug.fills = fills.size;
}

/**
 * Loads fills of `broker`. The first load reads the newest page only (`order=desc`), one request
 * however long the log is; later refreshes fetch what is new, oldest first after the highest
 * fillSeq seen (`afterSeq` cursor, `nextAfterSeq` null at the end).
 */
async function refreshFills(broker) {
  let after = fillCursor.get(broker);
  if (after === undefined) {
    after = 0;
    const data = await api.get('/api/v1/fills', { broker, size: MAX_FILLS, order: 'desc' });
    for (const f of itemsOf(data, 'fills')) {
      addFill(f, broker);
      if (typeof f.fillSeq === 'number' && f.fillSeq > after) after = f.fillSeq;
    }
    trimFills();
    fillCursor.set(broker, after);
    return;
  }
  for (let n = 0; n < 100; n++) {
    const data = await api.get('/api/v1/fills', { broker, size: 1000, afterSeq: after });
    const items = itemsOf(data, 'fills');
    for (const f of items) {
      addFill(f, broker);
      if (typeof f.fillSeq === 'number' && f.fillSeq > after) after = f.fillSeq;
    }
    trimFills();
    if (items.length === 0 || typeof data?.nextAfterSeq !== 'number') break;
    after = Math.max(after, data.nextAfterSeq);
  }
  fillCursor.set(broker, after);
}

/** Refetches recent orders (newest first) and new fills of every broker. */
export async function refreshOrders() {
  for (const b of state.brokers) {
    try {
      for (const o of itemsOf(await api.get('/api/v1/orders', { broker: b, size: 200 }), 'orders')) upsertOrder(o, b);
      await refreshFills(b);
    } catch {
      debug.restErrors++;
    }
  }
}

function onEvent({ stream, data }) {
  const [broker, domain, ev] = stream.split('.');
  if (domain !== 'orders') return;
  const p = data?.data;
  if (!p) return;
  if (ev === 'submitted') upsertOrder(p.order, broker, p.ts ?? data.ts);
  else if (ev === 'filled') {
    upsertOrder(p.order, broker, p.fill?.ts ?? data.ts);
    addFill(p.fill, broker);
    trimFills();
  } else if (ev === 'failed') upsertOrder(p.order, broker, p.ts ?? data.ts, `${p.kind ?? ''} ${p.code ?? ''}: ${p.message ?? ''}`.trim());
}

/** Wires the orders and fills panels. */
export function initOrders(client) {
  api = client;
  ordersTable = new KeyedTable($('orders-body'), orderColumns, (o) => o.orderId, { empty: 'No open orders', rowClass: (o) => (OPEN.has(o.status) ? 'open' : '') });
  fillsTable = new KeyedTable($('fills-body'), fillColumns, (f) => `${f.broker}|${f.tradeId}`, { empty: 'No fills yet' });
  for (const b of document.querySelectorAll('#p-orders [data-orders]')) {
    b.addEventListener('click', () => {
      tab = b.dataset.orders;
      for (const o of document.querySelectorAll('#p-orders [data-orders]')) o.classList.toggle('active', o === b);
      dirty = true;
      render();
    });
  }
  on('event', onEvent);
  on('resync', refreshOrders);
  on('brokers', refreshOrders);
  on('scopes', () => { ordersTable.rows.forEach((tr) => delete tr.lastChild.dataset.sig); dirty = true; });
  on('instruments', () => { dirty = true; });
  setInterval(render, 250);
  setInterval(refreshOrders, 10_000);
}
