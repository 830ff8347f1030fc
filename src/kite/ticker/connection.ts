// One KiteTicker WebSocket connection that stays up: it opens, subscribes its tokens and sets their
// mode, watches liveness, and after any loss reopens with exponential backoff and jitter and
// subscribes again from scratch (Kite forgets subscriptions with the connection).
//
//   waiting ──timer──► connecting ──open──► open ──close / error / silent ≥ livenessMs──► waiting
//      ▲                   │ (handshake refused, e.g. HTTP 403 for an expired access token)   │
//      └───────────────────┴───────────── delay = backoff(attempt) ◄───────────────────────────┘
//
// Invariants: at most one socket per connection at a time (a socket is dropped before the next one
// is made); every message, tick or 1-byte heartbeat, proves liveness; the attempt counter resets
// only when a handshake succeeds, so a refused token backs off to reconnectMaxMs instead of
// hammering Kite. Unlike the official JS client this never exits the process and keeps no global
// state, so several connections can live in one actor.
import WebSocket, { type RawData } from 'ws';
import { seededRng, type Rng } from '../../domain/rng.js';
import type { Clock } from '../../runtime/clock.js';
import type { KiteConnectionStatus } from '../../protocol/market-feed.js';
import type { KiteMode } from './layout.js';

export interface KiteConnectionOptions {
  /** Ticker root, e.g. wss://ws.kite.trade or the sandbox's ws://127.0.0.1:P/. */
  readonly url: string;
  readonly apiKey: string;
  readonly accessToken: string;
  readonly tokens: readonly number[];
  readonly mode: KiteMode;
  readonly livenessMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly clock: Pick<Clock, 'monoMs'>;
  /** Seed of the backoff jitter (deterministic per connection; no Math.random). */
  readonly jitterSeed: string;
  /** A binary message (a frame or a heartbeat); the buffer is only valid during the call. */
  onBinary(bytes: Uint8Array): void;
  onText(text: string): void;
  /** The connection opened (first time or a reconnection) or was lost (`reason`). */
  onEvent(event: 'open' | 'lost', detail: { readonly opened: number; readonly reason?: string; readonly retryInMs?: number }): void;
}

/**
 * Delay before reconnection attempt `attempt` (0-based): base·2^attempt capped at max, then
 * "equal jitter": a uniform draw in [delay/2, delay], so reconnecting clients spread out.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, rng: Rng): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped / 2 + (rng.next() * capped) / 2);
}

/** The subscribe and mode messages for `tokens` (sent on every open). */
export function subscribeMessages(tokens: readonly number[], mode: KiteMode): readonly string[] {
  return [JSON.stringify({ a: 'subscribe', v: tokens }), JSON.stringify({ a: 'mode', v: [mode, tokens] })];
}

export class KiteTickerConnection {
  private ws: WebSocket | undefined;
  private state: KiteConnectionStatus['state'] = 'waiting';
  private stopped = true;
  private attempt = 0;
  private opened = 0;
  private lastMessageAt: number | null = null;
  private lastError: string | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private readonly rng: Rng;

  constructor(private readonly o: KiteConnectionOptions) {
    this.rng = seededRng(o.jitterSeed);
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Closes for good (no reconnection); resolves once the socket is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.livenessTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.terminate();
    });
  }

  status(): KiteConnectionStatus {
    return {
      state: this.state,
      tokens: this.o.tokens.length,
      opened: this.opened,
      silentMs: this.lastMessageAt === null ? null : Math.round(this.o.clock.monoMs() - this.lastMessageAt),
      lastError: this.lastError,
    };
  }

  private open(): void {
    if (this.stopped) return;
    this.state = 'connecting';
    const url = new URL(this.o.url);
    url.searchParams.set('api_key', this.o.apiKey);
    url.searchParams.set('access_token', this.o.accessToken);
    const ws = new WebSocket(url, { headers: { 'X-Kite-Version': '3' }, perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.state = 'open';
      this.attempt = 0;
      this.opened++;
      this.lastMessageAt = this.o.clock.monoMs();
      for (const m of subscribeMessages(this.o.tokens, this.o.mode)) ws.send(m);
      this.livenessTimer = setInterval(() => this.checkLiveness(ws), Math.max(250, Math.floor(this.o.livenessMs / 4)));
      this.o.onEvent('open', { opened: this.opened });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = this.o.clock.monoMs();
      // ws delivers a Buffer (a Uint8Array) by default: no copy on the tick path
      if (isBinary) this.o.onBinary(data as Buffer);
      else this.o.onText(String(data));
    });
    ws.on('unexpected-response', (_req, res) => {
      // A refused handshake (403: api_key/access_token invalid or expired) is a lost connection too
      this.lost(ws, `handshake refused: HTTP ${res.statusCode ?? '?'}`);
      res.resume();
    });
    ws.on('error', (e: Error) => this.lost(ws, e.message));
    ws.on('close', (code: number) => this.lost(ws, `closed with code ${code}`));
  }

  private checkLiveness(ws: WebSocket): void {
    if (this.ws !== ws || this.lastMessageAt === null) return;
    const silent = this.o.clock.monoMs() - this.lastMessageAt;
    if (silent >= this.o.livenessMs) this.lost(ws, `no message for ${Math.round(silent)} ms (liveness ${this.o.livenessMs} ms)`);
  }

  /** Drops `ws` (once) and schedules the next attempt. Later events of the same socket are ignored. */
  private lost(ws: WebSocket, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    clearInterval(this.livenessTimer);
    ws.removeAllListeners('message');
    ws.on('error', () => undefined); // terminate() of a socket still connecting emits one more
    ws.terminate();
    this.lastError = reason;
    if (this.stopped) return;
    this.state = 'waiting';
    const delay = backoffDelay(this.attempt, this.o.reconnectBaseMs, this.o.reconnectMaxMs, this.rng);
    this.attempt++;
    this.o.onEvent('lost', { opened: this.opened, reason, retryInMs: delay });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}
