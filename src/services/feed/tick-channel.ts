// The market.ticks channel: the tick record (src/protocol/tick-record.ts) on a record-topic ring.
// The runtime only hands out the ring's ends (ctx.recordProducer / ctx.subscribeRecords); this
// module is where ticks meet them: the feed's TickSender encodes Tick records straight into
// claimed slots; a TickReceiver decodes into one reused MutableTick (no allocation per tick),
// validates it, and counts and skips bad frames instead of passing them on.
import { decodeTick, encodeTick, newMutableTick, TICK_PAYLOAD_BYTES, TICK_SLOT_BYTES, TICK_TAG, type MutableTick } from '../../protocol/tick-record.js';
import { MARKET_TICKS } from '../../protocol/topics.js';
import type { Tick } from '../../domain/types.js';
import type { ActorContext, CountError } from '../../runtime/actor.js';
import type { RecordTopic } from '../../runtime/system.js';
import type { RingConsumer, RingProducer } from '../../transport/ring.js';
import type { RingPolicy } from '../../transport/ring-layout.js';
import type { PumpSource } from '../../transport/pump.js';
import type { DeliveryMeta } from '../../transport/channel.js';

/** The market.ticks record topic of a system: its ring holds `capacity` ticks under `policy`. */
export function tickRecordTopic(capacity: number, policy: RingPolicy): RecordTopic {
  return { topic: MARKET_TICKS, tag: TICK_TAG, slotBytes: TICK_SLOT_BYTES, capacity, policy };
}

/** Publisher handle for the tick ring. */
export interface TickPublisher {
  /**
   * Writes a tick; false when a gating consumer is a full ring behind (block policy). `feedSeq`
   * (default tick.feedSeq) is the tick's position in its feed, see Tick.feedSeq.
   */
  tryPublish(tick: Tick, stampNs?: number, feedSeq?: number): boolean;
  /** Resolves when there is room again (block policy). */
  waitForSpace(timeoutMs?: number): Promise<void>;
  readonly published: number;
}

export interface TickSubscription {
  stats(): { received: number; dropped: number; decodeErrors: number; lag: number };
  /**
   * Event-time gate: the pump only delivers ticks with seq ≤ gate(). Used with watermarks so the
   * merge of ticks and signals derived from them is deterministic.
   */
  gate: (() => number) | undefined;
  /** Synchronously delivers every available tick with seq ≤ `seq` (call before handling a signal). */
  drainThrough(seq: number): number;
  /**
   * Releases ring records up to and including `seq` (only with manualRelease): until then a
   * restarted incarnation of this actor is delivered them again (checkpointing consumers).
   */
  releaseThrough(seq: number): void;
}

type RecordEnds = Pick<ActorContext, 'recordProducer' | 'subscribeRecords'>;

/** This actor's publisher of market.ticks (its spec must publish the topic). */
export function tickPublisher(ctx: RecordEnds): TickPublisher {
  return new TickSender(ctx.recordProducer(MARKET_TICKS));
}

/** Subscribes to market.ticks. The decoded tick is reused between calls: copy it (copyTick) to keep it. */
export function subscribeTicks(ctx: RecordEnds, handler: (tick: MutableTick, meta: DeliveryMeta) => void): TickSubscription {
  return ctx.subscribeRecords(MARKET_TICKS, (consumer, countError) => new TickReceiver(consumer, handler, countError));
}

export class TickSender implements TickPublisher {
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

export class TickReceiver implements PumpSource, TickSubscription {
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
    private readonly countError: CountError,
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
