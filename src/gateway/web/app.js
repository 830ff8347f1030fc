// Dashboard entry point: authenticates (token from ?token=, sessionStorage or the login box,
// verified against GET /api/v1/status before anything else runs), wires the panels to the REST
// client and the self-healing WebSocket, and resyncs REST snapshots after every reconnect.
import { ApiError, createApi } from './api.js';
import { askForToken, clearToken, readInitialToken, saveToken } from './auth.js';
import { debug, emit, on, state } from './bus.js';
import { $ } from './dom.js';
import { initInstruments } from './instruments.js';
import { LiveSocket } from './ws.js';
import { banner, initHeader, toast } from './panels/header.js';
import { initWatchlist } from './panels/watchlist.js';
import { initEquity } from './panels/equity.js';
import { initPositions } from './panels/positions.js';
import { initOrders } from './panels/orders.js';
import { initSignals } from './panels/signals.js';
import { initHealth } from './panels/health.js';
import { initPipeline } from './panels/pipeline.js';
import { initBrokers } from './panels/brokers.js';
import { initChart } from './panels/chart.js';
import { initTrades } from './panels/trades.js';
import { initPerformance } from './panels/performance.js';

const EVENT_SUFFIXES = ['signals.raw', 'signals.validated', 'signals.rejected', 'orders.submitted', 'orders.filled', 'orders.failed', 'pnl.snapshots'];

let reauthing = null;
let resyncTimer = null;
const api = createApi(() => state.token, () => void reauth('Token rejected by the gateway (401). Enter a valid token.'));
let socket = null;

/** Checks a token with an authenticated read; throws a readable error when it is refused. */
async function verify(token) {
  const probe = createApi(() => token);
  try {
    const status = await probe.get('/api/v1/status');
    return status;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw new Error('Token rejected (401 Unauthorized).');
    if (e instanceof ApiError && e.status === 403) throw new Error('Token lacks the read scope (403 Forbidden).');
    if (e instanceof ApiError && e.status === 0) throw new Error('Gateway unreachable — is Alpha Panda running?');
    // Other failures (503 while starting) still prove the token was accepted
    return null;
  }
}

/** Shows the login box until a token verifies; then restarts the live connection with it. */
async function reauth(message) {
  if (reauthing) return reauthing;
  debug.authenticated = false;
  clearToken();
  state.token = null;
  socket?.stop();
  reauthing = askForToken(message, verify).then((token) => {
    saveToken(token);
    state.token = token;
    debug.authenticated = true;
    reauthing = null;
    socket?.start();
    emit('resync', null);
  });
  return reauthing;
}

function brokersOf(streams) {
  const set = new Set();
  for (const s of streams) {
    const m = /^([a-z0-9_-]+)\.pnl\.snapshots$/.exec(s);
    if (m) set.add(m[1]);
  }
  return [...set].sort();
}

function onMessage(msg) {
  debug.wsMessages++;
  switch (msg.type) {
    case 'welcome': {
      state.scopes = Array.isArray(msg.scopes) ? msg.scopes : [];
      debug.scopes = state.scopes;
      debug.streams = Array.isArray(msg.streams) ? msg.streams : [];
      emit('scopes', state.scopes);
      const brokers = brokersOf(debug.streams);
      if (brokers.join() !== state.brokers.join()) {
        state.brokers = brokers;
        emit('brokers', brokers);
      }
      const wanted = debug.streams.filter((s) => s === 'system.health' || brokers.some((b) => EVENT_SUFFIXES.some((x) => s === `${b}.${x}`)));
      socket.want('events', wanted);
      // After a reconnect REST snapshots are the truth again (events may have been missed)
      if (socket.connects > 1) emit('resync', null);
      return;
    }
    case 'tick':
      return emit('ticks', [msg.data]);
    case 'ticks':
      return emit('ticks', Array.isArray(msg.data) ? msg.data : []);
    case 'event':
      debug.events++;
      return typeof msg.stream === 'string' && emit('event', { stream: msg.stream, data: msg.data });
    case 'health':
      return emit('health', msg.data);
    case 'error':
      debug.errors.push(`${msg.code}: ${msg.message}`);
      if (debug.errors.length > 50) debug.errors.shift();
      toast(`Gateway: ${msg.code} — ${msg.message}`, 'bad');
      return;
    case 'dropped':
      // The gateway's bridge is lossy under load: missed events are recovered from REST snapshots
      debug.dropped += typeof msg.count === 'number' ? msg.count : 1;
      clearTimeout(resyncTimer);
      resyncTimer = setTimeout(() => emit('resync', null), 1000);
      return;
    default:
      return;
  }
}

async function pollStatus() {
  try {
    emit('status', await api.get('/api/v1/status'));
  } catch {
    debug.restErrors++;
  }
}

/** Shows the operations monitor or the trader's view (tabs in the top bar). */
function showView(view) {
  $('monitor').hidden = view !== 'monitor';
  $('trader').hidden = view !== 'trader';
  for (const b of document.querySelectorAll('[data-view]')) b.classList.toggle('active', b.dataset.view === view);
  debug.view = view;
}

async function main() {
  initInstruments(api);
  initHeader(api, {
    onLogout: () => void reauth('Logged out. Enter a token to reconnect.'),
    onRetry: () => socket?.retryNow(),
  });
  initEquity(api);
  initPositions(api);
  initOrders(api);
  initSignals();
  initHealth(pollStatus);
  initPipeline(api);
  initBrokers(api);
  initChart(api);
  initTrades(api);
  initPerformance(api);
  debug.view = 'monitor';
  for (const b of document.querySelectorAll('[data-view]')) b.addEventListener('click', () => showView(b.dataset.view));
  // Choosing an instrument anywhere (watchlist, positions, trades) opens the trader's chart
  on('open-chart', () => showView('trader'));

  let token = readInitialToken();
  let status = null;
  let firstError = null;
  if (token !== null) {
    try {
      status = await verify(token);
    } catch (e) {
      firstError = e.message;
      token = null;
    }
  }
  if (token === null) {
    clearToken();
    token = await askForToken(firstError, async (t) => { status = await verify(t); });
    saveToken(token);
  }
  state.token = token;
  debug.authenticated = true;
  if (status) emit('status', status);

  socket = new LiveSocket({
    getToken: () => state.token,
    onMessage,
    onState: (s) => {
      debug.wsConnects = socket.connects;
      emit('conn', s);
    },
    onFailedUpgrade: async (n) => {
      // The upgrade itself failed: either the gateway is down or the token stopped being valid
      if (n < 2) return;
      try {
        await api.get('/api/v1/status');
      } catch (e) {
        if (e instanceof ApiError && e.status === 0) banner('Gateway unreachable — retrying…', 'bad');
      }
    },
  });
  socket.start();
  emit('resync', null);
  await initWatchlist();
  // Watchlist selection plus the charted instrument → tokens filter of the tick subscription
  let charted = null;
  const wanted = () => (charted === null || debug.watchlist.includes(charted) ? debug.watchlist : [...debug.watchlist, charted]);
  socket.wantTicks(wanted());
  // Debounced: auto-filling an empty watchlist adds many tokens in a burst (one message, not twenty)
  let pendingTicks = null;
  const resubscribe = () => {
    clearTimeout(pendingTicks);
    pendingTicks = setTimeout(() => socket.wantTicks(wanted()), 150);
  };
  on('watchlist', resubscribe);
  on('chart-token', (token) => {
    charted = token;
    resubscribe();
  });
}

main().catch((e) => {
  debug.errors.push(`main: ${e?.message ?? e}`);
  banner(`Dashboard failed to start: ${e?.message ?? e}`, 'bad');
});
