// Signals feed: one row per strategy signal (`{b}.signals.raw`), updated in place by its risk
// verdict (`validated` / `rejected` with reasons; linked by the envelope's causationId), newest
// first. Bounded: the oldest rows are dropped.
import { $, badge, KeyedTable } from '../dom.js';
import { debug, emit, on, state } from '../bus.js';
import { fmtInt, fmtMinor, fmtTime } from '../format.js';
import { symbolOf } from '../instruments.js';

const MAX = 300;
let rows = []; // newest first; one row per strategy signal, updated by its risk verdict
const byId = new Map();
let filter = 'all';
let table;
let dirty = false;
const counts = { raw: 0, validated: 0, rejected: 0 };

const STAGE = { raw: ['PENDING', 'mute'], validated: ['VALID', 'good'], rejected: ['REJECTED', 'bad'] };

const columns = [
  { cell: (r) => ({ text: fmtTime(r.ts), cls: 'dim mono' }) },
  { cell: (r) => ({ node: badge(...STAGE[r.stage]), sig: r.stage }) },
  { cell: (r) => ({ text: state.brokers.length > 1 ? `${r.broker} · ${r.strategyId}` : r.strategyId, cls: 'strat' }) },
  { cell: (r) => ({ text: symbolOf(r.token), cls: 'sym' }) },
  { cell: (r) => ({ text: r.side, cls: r.side === 'BUY' ? 'buy' : 'sell' }) },
  { cell: (r) => ({ text: fmtInt(r.qty), cls: 'num' }) },
  { cell: (r) => ({ text: fmtMinor(r.price, 100), cls: 'num' }) },
  { cell: (r) => ({ text: typeof r.confidence === 'number' ? r.confidence.toFixed(2) : '—', cls: 'num dim' }) },
];

function onEvent({ stream, data }) {
  const [broker, domain, ev] = stream.split('.');
  if (domain !== 'signals' || !STAGE[ev]) return;
  const p = data?.data;
  const sig = ev === 'raw' ? p : p?.signal;
  if (!sig || typeof sig.token !== 'number') return;
  let reason = '';
  if (ev === 'rejected') reason = Array.isArray(p.reasons) && p.reasons.length ? p.reasons.map((r) => `${r.rule}: ${r.message}`).join('; ') : p.rejectionReason ?? '';
  else if (ev === 'validated') reason = '';
  else if (sig.metadata && typeof sig.metadata.reason === 'string') reason = sig.metadata.reason;
  counts[ev]++;
  debug.signals++;
  // The switch state is not in any REST answer: verdicts reveal it
  if (ev === 'rejected' && Array.isArray(p.reasons)) {
    if (p.reasons.some((r) => r.code === 'ERR_RISK_KILL_SWITCH' || r.rule === 'KillSwitch')) emit('kill-observed', true);
  } else if (ev === 'validated') emit('kill-observed', false);
  dirty = true;
  // A verdict is a child event of the raw signal: causationId links the two into one row
  const id = ev === 'raw' ? data.id : data.causationId ?? data.id;
  const known = id !== undefined ? byId.get(id) : undefined;
  if (known) {
    if (ev !== 'raw') Object.assign(known, { stage: ev, reason, qty: p.validatedQty ?? known.qty, price: p.validatedPrice ?? known.price });
    return;
  }
  const row = {
    id: id ?? `${stream}|${sig.strategyId}|${sig.token}|${sig.ts}|${counts[ev]}`,
    stage: ev,
    broker,
    ts: sig.ts ?? data.ts,
    strategyId: sig.strategyId,
    token: sig.token,
    side: sig.side,
    qty: p.validatedQty ?? sig.quantity,
    price: p.validatedPrice ?? sig.price,
    confidence: sig.confidence,
    reason,
  };
  rows.unshift(row);
  byId.set(row.id, row);
  if (rows.length > MAX) for (const old of rows.splice(MAX)) byId.delete(old.id);
}

function render() {
  if (!dirty) return;
  dirty = false;
  table.update(filter === 'all' ? rows : rows.filter((r) => r.stage === filter));
  $('signals-meta').textContent = `${counts.raw} signals · ${counts.validated} valid · ${counts.rejected} rejected`;
}

/** Wires the panel. */
export function initSignals() {
  table = new KeyedTable($('signals-body'), columns, (r) => r.id, {
    empty: 'No signals yet',
    rowClass: (r) => `sig-${r.stage}`,
    // Rejection reasons are long: a second line under the signal, not a clipped column
    detail: (r) => (r.reason ? `↳ ${r.reason}` : null),
  });
  for (const b of document.querySelectorAll('#p-signals [data-sig]')) {
    b.addEventListener('click', () => {
      filter = b.dataset.sig;
      for (const o of document.querySelectorAll('#p-signals [data-sig]')) o.classList.toggle('active', o === b);
      dirty = true;
      render();
    });
  }
  on('event', onEvent);
  on('instruments', () => { dirty = true; });
  setInterval(render, 250);
}
