// One outbound topic of a cluster bridge: its ring records, sent to the topic's stream in ring
// order, with up to `maxInFlight` publishes waiting for JetStream's acknowledgement.
//
//   ring ──push(rec)──► queue ──publish (msgID = the record's stable id)──► stream
//          released ◄── stored(ringSeq, streamSeq), in ring order ◄── PubAck
//
// Invariants:
//   - a record is reported stored (and its ring slot released by the caller) only after the
//     stream acknowledged it and every record before it: a crash of the node re-reads the rest
//     from the ring or from the rewound feed, and re-sends it under the same msgID, which the
//     stream's duplicate window stores once;
//   - records reach the stream in ring order: each publish expects the stream's last message id
//     to be its predecessor's (JetStream's Nats-Expected-Last-Msg-Id), so once one fails every
//     later one still in flight is refused too, even those a reconnect flushes to a restarted
//     server after the failure. Once nothing is in flight, the first unstored record is sent
//     again expecting the stream's actual last id (every record before it is stored), then the
//     rest in order. A stored record sent again is a duplicate (JetStream checks ids before
//     expectations) and comes back with its first sequence;
//   - a record naming a tick (tick-refs.ts) is sent only once that tick's stream sequence is
//     known, and carries it in the HDR.tick header.
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { HDR } from './subjects.js';

export interface OutRecord {
  readonly ringSeq: number;
  readonly data: Uint8Array;
  readonly msgID: string;
  /** Ring seq of the tick this record names (tick-refs.ts). */
  readonly tickRef?: number;
}

/** Stream sequence of a tick by its ring seq: a number, 'pending' (not stored yet), or 'unknown'. */
export type TickSeqOf = (ringSeq: number) => number | 'pending' | 'unknown';

export interface OutboundOptions {
  readonly js: Pick<JetStreamClient, 'publish'>;
  readonly subject: string;
  readonly maxInFlight: number;
  readonly publishTimeoutMs: number;
  /** Records up to `ringSeq` are stored; `streamSeq` is the last one's stream sequence. */
  readonly stored: (ringSeq: number, streamSeq: number) => void;
  /** Each stored record, in ring order (before `stored` of its prefix). */
  readonly each?: ((ringSeq: number, streamSeq: number) => void) | undefined;
  /** For a topic whose records name ticks. */
  readonly tickSeqOf?: TickSeqOf;
  /** The msgID of the stream's last message (null: empty), read before a resend. */
  readonly lastStoredId: () => Promise<string | null>;
  /** A publish failed (it is retried): counted and logged once by the caller. */
  readonly failed: (reason: string) => void;
  readonly setTimer: (fn: () => void, ms: number) => void;
}

interface Entry {
  readonly rec: OutRecord;
  /** Stream sequence once acknowledged. */
  ack: number | undefined;
  sent: boolean;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

export class OutboundStream {
  private readonly queue: Entry[] = [];
  private head = 0;
  /** Index of the next entry to send. */
  private next = 0;
  private inFlight = 0;
  private failing = false;
  /** The id the next publish expects last in the stream (null: none, the incarnation's first). */
  private chain: string | null = null;
  private retryMs = RETRY_MIN_MS;
  readonly stats = { published: 0, stored: 0, duplicates: 0, retries: 0, unknownTicks: 0 };

  constructor(private readonly opts: OutboundOptions) {}

  /** Queues a record (in ring order) and sends what the window allows. */
  push(rec: OutRecord): void {
    this.queue.push({ rec, ack: undefined, sent: false });
    this.kick();
  }

  /** Records queued and not yet stored. */
  get backlog(): number {
    return this.queue.length - this.head;
  }

  get inflight(): number {
    return this.inFlight;
  }

  /** Sends while the window has room (called again when a tick this stream waits for is stored). */
  kick(): void {
    const { opts } = this;
    while (!this.failing && this.inFlight < opts.maxInFlight && this.next < this.queue.length) {
      const e = this.queue[this.next]!;
      if (e.ack !== undefined) {
        this.chain = e.rec.msgID;
        this.next++;
        continue;
      }
      let tick: number | undefined;
      if (e.rec.tickRef !== undefined && e.rec.tickRef >= 0 && opts.tickSeqOf !== undefined) {
        const t = opts.tickSeqOf(e.rec.tickRef);
        if (t === 'pending') return;
        if (t === 'unknown') this.stats.unknownTicks++;
        else tick = t;
      }
      let h: MsgHdrs | undefined;
      if (tick !== undefined) {
        h = natsHeaders();
        h.set(HDR.tick, String(tick));
      }
      this.next++;
      this.inFlight++;
      e.sent = true;
      this.stats.published++;
      const expect = this.chain === null ? {} : { expect: { lastMsgID: this.chain } };
      this.chain = e.rec.msgID;
      opts.js.publish(opts.subject, e.rec.data, { msgID: e.rec.msgID, timeout: opts.publishTimeoutMs, ...(h !== undefined ? { headers: h } : {}), ...expect }).then(
        (ack) => this.acked(e, ack),
        (err: unknown) => this.failedOne(e, err),
      );
    }
  }

  private acked(e: Entry, ack: PubAck): void {
    this.inFlight--;
    e.ack = ack.seq;
    if (ack.duplicate) this.stats.duplicates++;
    // Stored in ring order: report the acknowledged prefix
    let last: Entry | undefined;
    while (this.head < this.queue.length && this.queue[this.head]!.ack !== undefined) {
      last = this.queue[this.head++]!;
      this.stats.stored++;
      this.opts.each?.(last.rec.ringSeq, last.ack!);
    }
    if (last !== undefined) {
      this.retryMs = RETRY_MIN_MS;
      this.opts.stored(last.rec.ringSeq, last.ack!);
      this.compact();
    }
    if (this.failing) this.settle();
    else this.kick();
  }

  private failedOne(e: Entry, err: unknown): void {
    this.inFlight--;
    e.sent = false;
    if (!this.failing) {
      this.failing = true;
      this.opts.failed((err as Error)?.message ?? String(err));
    }
    this.settle();
  }

  /** After a failure: once nothing is in flight, resend from the first unacknowledged record. */
  private settle(): void {
    if (this.inFlight > 0) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.opts.setTimer(() => {
      this.stats.retries++;
      this.opts.lastStoredId().then(
        (id) => {
          this.failing = false;
          this.chain = id;
          this.next = this.head;
          this.kick();
        },
        // Still unreachable: try again later
        () => this.settle(),
      );
    }, delay);
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.next -= this.head;
      this.head = 0;
    }
  }
}
