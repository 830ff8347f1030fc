// Instrument metadata cache (token → Instrument from /api/v1/instruments). Tables show symbols,
// not tokens; unknown tokens are looked up once, in the background, and a bus event re-renders.
import { emit } from './bus.js';
import { itemsOf } from './api.js';

const byToken = new Map();
const inflight = new Set();
let api = null;

/** Gives the cache its API client. */
export function initInstruments(client) {
  api = client;
}

/** Adds instruments (from a list or search answer) to the cache. */
export function remember(list) {
  let added = 0;
  for (const i of list) {
    if (i && typeof i.token === 'number' && !byToken.has(i.token)) {
      byToken.set(i.token, i);
      added++;
    }
  }
  if (added > 0) emit('instruments', null);
}

/** The instrument of a token, if cached. */
export function instrument(token) {
  return byToken.get(token);
}

/** Trading symbol of a token, falling back to the token number; triggers a lookup when unknown. */
export function symbolOf(token) {
  const i = byToken.get(token);
  if (i) return i.tradingsymbol ?? String(token);
  lookup(token);
  return String(token);
}

function lookup(token) {
  if (api === null || inflight.has(token) || typeof token !== 'number') return;
  inflight.add(token);
  api
    .get(`/api/v1/instruments/${token}`)
    .then((data) => remember([data?.instrument ?? data]))
    .catch(() => {
      // Unknown to the registry: keep showing the token, do not retry in a loop
    });
}

/** Loads the first `limit` instruments (the default feed set) into the cache and returns them. */
export async function loadList(limit = 50) {
  const list = itemsOf(await api.get('/api/v1/instruments', { limit }), 'instruments');
  remember(list);
  return list;
}

/** Searches the registry by symbol or name. */
export async function search(q, limit = 12) {
  const list = itemsOf(await api.get('/api/v1/instruments', { q, limit }), 'instruments', 'results');
  remember(list);
  return list;
}
