// Shared dashboard context: an event bus between the transport and the panels, and the debug
// object `window.__dashboard` whose counters the browser test reads (read-only for the page's users).

const target = new EventTarget();

/** Subscribes to a bus event; returns the unsubscribe function. */
export function on(name, fn) {
  const h = (ev) => fn(ev.detail);
  target.addEventListener(name, h);
  return () => target.removeEventListener(name, h);
}

/** Publishes a bus event. Panels must not throw into each other: errors are counted, not rethrown. */
export function emit(name, detail) {
  try {
    target.dispatchEvent(new CustomEvent(name, { detail }));
  } catch (e) {
    debug.errors.push(`${name}: ${e?.message ?? e}`);
  }
}

/** Counters and state for tests and for a human poking at the console. */
export const debug = {
  authenticated: false,
  scopes: [],
  streams: [],
  wsState: 'idle',
  wsConnects: 0,
  wsMessages: 0,
  ticksReceived: 0,
  tickCellChanges: 0,
  watchlist: [],
  equityPoints: 0,
  equityLivePoints: 0,
  healthRows: 0,
  treeState: null,
  runId: null,
  events: 0,
  signals: 0,
  orders: 0,
  fills: 0,
  positions: 0,
  pipelineBrokers: 0,
  restErrors: 0,
  dropped: 0,
  killEngaged: null,
  errors: [],
};
window.__dashboard = debug;

/** Page-wide mutable state shared by panels. */
export const state = {
  token: null,
  scopes: [],
  brokers: [],
  /** token → latest TickJson. */
  ticks: new Map(),
  canTrade() {
    return state.scopes.includes('trade');
  },
};
