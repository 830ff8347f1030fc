// Typed channels for events (signals, orders, fills, PnL) with a switchable transport: a SAB ring of
// JSON records (default) or postMessage through the main thread's hub (baseline for benchmarks).
// Senders never block the caller: a full ring spills into a bounded outbox flushed asynchronously,
// and the pump stops draining inputs while any outbox is above its high-water mark (backpressure).
import { appError } from '../errors.js';
import { RingConsumer, RingProducer } from './ring.js';
import type { PumpSource } from './pump.js';

export const EVENT_TAG = 2;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends already-typed messages of one topic. */
export interface ChannelSender<T> {
  readonly topic: string;
  /** Queues or writes `msg`; never throws for backpressure (see pressure()). */
  send(msg: T): void;
  /** Messages waiting in the outbox because the transport was full. */
  pressure(): number;
  /** Resolves when the outbox is empty. */
  flushed(): Promise<void>;
}

/** Delivery metadata: the record's sequence on its topic and the producer's generation. */
export interface DeliveryMeta {
  readonly seq: number;
  readonly gen: number;
}

export type MessageHandler<T> = (msg: T, meta: DeliveryMeta) => void;

/** Ring-backed sender: JSON-encodes straight into the claimed slot. */
export class RingSender<T> implements ChannelSender<T> {
  private readonly outbox: T[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    readonly topic: string,
    private readonly producer: RingProducer,
    private readonly maxOutbox = 100_000,
  ) {}

  send(msg: T): void {
    if (this.outbox.length > 0 || !this.write(msg)) {
      if (this.outbox.length >= this.maxOutbox) {
        // The consumer has been gone for a very long time: crash rather than grow without bound;
        // the supervisor's restart intensity then decides whether the subtree halts.
        throw appError('ERR_BACKPRESSURE', { topic: this.topic, consumer: 'slowest', lag: this.producer.lag() });
      }
      this.outbox.push(msg);
      this.flushing ??= this.flush();
    }
  }

  pressure(): number {
    return this.outbox.length;
  }

  flushed(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  private write(msg: T): boolean {
    const p = this.producer;
    const off = p.claim();
    if (off < 0) return false;
    const json = JSON.stringify(msg);
    const room = p.payloadBytes;
    const r = encoder.encodeInto(json, p.u8.subarray(off, off + room));
    if (r.read !== json.length) {
      throw appError('ERR_RING_RECORD_TOO_LARGE', { bytes: encoder.encode(json).length, slotBytes: p.slotBytes, topic: this.topic });
    }
    p.publish(EVENT_TAG, r.written);
    return true;
  }

  private async flush(): Promise<void> {
    try {
      while (this.outbox.length > 0) {
        if (this.write(this.outbox[0]!)) this.outbox.shift();
        else await this.producer.waitForSpace(50);
      }
    } finally {
      this.flushing = null;
    }
  }
}

/** A pump source over one ring consumer: its wait and availability are the consumer's. */
abstract class ConsumerSource implements PumpSource {
  constructor(readonly consumer: RingConsumer) {}
  abstract drain(max: number): number;
  available(): number {
    return this.consumer.available();
  }
  park(): void {
    this.consumer.park();
  }
  unpark(): void {
    this.consumer.unpark();
  }
}

/** Ring-backed receiver: a pump source that decodes JSON records and hands them to `handler`. */
export class RingReceiver<T> extends ConsumerSource {
  private msg: T | undefined;
  private meta: { seq: number; gen: number } = { seq: 0, gen: 0 };
  private readonly scratch: Uint8Array;
  private len = 0;
  private readonly decodeRecord = (payload: number, len: number, _tag: number, seq: number, gen: number): void => {
    // Copy out of shared memory only: the slot may be reused as soon as the cursor moves on, and
    // a lossy reader's copy may turn out torn, so nothing is parsed before the seqlock re-check.
    this.len = Math.min(len, this.scratch.length);
    this.scratch.set(this.consumer.u8.subarray(payload, payload + this.len));
    this.meta = { seq, gen };
  };
  private readonly deliverRecord = (): void => {
    this.msg = JSON.parse(decoder.decode(this.scratch.subarray(0, this.len))) as T;
    this.handler(this.msg, this.meta);
  };

  constructor(
    readonly topic: string,
    consumer: RingConsumer,
    private readonly handler: MessageHandler<T>,
    slotBytes: number,
  ) {
    super(consumer);
    this.scratch = new Uint8Array(slotBytes);
  }

  drain(max: number): number {
    return this.consumer.poll(this.decodeRecord, max, this.deliverRecord);
  }
}

/**
 * Ring receiver that decodes nothing: hands over each record's payload bytes (copied out of the
 * ring) and its seq, for an actor that moves records elsewhere as they are (the cluster bridge).
 */
export class RawReceiver extends ConsumerSource {
  private bytes = new Uint8Array(0);
  private seq = 0;
  private readonly copyRecord = (payload: number, len: number, _tag: number, seq: number): void => {
    this.bytes = this.consumer.u8.slice(payload, payload + len);
    this.seq = seq;
  };
  private readonly deliverRecord = (): void => this.handler(this.bytes, this.seq);

  constructor(
    consumer: RingConsumer,
    private readonly handler: (bytes: Uint8Array, seq: number) => void,
  ) {
    super(consumer);
  }

  drain(max: number): number {
    return this.consumer.poll(this.copyRecord, max, this.deliverRecord);
  }
  /** Releases records through `seq` (manualRelease: once they are safe elsewhere). */
  releaseThrough(seq: number): void {
    this.consumer.releaseThrough(seq);
  }
}

/** One frame on the hub port (postMessage transport). */
export interface HubFrame {
  readonly topic: string;
  readonly seq: number;
  readonly gen: number;
  readonly msg: unknown;
}

/** Sender over the actor's hub port: the main thread forwards frames to the topic's subscribers. */
export class PortSender<T> implements ChannelSender<T> {
  private seq = 0;
  constructor(
    readonly topic: string,
    private readonly port: { postMessage(v: unknown): void },
    private readonly gen: number,
  ) {}
  send(msg: T): void {
    const frame: HubFrame = { topic: this.topic, seq: this.seq++, gen: this.gen, msg };
    this.port.postMessage(frame);
  }
  pressure(): number {
    return 0;
  }
  flushed(): Promise<void> {
    return Promise.resolve();
  }
}

/** Receiver fed by hub frames (queued by the host's port listener), drained by the pump. */
export class PortReceiver<T> implements PumpSource {
  private readonly queue: HubFrame[] = [];
  private head = 0;
  constructor(
    readonly topic: string,
    private readonly handler: MessageHandler<T>,
  ) {}
  push(frame: HubFrame): void {
    this.queue.push(frame);
  }
  drain(max: number): number {
    let n = 0;
    while (n < max && this.head < this.queue.length) {
      const f = this.queue[this.head++]!;
      n++;
      this.handler(f.msg as T, { seq: f.seq, gen: f.gen });
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return n;
  }
  available(): number {
    return this.queue.length - this.head;
  }
  park(): void {}
  unpark(): void {}
}
