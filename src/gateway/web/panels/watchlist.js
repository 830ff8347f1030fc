// Watchlist: live ticks of the selected instruments (LTP with up/down flash, change % against the
// previous close, volume, best bid/ask) and the instrument picker. The selection is kept in
// localStorage and sent to the gateway as the `tokens` filter of the market.ticks subscription.
import { $, el, flash, KeyedTable } from '../dom.js';
import { debug, emit, on, state } from '../bus.js';
import { changePct, fmtMinor, fmtPct, fmtVolume, signClass } from '../format.js';
import { instrument, loadList, search, symbolOf } from '../instruments.js';

const KEY = 'alphaPanda.watchlist';
const MAX = 60;
let selection = [];
const lastDir = new Map();
let table;
let dirty = false;

/** Normalises a TickJson (best bid/ask from `depth.{buy,sell}` when subscribed with depth). */
export function normalizeTick(t) {
  const buy = t.depth?.buy ?? t.depthBuy ?? [];
  const sell = t.depth?.sell ?? t.depthSell ?? [];
  return {
    token: t.token,
    ltp: t.ltp,
    divisor: t.divisor ?? 100,
    volume: t.volume,
    close: t.close,
    high: t.high,
    low: t.low,
    bid: t.bid ?? buy[0]?.price ?? null,
    ask: t.ask ?? sell[0]?.price ?? null,
    bidQty: buy[0]?.quantity ?? t.buyQty ?? null,
    askQty: sell[0]?.quantity ?? t.sellQty ?? null,
    // Change in basis points of the previous close as the gateway computes it (exact integers)
    changeBps: typeof t.changeBps === 'number' ? t.changeBps : null,
    ts: t.exchangeTs || t.ts || 0,
  };
}

function save() {
  localStorage.setItem(KEY, JSON.stringify(selection));
  debug.watchlist = [...selection];
  emit('watchlist', [...selection]);
  dirty = true;
}

/** Adds a token to the watchlist (no-op when present). */
export function addToken(token) {
  if (typeof token !== 'number' || selection.includes(token) || selection.length >= MAX) return;
  selection.push(token);
  save();
}

function removeToken(token) {
  selection = selection.filter((t) => t !== token);
  save();
}

function pctOf(t) {
  return t.changeBps !== null ? t.changeBps / 100 : changePct(t.ltp, t.close);
}

const columns = [
  {
    cell: (r) => {
      const i = instrument(r.token);
      // The exchange is shown only when it is not the usual NSE (keeps the column narrow)
      const ex = i && i.exchange && i.exchange !== 'NSE' ? i.exchange : '';
      return { node: el('span', { class: 'sym', title: i?.name ?? '' }, symbolOf(r.token), ex ? el('small', {}, ex) : null), sig: `${symbolOf(r.token)}|${ex}|${i ? 1 : 0}` };
    },
  },
  { cell: (r) => ({ text: r.t ? fmtMinor(r.t.ltp, r.t.divisor) : '—', cls: `num ltp ${lastDir.get(r.token) ?? ''}` }) },
  { cell: (r) => { const p = r.t ? pctOf(r.t) : null; return { text: fmtPct(p), cls: `num ${signClass(p)}` }; } },
  { cell: (r) => ({ text: r.t ? fmtVolume(r.t.volume) : '—', cls: 'num dim c-vol' }) },
  { cell: (r) => ({ text: r.t?.bid ? fmtMinor(r.t.bid, r.t.divisor) : '—', cls: 'num bid', title: r.t?.bidQty ? `qty ${r.t.bidQty}` : '' }) },
  { cell: (r) => ({ text: r.t?.ask ? fmtMinor(r.t.ask, r.t.divisor) : '—', cls: 'num ask', title: r.t?.askQty ? `qty ${r.t.askQty}` : '' }) },
  { cell: (r) => ({ node: el('button', { class: 'x', title: 'Remove', onclick: () => removeToken(r.token) }, '×'), sig: 'x' }) },
];

function render() {
  if (!dirty) return;
  dirty = false;
  const rows = selection.map((token) => ({ token, t: state.ticks.get(token) }));
  debug.tickCellChanges += table.update(rows);
  const live = rows.filter((r) => r.t).length;
  $('watch-meta').textContent = `${live}/${selection.length} live`;
}

function onTicks(list) {
  for (const raw of list) {
    if (!raw || typeof raw.token !== 'number') continue;
    const t = normalizeTick(raw);
    const prev = state.ticks.get(t.token);
    if (prev && prev.ltp !== t.ltp) lastDir.set(t.token, t.ltp > prev.ltp ? 'up' : 'down');
    state.ticks.set(t.token, t);
    debug.ticksReceived++;
    // With an empty selection the subscription is unfiltered: adopt what the feed streams
    if (selection.length === 0 || (autoAdopt && !selection.includes(t.token) && selection.length < 20)) {
      autoAdopt = true;
      addToken(t.token);
    }
  }
  dirty = true;
}
let autoAdopt = false;

function initPicker() {
  const input = $('picker-input');
  const box = $('picker-results');
  let results = [];
  let active = 0;
  let timer = null;
  let seq = 0;
  const close = () => { box.hidden = true; };
  const show = () => {
    box.replaceChildren(
      ...results.map((i, n) =>
        el('li', { class: n === active ? 'active' : '', onmousedown: (ev) => { ev.preventDefault(); pick(i); } },
          el('b', {}, i.tradingsymbol), el('span', {}, i.name ?? ''), el('small', {}, `${i.exchange ?? ''}${selection.includes(i.token) ? ' ✓' : ''}`))),
    );
    if (results.length === 0) box.replaceChildren(el('li', { class: 'none' }, 'No match'));
    box.hidden = false;
  };
  const pick = (i) => {
    addToken(i.token);
    input.value = '';
    close();
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q === '') return close();
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const found = await search(q, 12);
        if (mine !== seq) return;
        results = found;
        active = 0;
        show();
      } catch {
        results = [];
        show();
      }
    }, 120);
  });
  input.addEventListener('keydown', (ev) => {
    if (box.hidden) return;
    if (ev.key === 'ArrowDown') active = Math.min(results.length - 1, active + 1);
    else if (ev.key === 'ArrowUp') active = Math.max(0, active - 1);
    else if (ev.key === 'Enter' && results[active]) { ev.preventDefault(); pick(results[active]); return; }
    else if (ev.key === 'Escape') return close();
    else return;
    ev.preventDefault();
    show();
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}

/** Wires the panel and loads the saved (or default) selection. */
export async function initWatchlist() {
  table = new KeyedTable($('ticks-body'), columns, (r) => r.token, {
    empty: 'No instruments — add one with the picker',
    onCell: (td, _b, _a, r, i) => {
      if (i === 1) flash(td, lastDir.get(r.token) === 'down' ? 'down' : 'up');
    },
  });
  // A row click opens the instrument in the price chart (buttons in the row keep their own action)
  $('ticks-body').addEventListener('click', (ev) => {
    if (ev.target.closest('button')) return;
    const token = Number(ev.target.closest('tr[data-key]')?.dataset.key);
    if (Number.isSafeInteger(token) && token > 0) emit('open-chart', token);
  });
  on('ticks', onTicks);
  on('instruments', () => { table.rows.forEach((tr) => delete tr.children[0].dataset.sig); dirty = true; });
  initPicker();
  setInterval(() => requestAnimationFrame(render), 200);
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (Array.isArray(saved) && saved.every((t) => typeof t === 'number') && saved.length > 0) selection = saved.slice(0, MAX);
  } catch {
    // Corrupt storage: start from the default list
  }
  let list = [];
  try {
    list = await loadList(60);
  } catch {
    // The registry may be down; the feed itself fills the watchlist
  }
  if (selection.length === 0) selection = list.slice(0, 20).map((i) => i.token);
  save();
}
