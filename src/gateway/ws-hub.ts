// Fan-out of stream batches to every WebSocket session, in two paths:
// - attached sessions (the normal case) are fed by uWS topics (ws-topics.ts): each update is
//   serialised ONCE and published ONCE per topic; uWS copies it to every subscriber in native code,
//   in order with the socket's own sends. Per-client token filters and tick modes are topics too.
// - detached sessions are fed per socket by WsSession, which coalesces (`latest`), queues (`every`,
//   events) and closes stalled clients (1013). A session is detached once its socket is seen past
//   the soft limit, and attached again once it drained and has nothing waiting. The check reads
//   every attached socket's buffered amount (one native call each), so it runs after a batch only
//   when BACKPRESSURE_CHECK_MS passed since the last one: at 1 000 clients and 1 000 batches/s a
//   per-batch check would cost more than the publishes. In between, a socket can only gain what was
//   published in those few ms, far below the 8 MiB hard limit at which uWS would skip it.
// Invariant: an attached session has nothing waiting in its own buffers, so moving between the
// paths never reorders anything: publish only ever follows what the session already sent.
// Without a publisher (unit tests, the per-socket bench variant) every session stays detached.
import type { Tick } from '../domain/types.js';
import type { StreamBatch } from './stream-batch.js';
import type { GatewayMetrics } from './metrics.js';
import { TickEncoder } from './tick-encoder.js';
import { SYSTEM_HEALTH } from './ws-protocol.js';
import type { WsSession } from './ws-session.js';
import { allTicksTopic, MODES, streamTopic, tokenTopic, topicsOf, VARIANTS, type Variant } from './ws-topics.js';

/** A socket's topic subscriptions (uWS WebSocket subscribe/unsubscribe). */
export interface TopicPort {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

/** A session, the cork of its socket, and its topic port (absent: per-socket delivery only). */
export interface HubEntry {
  readonly session: WsSession;
  cork(fn: () => void): void;
  readonly topics?: TopicPort;
}

/** uWS app.publish. */
export interface Publisher {
  publish(topic: string, message: Uint8Array, isBinary: boolean): void;
}

const utf8 = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');
/** Least time between two sweeps of the attached sockets' backpressure (see the header). */
export const BACKPRESSURE_CHECK_MS = 5;
const EMPTY = new TickEncoder([]);
const FORMAT: Record<Variant, { readonly format: 'json' | 'binary'; readonly depth: boolean }> = {
  b: { format: 'binary', depth: false },
  j: { format: 'json', depth: false },
  jd: { format: 'json', depth: true },
};

interface Slot {
  readonly entry: HubEntry;
  /** Topics subscribed while attached; null while detached. */
  subscribed: Set<string> | null;
}

/** The open sessions and the latest health message; delivers batches, health, drains and stall sweeps. */
export class WsHub {
  readonly entries = new Map<number, HubEntry>();
  private readonly slots = new Map<number, Slot>();
  private readonly detached = new Map<number, Slot>();
  private attachedCount = 0;
  /** Subscribers per topic (kept here: a Map lookup per candidate topic instead of a native call). */
  private readonly subs = new Map<string, number>();
  /** Subscriptions per instrument over all token topics: ticks nobody filters on are skipped at once. */
  private readonly filteredTokens = new Map<number, number>();
  private publisher: Publisher | undefined;
  private health: Uint8Array | undefined;
  private lastCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly monoMs: () => number,
  ) {}

  /** Enables topic fan-out (the uWS app, once it exists). */
  usePublisher(p: Publisher): void {
    this.publisher = p;
  }

  add(entry: HubEntry): void {
    const slot: Slot = { entry, subscribed: null };
    this.entries.set(entry.session.id, entry);
    this.slots.set(entry.session.id, slot);
    this.detached.set(entry.session.id, slot);
    this.metrics.connections.set(this.entries.size);
    this.tryAttach(slot);
  }

  remove(id: number): void {
    const slot = this.slots.get(id);
    if (slot !== undefined) {
      // The socket is closing: uWS drops its subscriptions itself; only our counts change
      if (slot.subscribed !== null) {
        for (const t of slot.subscribed) this.count(t, -1);
        this.attachedCount -= 1;
      }
      slot.entry.session.dispose();
    }
    this.slots.delete(id);
    this.detached.delete(id);
    this.entries.delete(id);
    this.metrics.connections.set(this.entries.size);
  }

  /** After a client command: follow its new subscriptions, format, filter or mode. */
  refresh(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    if (slot.subscribed === null) {
      this.tryAttach(slot);
      return;
    }
    if (!slot.entry.session.idle()) {
      this.detach(slot);
      return;
    }
    const want = topicsOf(slot.entry.session);
    for (const t of slot.subscribed) {
      if (want.has(t)) continue;
      slot.entry.topics!.unsubscribe(t);
      this.count(t, -1);
    }
    for (const t of want) {
      if (slot.subscribed.has(t)) continue;
      slot.entry.topics!.subscribe(t);
      this.count(t, 1);
    }
    slot.subscribed = want;
  }

  /** The newest system.health message (sent at once to new subscribers). */
  lastHealth(): Uint8Array | undefined {
    return this.health;
  }

  /** Delivers one tap batch: publish to attached sessions, per socket to detached ones. */
  deliver(batch: StreamBatch): void {
    this.metrics.batch(batch.ticks.length, batch.events, batch.dropped);
    if (this.entries.size === 0) return;
    const every = new TickEncoder(batch.ticks);
    const latest = new TickEncoder(latestPerInstrument(batch.ticks));
    const events = batch.events.map((e) => ({ topic: e.topic, bytes: utf8({ type: 'event', stream: e.topic, seq: e.seq, data: e.msg }) }));
    const drops = Object.entries(batch.dropped).map(([topic, count]) => ({ topic, bytes: utf8({ type: 'dropped', stream: topic, count }) }));
    if (this.attachedCount > 0) {
      this.publishTicks(latest, every);
      for (const e of events) this.publish(streamTopic(e.topic), e.bytes, false, 'event');
      for (const d of drops) this.publish(streamTopic(d.topic), d.bytes, false, 'control');
    }
    if (this.detached.size > 0) {
      const now = this.monoMs();
      for (const slot of this.detached.values()) {
        const { session, cork } = slot.entry;
        if (session.closed) continue;
        cork(() => {
          session.deliverTicks(latest, every);
          for (const e of events) session.deliver(e.topic, e.bytes);
          for (const d of drops) session.deliver(d.topic, d.bytes);
          session.flush(latest, now);
        });
        this.tryAttach(slot);
      }
    }
    if (this.monoMs() - this.lastCheck >= BACKPRESSURE_CHECK_MS) this.detachBackpressured();
  }

  /** Publishes a health message to system.health subscribers. */
  publishHealth(data: unknown): void {
    this.health = utf8({ type: 'health', data });
    if (this.attachedCount > 0) this.publish(streamTopic(SYSTEM_HEALTH), this.health, false, 'event');
    const now = this.monoMs();
    for (const slot of this.detached.values()) {
      const { session, cork } = slot.entry;
      if (session.closed || !session.streams.has(SYSTEM_HEALTH)) continue;
      cork(() => {
        session.deliver(SYSTEM_HEALTH, this.health!);
        session.flush(EMPTY, now);
      });
    }
  }

  /** Closes stalled clients even when no batch arrives (quiet market, idle pipeline). */
  sweep(): void {
    this.detachBackpressured();
    const now = this.monoMs();
    for (const slot of this.detached.values()) {
      const { session, cork } = slot.entry;
      if (!session.closed) cork(() => session.checkStall(now));
    }
  }

  /** A socket drained: send what waited, then go back to topics if nothing waits any more. */
  drained(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined || slot.entry.session.closed || slot.subscribed !== null) return;
    slot.entry.cork(() => slot.entry.session.flush(EMPTY, this.monoMs(), true));
    this.tryAttach(slot);
  }

  /** Sessions fed by publish right now (tests and the bench). */
  get attached(): number {
    return this.attachedCount;
  }

  private publishTicks(latest: TickEncoder, every: TickEncoder): void {
    for (const mode of MODES) {
      const enc = mode === 'every' ? every : latest;
      if (enc.ticks.length === 0) continue;
      for (const v of VARIANTS) {
        const topic = allTicksTopic(mode, v);
        if ((this.subs.get(topic) ?? 0) > 0) this.publish(topic, enc.all(FORMAT[v].format, FORMAT[v].depth), v === 'b', 'ticks');
      }
      if (this.filteredTokens.size === 0) continue;
      const byToken = new Map<number, Tick[]>();
      for (const t of enc.ticks) {
        if (!this.filteredTokens.has(t.token)) continue;
        const g = byToken.get(t.token);
        if (g === undefined) byToken.set(t.token, [t]);
        else g.push(t);
      }
      for (const [token, ticks] of byToken) {
        for (const v of VARIANTS) {
          const topic = tokenTopic(mode, v, token);
          if ((this.subs.get(topic) ?? 0) > 0) this.publish(topic, enc.subset(ticks, FORMAT[v].format, FORMAT[v].depth), v === 'b', 'ticks');
        }
      }
    }
  }

  private publish(topic: string, message: Uint8Array, binary: boolean, kind: 'ticks' | 'event' | 'control'): void {
    const n = this.subs.get(topic) ?? 0;
    if (n === 0 || this.publisher === undefined) return;
    this.publisher.publish(topic, message, binary);
    this.metrics.sentMany(kind, n, n * message.byteLength);
  }

  /** Moves every attached session whose socket passed the soft limit to the per-socket path. */
  private detachBackpressured(): void {
    this.lastCheck = this.monoMs();
    if (this.attachedCount === 0) return;
    for (const slot of this.slots.values()) {
      if (slot.subscribed !== null && !slot.entry.session.closed && slot.entry.session.isBackpressured()) this.detach(slot);
    }
  }

  private detach(slot: Slot): void {
    if (slot.subscribed === null) return;
    for (const t of slot.subscribed) {
      slot.entry.topics!.unsubscribe(t);
      this.count(t, -1);
    }
    slot.subscribed = null;
    this.attachedCount -= 1;
    this.detached.set(slot.entry.session.id, slot);
  }

  private tryAttach(slot: Slot): void {
    const { session, topics } = slot.entry;
    if (slot.subscribed !== null || topics === undefined || this.publisher === undefined || !session.idle()) return;
    const want = topicsOf(session);
    for (const t of want) {
      topics.subscribe(t);
      this.count(t, 1);
    }
    slot.subscribed = want;
    this.attachedCount += 1;
    this.detached.delete(session.id);
  }

  private count(topic: string, delta: number): void {
    const n = (this.subs.get(topic) ?? 0) + delta;
    if (n > 0) this.subs.set(topic, n);
    else this.subs.delete(topic);
    // Token topics: t/<mode>/<variant>/<token>
    if (topic.startsWith('t/')) {
      const parts = topic.split('/');
      if (parts.length === 4) {
        const token = Number(parts[3]);
        const k = (this.filteredTokens.get(token) ?? 0) + delta;
        if (k > 0) this.filteredTokens.set(token, k);
        else this.filteredTokens.delete(token);
      }
    }
  }
}

/** The newest tick of each instrument in `ticks` (publish order), ordered by their last appearance. */
export function latestPerInstrument(ticks: readonly Tick[]): readonly Tick[] {
  if (ticks.length < 2) return ticks;
  const last = new Map<number, Tick>();
  for (const t of ticks) {
    last.delete(t.token);
    last.set(t.token, t);
  }
  return last.size === ticks.length ? ticks : [...last.values()];
}
