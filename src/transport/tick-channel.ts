// Tick ring endpoints: the feed's TickSender encodes Tick records straight into claimed slots; a
// TickReceiver decodes into one reused MutableTick (no allocation per tick), validates it, and
// counts and skips bad frames instead of passing them on.
import { decodeTick, encodeTick, newMutableTick, TICK_PAYLOAD_BYTES, TICK_TAG, type MutableTick } from '../protocol/tick-record.js';
import type { Tick } from '../domain/types.js';
import type { RingConsumer, RingProducer } from './ring.js';
import type { PumpSource } from './pump.js';
import type { DeliveryMeta } from './channel.js';

export class TickSender {
  private count = 0;
  constructor(private readonly producer: RingProducer) {}

  tryPublish(tick: Tick, stampNs = 0, feedSeq = tick.feedSeq ?? -1): boolean {
    const p = this.producer;
    const off = p.claim();
    if (off < 0) return false;
    encodeTick(p.i32, p.f64, off, tick, stampNs, feedSeq);
    p.publish(TICK_TAG, TICK_PAYLOAD_BYTES);
    this.count++;
    return true;
  }

  waitForSpace(timeoutMs = 50): Promise<void> {
    return this.producer.waitForSpace(timeoutMs);
  }

  get published(): number {
    return this.count;
  }
}

export class TickReceiver implements PumpSource {
  private readonly tick = newMutableTick();
  private bad: string | null = null;
  // Reused like the tick itself: no allocation per record on the tick path (handlers read it
  // synchronously and copy what they keep)
  private readonly meta = { seq: 0, gen: 0 };
  private decodeErrors = 0;
  private readonly decode = (payload: number, len: number, tag: number, seq: number, gen: number): void => {
    const c = this.consumer;
    if (tag !== TICK_TAG) {
      this.bad = 'ERR_FRAME_BAD_MAGIC';
      return;
    }
    const e = decodeTick(c.i32, c.f64, payload, len, this.tick);
    this.bad = e === null ? null : e.code;
    this.meta.seq = seq;
    this.meta.gen = gen;
  };
  private readonly deliver = (): void => {
    if (this.bad !== null) {
      // A malformed frame is a boundary error: counted, logged once, skipped; never delivered.
      this.decodeErrors++;
      this.countError(this.bad, { seq: this.meta.seq });
      return;
    }
    this.handler(this.tick, this.meta);
  };

  constructor(
    private readonly consumer: RingConsumer,
    private readonly handler: (tick: MutableTick, meta: DeliveryMeta) => void,
    private readonly countError: (code: string, detail?: Readonly<Record<string, unknown>>) => void,
  ) {}

  /**
   * Optional event-time gate: the highest tick seq this consumer may process now. Actors that
   * merge ticks with signals derived from them (risk, engine) hold ticks back until the upstream
   * watermark passes them, so a replay gives the same interleaving every time.
   */
  gate: (() => number) | undefined;

  drain(max: number): number {
    return this.consumer.poll(this.decode, max, this.deliver, this.gate === undefined ? Infinity : this.gate());
  }
  /** Releases records through `seq` (manualRelease consumers: after their checkpoint completes). */
  releaseThrough(seq: number): void {
    this.consumer.releaseThrough(seq);
  }

  /** Synchronously processes every available tick with seq ≤ `seq` (before handling a signal). */
  drainThrough(seq: number): number {
    let n = 0;
    for (;;) {
      const k = this.consumer.poll(this.decode, 4096, this.deliver, seq);
      n += k;
      if (k < 4096) return n;
    }
  }
  available(): number {
    if (this.gate === undefined) return this.consumer.available();
    // With a gate, only count what may be processed now (else the pump would spin on held ticks).
    return this.consumer.available() > 0 && this.consumer.nextSeq() <= this.gate() ? 1 : 0;
  }
  park(): void {
    this.consumer.park();
  }
  unpark(): void {
    this.consumer.unpark();
  }
  stats(): { received: number; dropped: number; decodeErrors: number; lag: number } {
    return {
      received: this.consumer.receivedCount,
      dropped: this.consumer.droppedCount,
      decodeErrors: this.decodeErrors,
      lag: this.consumer.available(),
    };
  }
}
