// Broker sessions and the Zerodha panel. Sessions come from the auth actor (GET /api/v1/auth/status,
// polled; tokens never reach the page): paper needs no session; zerodha's is valid, expired, missing,
// rejected by Kite or unverified (Kite unreachable), with its expiry (06:00 IST). The topbar shows one
// badge per active broker. The Zerodha panel (#p-zerodha) exists only while zerodha is an active
// broker (body.zerodha-active switches the grid to make room for it): its session and expiry, and its
// trading engine's state and health from the status stream (halted with ERR_KITE_TOKEN once Kite
// refuses the session).
import { $, badge, KeyedTable } from '../dom.js';
import { debug, on } from '../bus.js';
import { fmtDateTime, fmtDuration } from '../format.js';
import { rowsOf } from './health.js';

const POLL_MS = 10_000;
const ZERODHA_ENGINES = ['trading-engine-zerodha', 'trading-core-zerodha'];
const HEALTH_CLS = { healthy: 'good', degraded: 'warn', unhealthy: 'bad' };

debug.brokerSessions = {};
debug.zerodhaPanel = false;
debug.zerodhaEngine = null;

/** The session as the dashboard names it, with its badge class. */
export function sessionOf(view) {
  if (view?.broker === 'paper') return { text: 'no session needed', cls: 'good' };
  switch (view?.status) {
    case 'authenticated':
      return { text: 'valid', cls: 'good' };
    case 'expired':
      return { text: 'expired', cls: 'bad' };
    case 'unauthenticated':
      return view.reason === 'token_rejected' ? { text: 'rejected', cls: 'bad' } : { text: 'missing', cls: 'bad' };
    case 'error':
      return view.reason === 'validator_unavailable' ? { text: 'unverified', cls: 'warn' } : { text: 'missing', cls: 'bad' };
    default:
      return { text: 'unknown', cls: 'mute' };
  }
}

/** Why a session is not usable, in words (empty when it is). */
function reasonText(view) {
  switch (view?.reason) {
    case 'no_session':
      return 'no session stored: run npm run login';
    case 'missing_api_key':
      return 'ZERODHA__API_KEY is not set';
    case 'api_key_changed':
      return 'the stored session belongs to another api key: run npm run login';
    case 'stored_session_invalid':
      return 'the stored session is unreadable: run npm run login';
    case 'session_expired':
      return 'expired at 06:00 IST: run npm run login, then restart';
    case 'token_rejected':
      return 'Kite refused the token: run npm run login, then restart';
    case 'validator_unavailable':
      return `Kite could not be reached to check the session${view.detail ? ` (${view.detail})` : ''}`;
    default:
      return '';
  }
}

function expiryText(view) {
  const at = view?.session?.expiresAt;
  if (typeof at !== 'number') return '—';
  const left = at - Date.now();
  return left > 0 ? `${fmtDateTime(at)} (in ${fmtDuration(left)})` : `${fmtDateTime(at)} (passed)`;
}

let zTable = null;
let lastSession = null;
let lastEngine = null;

function renderSessions(report) {
  const views = Object.values(report?.brokers ?? {});
  const box = $('sessions');
  const badges = views.map((v) => {
    const s = sessionOf(v);
    const b = badge(`${v.broker}: ${s.text}`, s.cls);
    b.dataset.broker = v.broker;
    b.title = v.broker === 'paper' ? 'Paper trading needs no broker session' : `${reasonText(v) || 'Kite session valid'}; expires ${expiryText(v)}`;
    return b;
  });
  box.replaceChildren(...badges);
  debug.brokerSessions = Object.fromEntries(views.map((v) => [v.broker, sessionOf(v).text]));
  const zerodha = report?.brokers?.zerodha;
  const active = zerodha !== undefined;
  document.body.classList.toggle('zerodha-active', active);
  $('p-zerodha').hidden = !active;
  debug.zerodhaPanel = active;
  lastSession = zerodha ?? null;
  if (active) renderZerodha();
}

function renderZerodha() {
  if (zTable === null || lastSession === null) return;
  const s = sessionOf(lastSession);
  const e = lastEngine;
  const rows = [
    { key: 'session', what: 'Kite session', node: badge(s.text, s.cls), detail: reasonText(lastSession) },
    { key: 'expiry', what: 'Expires', text: expiryText(lastSession), detail: 'Kite access tokens expire daily at 06:00 IST' },
    e === null
      ? { key: 'engine', what: 'Engine', text: 'not running', detail: '' }
      : {
          key: 'engine',
          what: 'Engine',
          node: badge(e.health === 'unhealthy' && /ERR_KITE_TOKEN/.test(e.healthDetail ?? '') ? 'HALTED' : String(e.state ?? '?').toUpperCase(), e.health === 'unhealthy' ? 'bad' : (HEALTH_CLS[e.health] ?? 'mute')),
          detail: e.healthDetail ?? '',
        },
  ];
  zTable.update(rows);
  $('zerodha-meta').textContent = s.text === 'valid' && e?.health !== 'unhealthy' ? 'trading' : 'not trading';
}

function onStatus(status) {
  const rows = rowsOf(status);
  if (rows === null) return;
  const engine = rows.find((r) => ZERODHA_ENGINES.includes(r.name)) ?? null;
  lastEngine = engine === null ? null : { state: engine.state, health: typeof engine.health === 'string' ? engine.health : null, healthDetail: engine.healthDetail ?? null };
  debug.zerodhaEngine = lastEngine;
  renderZerodha();
}

/** Wires the topbar sessions and the Zerodha panel; polls the auth status. */
export function initBrokers(api) {
  zTable = new KeyedTable($('zerodha-body'), [
    { cell: (r) => ({ text: r.what, cls: 'dim' }) },
    { cell: (r) => (r.node ? { node: r.node, sig: r.node.textContent + r.node.className } : { text: r.text ?? '' }) },
    { cell: (r) => ({ text: r.detail, cls: 'reason', title: r.detail }) },
  ], (r) => r.key, { empty: 'Waiting for the session…' });
  const poll = async () => {
    try {
      renderSessions(await api.get('/api/v1/auth/status'));
    } catch {
      debug.restErrors++;
    }
  };
  on('status', onStatus);
  on('health', onStatus);
  on('resync', () => void poll());
  setInterval(() => void poll(), POLL_MS);
  // Expiry countdowns move between polls
  setInterval(renderZerodha, 1000);
}
