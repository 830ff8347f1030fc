// The dashboard's live connection: the client SDK's StreamClient (src/client, served compiled at
// /sdk/) — the same reconnect with capped, jittered backoff and the same re-subscribe after every
// welcome that users of the SDK get — plus what only a screen needs: connection states for the
// header pill, a ping/pong round trip, "retry now", named groups of event streams, and a tick
// filter that follows the watchlist. Ticks are asked for as JSON with the five-level book.

import { StreamClient } from '/sdk/index.js';

const BACKOFF = { initialMs: 500, maxMs: 15_000 };
const PING_MS = 10_000;

/**
 * A self-healing connection. Callbacks: `onMessage(msg)` with the gateway's message shapes
 * (welcome, ticks, event, health, error, dropped), `onState({ state, attempt, retryInMs, rttMs })`
 * with state in connecting | open | reconnecting | stopped, and `onFailedUpgrade(n)` after n
 * consecutive connections that never got a welcome (the app then checks whether the token is
 * still good).
 */
export class LiveSocket {
  constructor({ getToken, onMessage, onState, onFailedUpgrade, path = '/ws' }) {
    this.getToken = getToken;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onFailedUpgrade = onFailedUpgrade ?? (() => {});
    this.path = path;
    this.client = null;
    this.attempt = 0;
    this.failedOpens = 0;
    this.pingTimer = null;
    this.wanted = new Map(); // stream group → streams
    this.tickWanted = undefined; // undefined = no ticks, null = every instrument, Set = filter
    this.tickSent = undefined; // what the client subscribed, same encoding (it re-sends it itself)
    this.rttMs = null;
    this.pingSeq = 0;
    this.pingSent = new Map();
    this.connects = 0;
  }

  /** Starts (or restarts) connecting. */
  start() {
    this.client?.close();
    this.attempt = 0;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const client = new StreamClient({ url: `${proto}//${location.host}${this.path}`, token: () => this.getToken() ?? '', format: 'json', backoff: BACKOFF });
    this.client = client;
    client.on('connecting', ({ attempt }) => {
      this.attempt = attempt;
      this.emit('connecting');
    });
    client.on('open', ({ welcome }) => {
      this.attempt = 0;
      this.failedOpens = 0;
      this.connects++;
      this.emit('open');
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), PING_MS);
      this.ping();
      this.onMessage(welcome);
    });
    client.on('ticks', ({ ticks }) => this.onMessage({ type: 'ticks', data: ticks }));
    client.on('event', ({ stream, seq, data }) => this.onMessage({ type: 'event', stream, seq, data }));
    client.on('health', ({ data }) => this.onMessage({ type: 'health', data }));
    client.on('dropped', ({ stream, count }) => this.onMessage({ type: 'dropped', stream, count }));
    client.on('error', ({ code, message }) => this.onMessage({ type: 'error', code, message }));
    client.on('pong', ({ id }) => {
      const sent = this.pingSent.get(id);
      if (sent === undefined) return;
      this.pingSent.delete(id);
      this.rttMs = performance.now() - sent;
      this.emit('open');
    });
    client.on('close', ({ code, reason, retryInMs, welcomed }) => {
      clearInterval(this.pingTimer);
      if (retryInMs === null) return;
      if (!welcomed) {
        this.failedOpens++;
        this.onFailedUpgrade(this.failedOpens);
      }
      this.emit('reconnecting', { retryInMs, retryAt: Date.now() + retryInMs, closeCode: code, closeReason: reason });
    });
    client.connect();
  }

  /** Closes for good (logout). */
  stop() {
    clearInterval(this.pingTimer);
    this.client?.close();
    this.client = null;
    this.tickSent = undefined;
    this.emit('stopped');
  }

  /** Sets a named group of event streams (kept across reconnects by the client). */
  want(group, streams) {
    const prev = this.wanted.get(group) ?? [];
    this.wanted.set(group, streams);
    const gone = prev.filter((s) => !streams.includes(s));
    const added = streams.filter((s) => !prev.includes(s));
    if (gone.length > 0) this.client?.unsubscribe(gone);
    if (added.length > 0) this.client?.subscribe(added);
  }

  /**
   * Sets the market.ticks filter: an array of tokens, or null / [] for every instrument. The
   * gateway's filter is additive (subscribe adds tokens, unsubscribe with tokens removes them), so
   * only the difference to what is already subscribed is sent.
   */
  wantTicks(tokens) {
    this.tickWanted = tokens === null || tokens.length === 0 ? null : new Set(tokens);
    const c = this.client;
    if (c === null) return;
    const want = this.tickWanted;
    const have = this.tickSent;
    const sub = (list) => c.subscribe(['market.ticks'], { depth: true, ...(list ? { tokens: list } : {}) });
    if (want === null) {
      if (have === null) return;
      if (have instanceof Set) c.unsubscribe(['market.ticks']);
      sub(null);
    } else if (have === undefined || have === null) {
      // From nothing, or from "everything" (which cannot be narrowed by exclusion): start afresh
      if (have === null) c.unsubscribe(['market.ticks']);
      sub([...want]);
    } else {
      const added = [...want].filter((t) => !have.has(t));
      const removed = [...have].filter((t) => !want.has(t));
      // Add before removing so the filter never passes through empty (which would unsubscribe)
      if (added.length > 0) sub(added);
      if (removed.length > 0) c.unsubscribe(['market.ticks'], removed);
    }
    this.tickSent = want === null ? null : new Set(want);
  }

  isOpen() {
    return this.client?.connected === true;
  }

  emit(state, extra = {}) {
    this.onState({ state, attempt: this.attempt, rttMs: this.rttMs, ...extra });
  }

  ping() {
    const id = `p${++this.pingSeq}`;
    this.pingSent.clear();
    this.pingSent.set(id, performance.now());
    this.client?.ping(id);
  }

  /** Reconnects immediately (user clicked "retry now"). */
  retryNow() {
    this.client?.reconnectNow();
  }
}
