// One inbound topic of a cluster bridge: a durable JetStream consumer whose messages the bridge
// writes, in stream order, one record each, into the topic's local ring (the bridge is the ring's
// only publisher). What the ring's gating subscribers have released is acknowledged.
//
//   stream ──consume──► [skip redelivered] ──write──► ring ──► subscribers (checkpoint, release)
//             ack (AckPolicy.All) ◄──────── released ring seq → stream sequence (epochs.ts)
//
// Invariants:
//   - ring seq r of this run holds stream sequence streamSeqAt(epoch, r): a message at or below
//     the last one written is a redelivery and is skipped; one past the next expected sequence
//     means the stream lost messages (aged out) and starts a new segment, counted as an error;
//   - a segment is stored before the first record it maps is written, so a subscriber's stored
//     position (run, ring seq) can always be turned back into a stream sequence;
//   - a record naming a tick (tick-refs.ts) is written only after that tick is in the tick ring,
//     with the tick's ring seq here (-1 for a tick before this run's first: it is in the
//     subscriber's restored state already).
import { nanos } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { RingProducer } from '../transport/ring.js';
import { ringSeqOf, streamSeqAt, type Epoch, type Resume, type Segment } from './epochs.js';
import { HDR } from './subjects.js';
import { tickRefOf, withTickRef } from './tick-refs.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface InboundOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly topic: string;
  readonly stream: string;
  readonly durable: string;
  readonly producer: RingProducer;
  /** The ring's record tag (ticks: their tag; events: EVENT_TAG). */
  readonly tag: number;
  /** JSON events are parsed (a record that is not JSON is refused, counted, and replaced). */
  readonly json: boolean;
  /** This run's segments so far (non-empty when the bridge restarts within a run). */
  readonly epoch: Epoch;
  /** Where a fresh run resumes (from the subscribers' stored positions). */
  readonly resume: Resume;
  /** Stores this run's segments (synchronously: before the record they map is written). */
  readonly saveEpoch: (epoch: Epoch) => void;
  /** The tick topic's inbound stream, for a topic whose records name ticks. */
  readonly ticks?: InboundStream;
  readonly maxAckPending: number;
  readonly ackWaitMs: number;
  readonly invalid: (reason: string, detail: Readonly<Record<string, unknown>>) => void;
}

export class InboundStream {
  private epoch: Segment[];
  private readonly unacked: { ring: number; msg: JsMsg }[] = [];
  private unackedHead = 0;
  private waiters: (() => void)[] = [];
  private stopped = false;
  private messages: { stop(): void } | undefined;
  readonly stats = { received: 0, written: 0, redelivered: 0, gaps: 0, acked: 0, invalid: 0 };

  constructor(private readonly opts: InboundOptions) {
    this.epoch = [...opts.epoch];
  }

  /** Stream sequence of the next record to write (undefined before this run's first message). */
  private expected(): number | undefined {
    return this.epoch.length === 0 ? undefined : streamSeqAt(this.epoch, this.opts.producer.nextSeq);
  }

  /**
   * The ring seq here of the tick at stream sequence `streamSeq`: -1 when it precedes this run's
   * first record, undefined while it is not written yet.
   */
  ringSeqFor(streamSeq: number): number | undefined {
    const first = this.epoch[0];
    if (first === undefined) return undefined;
    if (streamSeq < first.stream) return -1;
    const r = ringSeqOf(this.epoch, streamSeq);
    // In a gap: the tick never arrived here; the record is handled without it
    if (r === undefined) return streamSeq < (this.expected() ?? 0) ? -1 : undefined;
    return r < this.opts.producer.nextSeq ? r : undefined;
  }

  private holding = false;
  /**
   * Wakes the ring's parked subscribers once per turn of the event loop instead of once per record
   * (a batch pulled from the server is written in one turn): the wake is owed from the first write
   * and paid when the turn ends.
   */
  private burst(): void {
    if (this.holding) return;
    this.holding = true;
    this.opts.producer.hold();
    setImmediate(() => {
      this.holding = false;
      this.opts.producer.unhold();
    });
  }

  private written(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  /** Creates the durable consumer at the resume point and moves messages until stop(). */
  async run(): Promise<void> {
    const { opts } = this;
    const at = this.expected();
    const start: Resume = at !== undefined ? { kind: 'at', seq: at } : opts.resume;
    await opts.jsm.consumers.delete(opts.stream, opts.durable).catch(() => undefined);
    const cfg: Partial<ConsumerConfig> = {
      durable_name: opts.durable,
      ack_policy: AckPolicy.All,
      ack_wait: nanos(opts.ackWaitMs),
      max_ack_pending: opts.maxAckPending,
      ...(start.kind === 'at'
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start.seq }
        : { deliver_policy: start.kind === 'all' ? DeliverPolicy.All : DeliverPolicy.New }),
    };
    await opts.jsm.consumers.add(opts.stream, cfg);
    const consumer = await opts.js.consumers.get(opts.stream, opts.durable);
    const messages = await consumer.consume({ max_messages: 1024 });
    this.messages = messages;
    for await (const m of messages) {
      if (this.stopped) break;
      await this.accept(m);
    }
  }

  stop(): void {
    this.stopped = true;
    this.messages?.stop();
    for (const w of this.waiters.splice(0)) w();
  }

  private async accept(m: JsMsg): Promise<void> {
    const { opts } = this;
    this.stats.received++;
    const expected = this.expected();
    if (expected !== undefined && m.seq < expected) {
      this.stats.redelivered++;
      return;
    }
    if (expected === undefined || m.seq > expected) {
      if (expected !== undefined) {
        this.stats.gaps++;
        opts.invalid('stream gap: messages expired or were purged before this node read them', { stream: opts.stream, expected, got: m.seq });
      }
      this.epoch.push({ ring: opts.producer.nextSeq, stream: m.seq });
      opts.saveEpoch(this.epoch);
    }
    let bytes = m.data;
    if (opts.json) bytes = await this.translate(m);
    if (this.stopped) return;
    if (bytes.length > opts.producer.payloadBytes) {
      this.stats.invalid++;
      opts.invalid('record larger than a ring slot', { stream: opts.stream, seq: m.seq, bytes: bytes.length });
      bytes = opts.json ? encoder.encode('null') : new Uint8Array(0);
    }
    const ring = opts.producer.nextSeq;
    this.burst();
    while (!opts.producer.tryWriteBytes(opts.tag, bytes)) {
      if (this.stopped) return;
      await opts.producer.waitForSpace(50);
    }
    this.stats.written++;
    this.unacked.push({ ring, msg: m });
    for (const w of this.waiters.splice(0)) w();
  }

  /** A JSON record as the ring must hold it: parsed, its tick reference rewritten to this node's ring. */
  private async translate(m: JsMsg): Promise<Uint8Array> {
    const { opts } = this;
    let record: unknown;
    try {
      record = JSON.parse(decoder.decode(m.data));
    } catch (e) {
      this.stats.invalid++;
      opts.invalid('not JSON', { stream: opts.stream, seq: m.seq, reason: (e as Error).message });
      return encoder.encode('null');
    }
    const ticks = opts.ticks;
    if (ticks === undefined || tickRefOf(record) === undefined) return m.data;
    const header = m.headers?.get(HDR.tick);
    const streamSeq = header === undefined || header === '' ? NaN : Number(header);
    if (!Number.isInteger(streamSeq)) {
      this.stats.invalid++;
      opts.invalid(`a record naming a tick has no ${HDR.tick} header`, { stream: opts.stream, seq: m.seq });
      return encoder.encode(JSON.stringify(withTickRef(record, -1)));
    }
    for (;;) {
      const r = ticks.ringSeqFor(streamSeq);
      if (r !== undefined) return encoder.encode(JSON.stringify(withTickRef(record, r)));
      if (this.stopped) return m.data;
      await ticks.written();
    }
  }

  /** Acknowledges every message whose record the ring's gating subscribers have released. */
  ackReleased(): void {
    const p = this.opts.producer;
    const released = p.nextSeq - 1 - p.lag();
    let last: JsMsg | undefined;
    while (this.unackedHead < this.unacked.length && this.unacked[this.unackedHead]!.ring <= released) last = this.unacked[this.unackedHead++]!.msg;
    if (last === undefined) return;
    last.ack();
    this.stats.acked = last.seq;
    if (this.unackedHead > 4096 && this.unackedHead * 2 > this.unacked.length) {
      this.unacked.splice(0, this.unackedHead);
      this.unackedHead = 0;
    }
  }

  /** The server's view of the consumer (what it still holds for us, acks outstanding), refreshed by the caller. */
  private server = { lag: 0, ackPending: 0 };
  async refreshInfo(): Promise<void> {
    const info = await this.opts.jsm.consumers.info(this.opts.stream, this.opts.durable).catch(() => undefined);
    if (info !== undefined) this.server = { lag: info.num_pending, ackPending: info.num_ack_pending };
  }

  /** Status: where the stream stands, the server's view and the counters. */
  status(): { stream: string; durable: string; nextStreamSeq: number | null; lag: number; ackPending: number } & InboundStream['stats'] {
    return { stream: this.opts.stream, durable: this.opts.durable, nextStreamSeq: this.expected() ?? null, ...this.server, ...this.stats };
  }
}
