// WebSocket client of the gateway (/ws, JSON protocol of gateway.md). Reconnects with capped,
// jittered exponential backoff whenever the socket drops (the gateway process may be restarted by
// its supervisor), re-sends the wanted subscriptions after every welcome, and measures latency
// with ping/pong. The token travels as `?token=` because browsers cannot set upgrade headers.

const BASE_MS = 500;
const MAX_MS = 15_000;
const PING_MS = 10_000;

/**
 * A self-healing connection. Callbacks: `onMessage(msg)`, `onState({ state, attempt, retryInMs,
 * rttMs })` with state in connecting | open | reconnecting | stopped, and `onFailedUpgrade(n)` after
 * n consecutive connections that never opened (the app then checks whether the token is still good).
 */
export class LiveSocket {
  constructor({ getToken, onMessage, onState, onFailedUpgrade, path = '/ws' }) {
    this.getToken = getToken;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onFailedUpgrade = onFailedUpgrade ?? (() => {});
    this.path = path;
    this.ws = null;
    this.attempt = 0;
    this.failedOpens = 0;
    this.timer = null;
    this.pingTimer = null;
    this.stopped = true;
    this.wanted = new Map(); // stream group → { streams }
    this.tickWanted = undefined; // undefined = no ticks, null = every instrument, Set = filter
    this.tickSent = undefined; // what this connection's server session has, same encoding
    this.rttMs = null;
    this.pingSeq = 0;
    this.pending = new Map();
    this.connects = 0;
  }

  /** Starts (or restarts) connecting. */
  start() {
    this.stopped = false;
    this.attempt = 0;
    this.open();
  }

  /** Closes for good (logout). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pingTimer);
    if (this.ws) this.ws.close(1000, 'client stop');
    this.ws = null;
    this.emit('stopped');
  }

  /** Sets a named subscription group (event streams) and sends it now if connected (again after reconnects). */
  want(group, streams) {
    const prev = this.wanted.get(group);
    this.wanted.set(group, { streams });
    if (this.isOpen()) {
      const gone = prev ? prev.streams.filter((s) => !streams.includes(s)) : [];
      if (gone.length > 0) this.send({ op: 'unsubscribe', streams: gone });
      this.sendWanted(group);
    }
  }

  /**
   * Sets the market.ticks filter: an array of tokens, or null / [] for every instrument. The
   * gateway's filter is additive (subscribe adds tokens, unsubscribe with tokens removes them), so
   * only the difference to what this session already has is sent.
   */
  wantTicks(tokens) {
    this.tickWanted = tokens === null || tokens.length === 0 ? null : new Set(tokens);
    this.syncTicks();
  }

  syncTicks() {
    if (!this.isOpen() || this.tickWanted === undefined) return;
    const want = this.tickWanted;
    const have = this.tickSent;
    const sub = (tokens) => this.send({ op: 'subscribe', streams: ['market.ticks'], depth: true, ...(tokens ? { tokens } : {}) });
    if (want === null) {
      if (have === null) return;
      if (have instanceof Set) this.send({ op: 'unsubscribe', streams: ['market.ticks'] });
      sub(null);
    } else if (have === undefined || have === null) {
      // From nothing, or from "everything" (which cannot be narrowed by exclusion): start afresh
      if (have === null) this.send({ op: 'unsubscribe', streams: ['market.ticks'] });
      sub([...want]);
    } else {
      const added = [...want].filter((t) => !have.has(t));
      const removed = [...have].filter((t) => !want.has(t));
      // Add before removing so the filter never passes through empty (which would unsubscribe)
      if (added.length > 0) sub(added);
      if (removed.length > 0) this.send({ op: 'unsubscribe', streams: ['market.ticks'], tokens: removed });
    }
    this.tickSent = want === null ? null : new Set(want);
  }

  isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a JSON message if open; false otherwise. */
  send(msg) {
    if (!this.isOpen()) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  sendWanted(group) {
    const w = this.wanted.get(group);
    if (!w || w.streams.length === 0) return;
    this.send({ op: 'subscribe', streams: w.streams });
  }

  emit(state, extra = {}) {
    this.onState({ state, attempt: this.attempt, rttMs: this.rttMs, ...extra });
  }

  open() {
    clearTimeout(this.timer);
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${proto}//${location.host}${this.path}?token=${encodeURIComponent(this.getToken() ?? '')}`;
    this.emit('connecting');
    let opened = false;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.failedOpens = 0;
      this.connects++;
      this.emit('open');
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), PING_MS);
      this.ping();
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return; // binary tick frames are never requested
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.type === 'welcome') {
        // A healthy session: the next outage starts its backoff from the beginning again
        this.attempt = 0;
        // A fresh server session has no subscriptions: send everything again
        this.tickSent = undefined;
        for (const g of this.wanted.keys()) this.sendWanted(g);
        this.syncTicks();
      } else if (msg.type === 'pong') {
        const sent = this.pending.get(msg.id);
        if (sent !== undefined) {
          this.pending.delete(msg.id);
          this.rttMs = performance.now() - sent;
          this.emit('open');
        }
      }
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      clearInterval(this.pingTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (!opened) {
        this.failedOpens++;
        this.onFailedUpgrade(this.failedOpens);
      }
      this.scheduleReconnect(ev.code, ev.reason);
    };
    ws.onerror = () => {
      // onclose always follows; the error itself carries no detail in browsers
    };
  }

  ping() {
    const id = `p${++this.pingSeq}`;
    this.pending.clear();
    this.pending.set(id, performance.now());
    this.send({ op: 'ping', id });
  }

  scheduleReconnect(code, reason) {
    if (this.stopped) return;
    this.attempt++;
    const exp = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(10, this.attempt - 1));
    const delay = Math.round(exp * (0.8 + Math.random() * 0.4));
    this.emit('reconnecting', { retryInMs: delay, retryAt: Date.now() + delay, closeCode: code ?? null, closeReason: reason ?? '' });
    this.timer = setTimeout(() => this.open(), delay);
  }

  /** Reconnects immediately (user clicked "retry now"). */
  retryNow() {
    if (this.stopped || this.isOpen()) return;
    this.open();
  }
}
