// Top bar: connection state (with reconnect countdown), latency, run id, tree state (HALTED in
// red), uptime, tick rate, scopes, clock, the kill switch and flatten (trade scope only, each
// behind a confirm dialog).
import { $, el } from '../dom.js';
import { debug, on, state } from '../bus.js';
import { fmtDuration, fmtMinor, fmtTime, signClass } from '../format.js';

let retryAt = 0;
let connState = 'connecting';
let startedAt = null;
let killEngaged = null;

/** Shows a transient notice in the bottom-right corner. */
export function toast(text, kind = 'info') {
  const t = el('div', { class: `toast ${kind}` }, text);
  $('toasts').append(t);
  setTimeout(() => t.classList.add('gone'), 4500);
  setTimeout(() => t.remove(), 5000);
}

/** Shows (or hides, with null) the banner under the top bar. */
export function banner(text, kind = 'warn') {
  const b = $('banner');
  b.hidden = text === null;
  document.body.classList.toggle('with-banner', text !== null);
  b.className = `banner ${kind}`;
  b.textContent = text ?? '';
}

function renderConn(s) {
  connState = s.state;
  debug.wsState = s.state;
  const pill = $('conn');
  const txt = $('conn-text');
  pill.className = `pill conn-${s.state}`;
  $('conn-retry').hidden = s.state !== 'reconnecting';
  if (s.state === 'open') txt.textContent = 'LIVE';
  else if (s.state === 'connecting') txt.textContent = s.attempt > 0 ? `CONNECTING · #${s.attempt}` : 'CONNECTING';
  else if (s.state === 'reconnecting') {
    retryAt = s.retryAt ?? Date.now();
    txt.textContent = `RECONNECTING · ${Math.ceil((retryAt - Date.now()) / 1000)}s`;
  } else txt.textContent = 'OFFLINE';
  $('rtt').textContent = s.state === 'open' && typeof s.rttMs === 'number' ? `${s.rttMs.toFixed(0)} ms` : '—';
  if (s.state === 'reconnecting') banner(`Connection to the gateway lost${s.closeCode ? ` (code ${s.closeCode})` : ''} — reconnecting with backoff (attempt ${s.attempt}). Data shown may be stale.`, 'warn');
  else if (s.state === 'open') banner(null);
}

/** Applies a status answer (REST /status or the system.health stream) to the header. */
export function renderTree(status) {
  if (!status || typeof status !== 'object') return;
  if (typeof status.runId === 'string') {
    $('run-id').textContent = status.runId;
    debug.runId = status.runId;
  }
  if (typeof status.startedAt === 'number') startedAt = status.startedAt;
  // The gateway's status view carries `state` (root state) and `halted` (supervisors that gave up);
  // a raw supervision tree (`tree.state`) is accepted too
  const st = typeof status.state === 'string' ? status.state : status.tree?.state;
  if (typeof st === 'string') {
    const halted = Array.isArray(status.halted) ? status.halted : [];
    const shown = halted.length > 0 && st === 'running' ? 'halted' : st;
    debug.treeState = shown.toUpperCase();
    const t = $('tree-state');
    t.textContent = halted.length > 0 && st === 'running' ? `HALTED: ${halted.join(', ')}` : shown.toUpperCase();
    t.className = `pill tree-${shown}`;
    t.title = halted.length > 0 ? `Supervisors that gave up restarting: ${halted.join(', ')}` : `Root supervisor: ${st}`;
  }
  const ks = findKill(status);
  if (ks !== null) setKill(ks);
}

/** Finds a kill-switch flag in a status payload, whatever nesting the gateway picked. */
function findKill(status) {
  const k = status.killSwitch ?? status.risk?.killSwitch;
  if (typeof k === 'boolean') return k;
  if (k && typeof k === 'object') {
    if (typeof k.engaged === 'boolean') return k.engaged;
    const vals = Object.values(k).filter((v) => v && typeof v.engaged === 'boolean');
    if (vals.length > 0) return vals.some((v) => v.engaged);
  }
  return null;
}

function setKill(engaged) {
  killEngaged = engaged;
  $('kill-state').hidden = !engaged;
  const btn = $('kill-btn');
  btn.textContent = engaged ? 'RELEASE KILL' : 'KILL SWITCH';
  debug.killEngaged = engaged;
  btn.classList.toggle('danger', !engaged);
  btn.classList.toggle('warn', engaged);
}

function renderScopes() {
  const canTrade = state.canTrade();
  $('scopes').replaceChildren(...(state.scopes.length ? state.scopes : ['—']).map((s) => el('span', { class: `scope scope-${s}` }, s)));
  const btn = $('kill-btn');
  btn.disabled = !canTrade;
  btn.title = canTrade ? 'Engage or release the kill switch (all brokers)' : 'Requires the trade scope — this token is read-only';
  const flat = $('flatten-btn');
  flat.disabled = !canTrade;
  flat.title = canTrade ? 'Cancel resting orders and close every open position (all brokers)' : 'Requires the trade scope — this token is read-only';
}

let lastExplicit = 0;

/** A kill-switch state seen in the event stream (rejections by the KillSwitch rule, validations). */
function observeKill(engaged) {
  // Verdicts published just before an explicit change may still be in flight: trust the click
  if (Date.now() - lastExplicit < 3000 || killEngaged === engaged) return;
  setKill(engaged);
}

async function sendKill(api, engage, reason) {
  const reply = await api.post('/api/v1/kill-switch', { engaged: engage, reason: reason || 'dashboard' });
  const ks = reply && typeof reply === 'object' ? findKill({ killSwitch: reply.killSwitch ?? reply }) : null;
  lastExplicit = Date.now();
  setKill(ks ?? engage);
  toast(engage ? 'Kill switch ENGAGED for every broker' : 'Kill switch released', engage ? 'bad' : 'good');
}

function confirmKill(api) {
  // Unknown state (page just loaded, the gateway does not report it): offer both actions
  const engage = killEngaged !== true;
  $('confirm-title').textContent = engage ? 'Engage the kill switch?' : 'Release the kill switch?';
  $('confirm-text').textContent = engage
    ? 'Every broker rejects new signals immediately. Open positions and resting orders are NOT touched (FLATTEN closes them). The reason goes to the audit log.'
    : 'Signals are accepted again for every broker. The reason goes to the audit log.';
  const ok = $('confirm-ok');
  ok.textContent = engage ? 'Engage kill switch' : 'Release';
  ok.className = `btn ${engage ? 'danger' : 'primary'}`;
  const alt = $('confirm-alt');
  alt.hidden = killEngaged !== null;
  const reason = $('confirm-reason');
  reason.hidden = false;
  reason.value = engage ? 'manual halt from dashboard' : 'manual release from dashboard';
  $('confirm-error').hidden = true;
  $('confirm').hidden = false;
  reason.focus();
  reason.select();
  const form = $('confirm-form');
  const close = () => {
    $('confirm').hidden = true;
    form.onsubmit = null;
  };
  const run = async (what) => {
    ok.disabled = alt.disabled = true;
    try {
      await sendKill(api, what, reason.value.trim());
      close();
    } catch (e) {
      $('confirm-error').textContent = `${e.code ?? 'ERROR'}: ${e.message}`;
      $('confirm-error').hidden = false;
    } finally {
      ok.disabled = alt.disabled = false;
    }
  };
  $('confirm-cancel').onclick = close;
  alt.onclick = () => void run(false);
  form.onsubmit = (ev) => {
    ev.preventDefault();
    void run(engage);
  };
}

/** `"3 closing orders (1 rejected), 2 resting orders canceled"` from a flatten answer. */
export function flattenSummary(reply) {
  let closes = 0;
  let rejected = 0;
  let canceled = 0;
  for (const r of Object.values(reply && typeof reply === 'object' ? reply : {})) {
    closes += r?.closes?.length ?? 0;
    rejected += (r?.closes ?? []).filter((c) => c?.outcome === 'rejected').length;
    canceled += r?.canceled?.length ?? 0;
  }
  return `${closes} closing order${closes === 1 ? '' : 's'}${rejected > 0 ? ` (${rejected} rejected by risk)` : ''}, ${canceled} resting order${canceled === 1 ? '' : 's'} canceled`;
}

/**
 * The confirm dialog for a trade-scope action without a reason field (flatten, close one
 * position, pause/resume a strategy): `send()` runs only after OK; its failure stays in the dialog
 * (code and message), its answer goes to `done(reply)`. The audit log names the token.
 */
export function confirmAction({ title, text, okLabel, okClass = 'danger', send, done }) {
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  const ok = $('confirm-ok');
  ok.textContent = okLabel;
  ok.className = `btn ${okClass}`;
  $('confirm-alt').hidden = true;
  $('confirm-reason').hidden = true;
  $('confirm-error').hidden = true;
  $('confirm').hidden = false;
  ok.focus();
  const form = $('confirm-form');
  const close = () => {
    $('confirm').hidden = true;
    form.onsubmit = null;
  };
  $('confirm-cancel').onclick = close;
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    ok.disabled = true;
    try {
      const reply = await send();
      close();
      done(reply);
    } catch (e) {
      $('confirm-error').textContent = `${e.code ?? 'ERROR'}: ${e.message}`;
      $('confirm-error').hidden = false;
    } finally {
      ok.disabled = false;
    }
  };
}

function confirmFlatten(api) {
  confirmAction({
    title: 'Flatten every position?',
    text: 'Cancels every resting order and closes every open position of every broker with market orders through risk (they pass the kill switch). Strategies may open new positions afterwards unless the kill switch is engaged. Audited.',
    okLabel: 'Flatten',
    send: () => api.post('/api/v1/flatten', { confirm: true }, { timeoutMs: 30_000 }),
    done: (reply) => toast(`Flatten: ${flattenSummary(reply)}`, 'bad'),
  });
}

/** Wires the header. `onLogout()` forgets the token. */
export function initHeader(api, { onLogout, onRetry }) {
  on('conn', renderConn);
  on('scopes', renderScopes);
  on('status', renderTree);
  on('health', renderTree);
  on('kill-observed', observeKill);
  on('pnl-total', (t) => {
    const h = $('h-pnl');
    h.textContent = fmtMinor(t.netPnl, t.divisor ?? 100, { sign: true });
    h.className = `val mono ${signClass(t.netPnl)}`;
    // The tab title carries the PnL: visible even when the dashboard is a background tab
    document.title = `${fmtMinor(t.netPnl, t.divisor ?? 100, { sign: true })} · Alpha Panda`;
  });
  $('kill-btn').addEventListener('click', () => state.canTrade() && confirmKill(api));
  $('flatten-btn').addEventListener('click', () => state.canTrade() && confirmFlatten(api));
  // The real state on load: GET /api/v1/kill-switch answers { broker: { engaged, reason } }
  api
    .get('/api/v1/kill-switch')
    .then((ks) => {
      const engaged = findKill({ killSwitch: ks });
      if (engaged !== null) setKill(engaged);
    })
    .catch(() => {});
  $('logout').addEventListener('click', onLogout);
  $('conn-retry').addEventListener('click', onRetry);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') $('confirm').hidden = true;
  });
  let lastTicks = 0;
  let lastAt = performance.now();
  setInterval(() => {
    const now = Date.now();
    $('clock').textContent = fmtTime(now);
    if (connState === 'reconnecting') $('conn-text').textContent = `RECONNECTING · ${Math.max(0, Math.ceil((retryAt - now) / 1000))}s`;
    if (startedAt !== null) $('uptime').textContent = fmtDuration(now - startedAt);
    const p = performance.now();
    const rate = ((debug.ticksReceived - lastTicks) * 1000) / (p - lastAt);
    lastTicks = debug.ticksReceived;
    lastAt = p;
    $('tick-rate').textContent = connState === 'open' ? rate.toFixed(rate < 10 ? 1 : 0) : '—';
  }, 1000);
  renderScopes();
}
