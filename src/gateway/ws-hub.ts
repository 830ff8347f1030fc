// Fan-out of stream batches to every WebSocket session. Each payload is serialized ONCE per batch
// (events as UTF-8 bytes, ticks per format via TickEncoder) and handed to each session, which sends
// it, coalesces it or queues it by its own backpressure; each session's work is corked into one
// syscall. Per-socket sends (not uWS publish) because publish silently skips slow receivers and
// cannot apply per-client token filters or coalescing (measurements in the gateway README notes).
import type { Tick } from '../domain/types.js';
import type { StreamBatch } from '../runtime/process-protocol.js';
import type { GatewayMetrics } from './metrics.js';
import { TickEncoder } from './tick-encoder.js';
import { SYSTEM_HEALTH } from './ws-protocol.js';
import type { WsSession } from './ws-session.js';

/** A session and the cork of its socket. */
export interface HubEntry {
  readonly session: WsSession;
  cork(fn: () => void): void;
}

const utf8 = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');
const EMPTY = new TickEncoder([]);

/** The open sessions and the latest health message; delivers batches, health, drains and stall sweeps. */
export class WsHub {
  readonly entries = new Map<number, HubEntry>();
  private health: Uint8Array | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly monoMs: () => number,
  ) {}

  add(entry: HubEntry): void {
    this.entries.set(entry.session.id, entry);
    this.metrics.connections.set(this.entries.size);
  }

  remove(id: number): void {
    this.entries.get(id)?.session.dispose();
    this.entries.delete(id);
    this.metrics.connections.set(this.entries.size);
  }

  /** The newest system.health message (sent at once to new subscribers). */
  lastHealth(): Uint8Array | undefined {
    return this.health;
  }

  /** Delivers one bridge batch to every session. */
  deliver(batch: StreamBatch): void {
    this.metrics.batch(batch.ticks.length, batch.events, batch.dropped);
    if (this.entries.size === 0) return;
    const every = new TickEncoder(batch.ticks);
    const encoder = new TickEncoder(latestPerInstrument(batch.ticks));
    const events = batch.events.map((e) => ({ topic: e.topic, bytes: utf8({ type: 'event', stream: e.topic, seq: e.seq, data: e.msg }) }));
    const drops = Object.entries(batch.dropped).map(([topic, count]) => ({ topic, bytes: utf8({ type: 'dropped', stream: topic, count }) }));
    const now = this.monoMs();
    for (const { session, cork } of this.entries.values()) {
      if (session.closed) continue;
      cork(() => {
        session.deliverTicks(encoder, every);
        for (const e of events) session.deliver(e.topic, e.bytes);
        for (const d of drops) session.deliver(d.topic, d.bytes);
        session.flush(encoder, now);
      });
    }
  }

  /** Publishes a health message to system.health subscribers. */
  publishHealth(data: unknown): void {
    this.health = utf8({ type: 'health', data });
    const now = this.monoMs();
    for (const { session, cork } of this.entries.values()) {
      if (session.closed || !session.streams.has(SYSTEM_HEALTH)) continue;
      cork(() => {
        session.deliver(SYSTEM_HEALTH, this.health!);
        session.flush(EMPTY, now);
      });
    }
  }

  /** Closes stalled clients even when no batch arrives (quiet market, idle pipeline). */
  sweep(): void {
    const now = this.monoMs();
    for (const { session, cork } of this.entries.values()) if (!session.closed) cork(() => session.checkStall(now));
  }

  /** A socket drained: send what waited. */
  drained(id: number): void {
    const e = this.entries.get(id);
    if (e === undefined || e.session.closed) return;
    e.cork(() => e.session.flush(EMPTY, this.monoMs(), true));
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
