// State and delivery of one WebSocket connection. Invariants: a slow client never blocks anyone —
// while its socket is backpressured (buffered > softLimitBytes) its ticks wait per its tick mode:
// `latest` coalesces them to the newest per instrument (bounded by the instrument count), `every`
// queues them in order up to maxQueuedTicks and then drops (counted; after the queue drains the
// client gets {type:'dropped', stream:'market.ticks', count} exactly where the gap is). Events and
// health wait in a bounded queue; its overflow, or no progress for stallMs, closes the client with
// ERR_WS_SLOW_CONSUMER (1013).
import { MARKET_TICKS } from '../protocol/topics.js';
import type { Tick } from '../domain/types.js';
import { CATALOGUE, type ErrorCode, type ErrorDef } from '../errors.js';
import type { TokenBucket } from './rate-limit.js';
import type { ServerMessage, TickMode } from './ws-protocol.js';
import type { TickEncoder } from './tick-encoder.js';
import type { Principal } from './tokens.js';

/** What the session needs from a socket (uWS WebSocket in production, a stub in unit tests). */
export interface SocketLike {
  /** 1 sent, 0 sent but backpressure built up, 2 dropped (over the hard limit). */
  send(message: Uint8Array | string, isBinary: boolean): number;
  getBufferedAmount(): number;
  end(code: number, reason: string): void;
}

/** Counters the session reports into (metrics.ts implements them). */
export interface SessionCounters {
  sent(kind: 'ticks' | 'event' | 'control', bytes: number): void;
  coalesced(ticks: number): void;
  everyDropped(ticks: number): void;
  error(code: string): void;
}

/** Limits of one connection. */
export interface SessionLimits {
  readonly softLimitBytes: number;
  readonly maxQueuedEvents: number;
  readonly maxQueuedBytes: number;
  readonly maxQueuedTicks: number;
  readonly stallMs: number;
}

/** One connection: subscriptions, tick filter, format, strikes, flood state and its waiting data. */
export class WsSession {
  readonly streams = new Set<string>();
  /** null = every instrument. */
  tickFilter: Set<number> | null = null;
  depth = false;
  format: 'json' | 'binary' = 'json';
  private mode: TickMode = 'latest';
  closed = false;
  /** Times of recent bad commands (pruned to the strike window). */
  strikes: number[] = [];
  floodDrops = 0;
  /** Start of the current flood window (monotonic ms), null when the client behaves. */
  floodWindowStart: number | null = null;
  private readonly pending = new Map<number, Tick>();
  /** `every` mode: ticks waiting in order, then (once full) how many were dropped after them. */
  private everyQueue: Tick[] = [];
  private everyDropped = 0;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private stallSince: number | null = null;

  constructor(
    readonly id: number,
    readonly principal: Principal,
    readonly ip: string,
    private readonly socket: SocketLike,
    private readonly limits: SessionLimits,
    private readonly counters: SessionCounters,
    readonly flood: TokenBucket,
  ) {}

  get wantsTicks(): boolean {
    return this.streams.has(MARKET_TICKS);
  }

  /** Ticks waiting (coalescing buffer in `latest` mode, ordered queue in `every` mode). */
  get pendingTicks(): number {
    return this.pending.size + this.everyQueue.length;
  }

  get tickMode(): TickMode {
    return this.mode;
  }

  /** Switches the tick mode; ticks already waiting move to the new mode's buffer. */
  setTickMode(mode: TickMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    if (mode === 'every') {
      this.everyQueue = [...this.pending.values()];
      this.pending.clear();
    } else {
      for (const t of this.everyQueue) this.pending.set(t.token, t);
      this.everyQueue = [];
      this.everyDropped = 0;
    }
  }

  /** Forgets waiting ticks (all, or of the given instruments): nothing arrives after an unsubscribe ack. */
  dropWaitingTicks(tokens?: readonly number[]): void {
    if (tokens === undefined) {
      this.pending.clear();
      this.everyQueue = [];
      this.everyDropped = 0;
      return;
    }
    const gone = new Set(tokens);
    for (const t of gone) this.pending.delete(t);
    if (this.everyQueue.length > 0) this.everyQueue = this.everyQueue.filter((t) => !gone.has(t.token));
  }

  /** Events waiting in the bounded queue. */
  get queuedEvents(): number {
    return this.queue.length;
  }

  /** Sends a small control message now (pong, acks, errors): never queued behind data. */
  control(msg: ServerMessage): void {
    if (this.closed) return;
    const text = JSON.stringify(msg);
    this.socket.send(text, false);
    this.counters.sent('control', text.length);
  }

  /** Tells the client about a refused input, without closing. */
  error(code: ErrorCode, message: string): void {
    this.counters.error(code);
    this.control({ type: 'error', code, message });
  }

  /** Closes with the catalogued close code of `code`; the reason carries the code only. */
  close(code: ErrorCode, message?: string): void {
    if (this.closed) return;
    if (message !== undefined) this.error(code, message);
    this.closed = true;
    const def: ErrorDef = CATALOGUE[code];
    this.socket.end(def.wsClose ?? 1011, code);
  }

  /**
   * Offers one batch: `latest` holds the newest tick per instrument, `every` every tick in publish
   * order; the session takes the one its mode asks for.
   */
  deliverTicks(latest: TickEncoder, every: TickEncoder): void {
    if (this.closed || !this.wantsTicks) return;
    const encoder = this.mode === 'every' ? every : latest;
    const ticks = encoder.ticks;
    if (ticks.length === 0) return;
    const filter = this.tickFilter;
    const mine = filter === null ? ticks : ticks.filter((t) => filter.has(t.token));
    if (mine.length === 0) return;
    if (this.mode === 'every') {
      this.offerEvery(mine, encoder, filter === null);
      return;
    }
    if (this.pending.size > 0 || this.backpressured()) {
      let replaced = 0;
      for (const t of mine) {
        if (this.pending.has(t.token)) replaced++;
        this.pending.set(t.token, t);
      }
      if (replaced > 0) this.counters.coalesced(replaced);
      return;
    }
    const frame = filter === null ? encoder.all(this.format, this.depth) : encoder.subset(mine, this.format, this.depth);
    this.sendData(frame, this.format === 'binary', 'ticks');
  }

  private offerEvery(mine: readonly Tick[], encoder: TickEncoder, whole: boolean): void {
    if (this.everyQueue.length > 0 || this.everyDropped > 0 || this.backpressured()) {
      // Once a gap opened, everything up to the next flush belongs to it: order is never broken
      const room = this.everyDropped > 0 ? 0 : Math.max(0, this.limits.maxQueuedTicks - this.everyQueue.length);
      const keep = Math.min(room, mine.length);
      for (let i = 0; i < keep; i++) this.everyQueue.push(mine[i]!);
      const lost = mine.length - keep;
      if (lost > 0) {
        this.everyDropped += lost;
        this.counters.everyDropped(lost);
      }
      return;
    }
    const frame = whole ? encoder.all(this.format, this.depth) : encoder.subset(mine, this.format, this.depth);
    this.sendData(frame, this.format === 'binary', 'ticks');
  }

  /** Offers one serialized event or health message of `stream`. */
  deliver(stream: string, payload: Uint8Array): void {
    if (this.closed || !this.streams.has(stream)) return;
    if (this.queue.length > 0 || this.backpressured()) {
      this.queue.push(payload);
      this.queuedBytes += payload.byteLength;
      if (this.queue.length > this.limits.maxQueuedEvents || this.queuedBytes > this.limits.maxQueuedBytes) {
        this.close('ERR_WS_SLOW_CONSUMER', `event buffer passed ${this.limits.maxQueuedEvents} messages or ${this.limits.maxQueuedBytes} bytes`);
      }
      return;
    }
    this.sendData(payload, false, 'event');
  }

  /**
   * Sends what waited while the socket was backpressured (after every batch, and on uWS drain —
   * `drained` — which restarts the stall clock when the socket is below the soft limit again).
   */
  flush(encoder: TickEncoder, nowMs: number, drained = false): void {
    if (this.closed) return;
    // Progress only counts when the socket really has room again, not when uWS moved a few bytes
    if (drained && !this.backpressured()) this.stallSince = null;
    if (this.pending.size > 0 && !this.backpressured()) {
      const ticks = [...this.pending.values()];
      this.pending.clear();
      this.sendData(encoder.subset(ticks, this.format, this.depth), this.format === 'binary', 'ticks');
    }
    if ((this.everyQueue.length > 0 || this.everyDropped > 0) && !this.backpressured()) {
      const ticks = this.everyQueue;
      this.everyQueue = [];
      if (ticks.length > 0) this.sendData(encoder.subset(ticks, this.format, this.depth), this.format === 'binary', 'ticks');
      if (this.everyDropped > 0 && !this.closed) {
        const gap = Buffer.from(JSON.stringify({ type: 'dropped', stream: MARKET_TICKS, count: this.everyDropped } satisfies ServerMessage), 'utf8');
        this.everyDropped = 0;
        this.sendData(gap, false, 'control');
      }
    }
    let sent = 0;
    while (sent < this.queue.length && !this.backpressured() && !this.closed) {
      const p = this.queue[sent++]!;
      this.queuedBytes -= p.byteLength;
      this.sendData(p, false, 'event');
    }
    if (sent > 0) this.queue = this.queue.slice(sent);
    this.checkStall(nowMs);
  }

  /** Closes a client that made no progress for stallMs while it had data waiting. */
  checkStall(nowMs: number): void {
    if (this.closed) return;
    const waiting = this.backpressured() || this.pending.size > 0 || this.queue.length > 0 || this.everyQueue.length > 0 || this.everyDropped > 0;
    if (!waiting) {
      this.stallSince = null;
      return;
    }
    this.stallSince ??= nowMs;
    if (nowMs - this.stallSince > this.limits.stallMs) {
      this.close('ERR_WS_SLOW_CONSUMER', `socket stayed backpressured for more than ${this.limits.stallMs} ms`);
    }
  }

  /** Drops every waiting message (socket closed). */
  dispose(): void {
    this.closed = true;
    this.pending.clear();
    this.everyQueue = [];
    this.everyDropped = 0;
    this.queue = [];
    this.queuedBytes = 0;
  }

  /**
   * True when nothing waits and the socket is below the soft limit: only then may the hub feed the
   * session by topic publish (publish bypasses the session's buffers, so it must have none).
   */
  idle(): boolean {
    return !this.closed && this.pending.size === 0 && this.queue.length === 0 && this.everyQueue.length === 0 && this.everyDropped === 0 && !this.backpressured();
  }

  /** The socket holds more than the soft limit unsent. */
  isBackpressured(): boolean {
    return this.backpressured();
  }

  private backpressured(): boolean {
    return this.socket.getBufferedAmount() > this.limits.softLimitBytes;
  }

  private sendData(payload: Uint8Array, binary: boolean, kind: 'ticks' | 'event' | 'control'): void {
    // 2 = uWS dropped it: the hard backpressure limit is passed, nothing sensible can follow
    if (this.socket.send(payload, binary) === 2) {
      this.close('ERR_WS_SLOW_CONSUMER');
      return;
    }
    this.counters.sent(kind, payload.byteLength);
  }
}
