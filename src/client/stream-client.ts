// Client SDK of the gateway's live stream (/ws): connect, authenticate, subscribe, decode binary tick
// frames, and reconnect with backoff — re-sending the format and every subscription, so a gateway
// restart costs the caller a gap (reported through `close`/`open`), never a re-subscribe of its own.
// Works in the browser and in Node: it only needs a WebSocket constructor (the global one, or the
// `ws` package's passed as `WebSocket`), and decodes with DataView (no Buffer, no Node APIs).
import type { ServerMessage, TickMode } from '../gateway/ws-protocol.js';
import type { TickJson } from '../gateway/tick-json.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { decodeTickFrame, type FrameTick } from './tick-frame.js';

/** The part of the WebSocket API the client uses (browser WebSocket and `ws` both have it). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { readonly data: unknown }) => void) | null;
  onclose: ((ev: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketCtor = new (url: string) => WebSocketLike;

/** A tick as the client hands it out: the binary frame's fields; JSON ticks add change and depth. */
export type ClientTick = FrameTick & Partial<Pick<TickJson, 'change' | 'changeBps' | 'depth'>>;

export interface StreamClientOptions {
  /** ws://host:port/ws (or wss://). */
  readonly url: string;
  /**
   * A read-scope access token (sent as ?token=, the only way a browser can), or a function read at
   * every (re)connect, for a caller whose token may change (a dashboard after a re-login).
   */
  readonly token: string | (() => string);
  /** Tick encoding asked for (default binary: smaller and cheaper to decode). */
  readonly format?: 'json' | 'binary';
  /**
   * WebSocket constructor (default globalThis.WebSocket), e.g. the `ws` package's. Typed loosely on
   * purpose: `ws` and the DOM type their handler events differently, and the client only uses the
   * members of WebSocketLike, which both have.
   */
  readonly WebSocket?: new (url: string) => unknown;
  readonly backoff?: Partial<BackoffOptions>;
  /** Random source of the backoff jitter (default Math.random). */
  readonly random?: () => number;
}

export interface SubscribeOptions {
  /** Only these instruments (additive across calls); omitted = every instrument. */
  readonly tokens?: readonly number[];
  /** latest (coalesced per instrument, default) or every (every tick, gaps reported as dropped). */
  readonly mode?: TickMode;
  /** JSON ticks with the five-level book. */
  readonly depth?: boolean;
}

type Welcome = Extract<ServerMessage, { type: 'welcome' }>;

/** Events and their payloads. */
export interface StreamEvents {
  /** A connection attempt starts; `attempt` counts the failed ones since the last welcome. */
  connecting: { readonly attempt: number };
  /** Connected, authenticated, format and subscriptions re-sent. `reconnects` counts earlier drops. */
  open: { readonly welcome: Welcome; readonly reconnects: number };
  ticks: { readonly ticks: readonly ClientTick[] };
  event: { readonly stream: string; readonly seq: number; readonly data: unknown };
  /** Records of `stream` the client will never see (its every-buffer overflowed, or the gateway lost them). */
  dropped: { readonly stream: string; readonly count: number };
  health: { readonly data: unknown };
  /** An error frame from the server (bad command, forbidden, rate limit), or ERR_CLIENT_BAD_FRAME. */
  error: { readonly code: string; readonly message: string };
  /** The answer to ping(id) (`id` as the gateway echoes it). */
  pong: { readonly id: string | number | null };
  /**
   * The socket closed; unless close() was called a reconnect follows after `retryInMs`. `welcomed`
   * is false when this connection never got the welcome (a refused upgrade: bad token, or no gateway).
   */
  close: { readonly code: number; readonly reason: string; readonly retryInMs: number | null; readonly welcomed: boolean };
}

type Listener<K extends keyof StreamEvents> = (e: StreamEvents[K]) => void;

const OPEN = 1;

/** One logical stream connection that survives gateway restarts. */
export class StreamClient {
  private ws: WebSocketLike | null = null;
  // Keyed by event name; each set only ever holds listeners of its own key (on() is the only writer)
  private readonly listeners = new Map<keyof StreamEvents, Set<(e: never) => void>>();
  private readonly streams = new Set<string>();
  /** null = every instrument (when subscribed to market.ticks). */
  private tokens: Set<number> | null = null;
  private hadTicks = false;
  private mode: TickMode | undefined;
  private depth: boolean | undefined;
  private closedByUser = false;
  /** The current connection got its welcome. */
  private welcomed = false;
  private attempt = 0;
  private reconnects = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: BackoffOptions;
  private readonly Ctor: WebSocketCtor;

  constructor(private readonly opts: StreamClientOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    const ctor = (opts.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket) as WebSocketCtor | undefined;
    if (ctor === undefined) throw new Error('StreamClient: no WebSocket constructor; pass options.WebSocket (e.g. the `ws` package)');
    this.Ctor = ctor;
  }

  /** Starts connecting (and keeps reconnecting until close()). */
  connect(): this {
    this.closedByUser = false;
    this.open();
    return this;
  }

  on<K extends keyof StreamEvents>(type: K, fn: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) this.listeners.set(type, (set = new Set()));
    const s = set;
    s.add(fn);
    return () => void s.delete(fn);
  }

  /** Subscribes now if connected, and again after every reconnect. */
  subscribe(streams: readonly string[], o: SubscribeOptions = {}): void {
    for (const s of streams) this.streams.add(s);
    if (streams.includes('market.ticks')) {
      // Mirrors the gateway: tokens widen the filter; no tokens means every instrument
      if (o.tokens === undefined || (this.tokens === null && this.hadTicks)) this.tokens = null;
      else this.tokens = new Set([...(this.tokens ?? []), ...o.tokens]);
      this.hadTicks = true;
      if (o.mode !== undefined) this.mode = o.mode;
      if (o.depth !== undefined) this.depth = o.depth;
    }
    this.sendNow({ op: 'subscribe', streams, ...(o.tokens !== undefined ? { tokens: o.tokens } : {}), ...(o.mode !== undefined ? { mode: o.mode } : {}), ...(o.depth !== undefined ? { depth: o.depth } : {}) });
  }

  /** Unsubscribes streams (or, for market.ticks with tokens, those instruments only). */
  unsubscribe(streams: readonly string[], tokens?: readonly number[]): void {
    for (const s of streams) {
      if (s === 'market.ticks' && tokens !== undefined && this.tokens !== null) {
        for (const t of tokens) this.tokens.delete(t);
        if (this.tokens.size > 0) continue;
      }
      this.streams.delete(s);
      if (s === 'market.ticks') {
        this.tokens = null;
        this.hadTicks = false;
      }
    }
    this.sendNow({ op: 'unsubscribe', streams, ...(tokens !== undefined ? { tokens } : {}) });
  }

  /** Closes for good (no reconnect). */
  close(): void {
    this.closedByUser = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, 'client closed');
    this.ws = null;
  }

  /** Reconnects at once instead of waiting out the backoff (no-op while connected or closed). */
  reconnectNow(): void {
    if (this.closedByUser || this.ws !== null || this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reconnects += 1;
    this.open();
  }

  /** Asks the gateway for a pong carrying `id` (round-trip measurement); false when not connected. */
  ping(id: string): boolean {
    return this.sendNow({ op: 'ping', id });
  }

  get connected(): boolean {
    return this.ws !== null && this.ws.readyState === OPEN;
  }

  private open(): void {
    this.timer = undefined;
    const token = typeof this.opts.token === 'function' ? this.opts.token() : this.opts.token;
    const url = `${this.opts.url}${this.opts.url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
    this.emit('connecting', { attempt: this.attempt });
    let ws: WebSocketLike;
    try {
      ws = new this.Ctor(url);
    } catch {
      // A malformed URL throws instead of closing: retry like any refused connection
      this.scheduleReconnect(1006, 'connect failed', false);
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.welcomed = false;
    ws.onmessage = (ev) => this.onMessage(ev.data);
    // A refused upgrade or a dropped connection both end in close; errors carry nothing more
    ws.onerror = () => undefined;
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleReconnect(ev.code, ev.reason, this.welcomed);
    };
  }

  private scheduleReconnect(code: number, reason: string, welcomed: boolean): void {
    if (this.closedByUser) {
      this.emit('close', { code, reason, retryInMs: null, welcomed });
      return;
    }
    const delay = backoffDelay(this.attempt++, this.backoff, this.opts.random ?? Math.random);
    this.emit('close', { code, reason, retryInMs: delay, welcomed });
    this.timer = setTimeout(() => {
      if (this.closedByUser) return;
      this.reconnects += 1;
      this.open();
    }, delay);
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      const ticks = bytes === null ? null : decodeTickFrame(bytes);
      if (ticks === null) this.emit('error', { code: 'ERR_CLIENT_BAD_FRAME', message: 'binary message is not a tick frame' });
      else this.emit('ticks', { ticks });
      return;
    }
    let m: ServerMessage | { type: 'ticks'; data: ClientTick[] } | { type: 'event'; stream: string; seq: number; data: unknown };
    try {
      m = JSON.parse(data) as typeof m;
    } catch {
      this.emit('error', { code: 'ERR_CLIENT_BAD_FRAME', message: 'text message is not JSON' });
      return;
    }
    switch (m.type) {
      case 'welcome':
        this.attempt = 0;
        this.welcomed = true;
        this.resend();
        this.emit('open', { welcome: m, reconnects: this.reconnects });
        return;
      case 'ticks':
        this.emit('ticks', { ticks: m.data });
        return;
      case 'event':
        this.emit('event', { stream: m.stream, seq: m.seq, data: m.data });
        return;
      case 'dropped':
        this.emit('dropped', { stream: m.stream, count: m.count });
        return;
      case 'health':
        this.emit('health', { data: m.data });
        return;
      case 'error':
        this.emit('error', { code: m.code, message: m.message });
        return;
      case 'pong':
        this.emit('pong', { id: m.id });
        return;
      default:
        // subscribed / unsubscribed / format acks: nothing to surface
        return;
    }
  }

  /** After (re)connecting: the format, then every subscription in one command. */
  private resend(): void {
    if ((this.opts.format ?? 'binary') === 'binary') this.sendNow({ op: 'format', ticks: 'binary' });
    if (this.streams.size === 0) return;
    const streams = [...this.streams];
    const ticks = this.streams.has('market.ticks');
    this.sendNow({
      op: 'subscribe',
      streams,
      ...(ticks && this.tokens !== null ? { tokens: [...this.tokens] } : {}),
      ...(ticks && this.mode !== undefined ? { mode: this.mode } : {}),
      ...(ticks && this.depth !== undefined ? { depth: this.depth } : {}),
    });
  }

  private sendNow(cmd: unknown): boolean {
    if (this.ws === null || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(cmd));
    return true;
  }

  private emit<K extends keyof StreamEvents>(type: K, e: StreamEvents[K]): void {
    const set = this.listeners.get(type) as Set<Listener<K>> | undefined;
    if (set === undefined) return;
    for (const fn of set) fn(e);
  }
}
