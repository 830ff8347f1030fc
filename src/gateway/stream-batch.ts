// The gateway's side of the stream tap: one frame of the tap (src/runtime/stream-wire.ts) decoded
// into a batch — every tick it carried in publish order (not coalesced: consumers coalesce if they
// want the latest only), every event in order, and the records the tap could not forward.
import { appError } from '../errors.js';
import type { Tick } from '../domain/types.js';
import { copyTick, decodeTick, newMutableTick } from '../protocol/tick-record.js';
import { forEachRecord, KIND, type FrameBody } from '../runtime/stream-wire.js';

/** One decoded frame. */
export interface StreamBatch {
  readonly ticks: readonly Tick[];
  readonly events: readonly { readonly topic: string; readonly seq: number; readonly msg: unknown }[];
  /** Records the tap could not forward (ring laps, frames skipped for a slow child), per topic. */
  readonly dropped: Readonly<Record<string, number>>;
}

/** Decodes frames into stream batches (the child side); keeps the topic table across frames. */
export class BatchDecoder {
  private readonly topics: string[] = [];
  private readonly scratch = newMutableTick();
  private readonly text = new TextDecoder();
  /** Tick records that failed validation (never delivered). */
  badTicks = 0;

  /** One frame → one batch: every tick in publish order, every event, drops per topic. */
  decode(body: FrameBody): StreamBatch {
    const ticks: Tick[] = [];
    const events: { topic: string; seq: number; msg: unknown }[] = [];
    const dropped: Record<string, number> = {};
    forEachRecord(body, (r) => {
      switch (r.kind) {
        case KIND.TOPIC:
          this.topics[r.topic] = this.text.decode(body.bytes.subarray(r.offset, r.offset + r.len));
          return;
        case KIND.RECORD:
          if (decodeTick(body.i32, body.f64, r.offset, r.len, this.scratch) === null) ticks.push(copyTick(this.scratch));
          else this.badTicks += 1;
          return;
        case KIND.EVENT: {
          const msg: unknown = JSON.parse(this.text.decode(body.bytes.subarray(r.offset, r.offset + r.len)));
          // Watermarks are internal event-time markers: clients never see them
          if ((msg as { type?: unknown } | null)?.type !== 'watermark') events.push({ topic: this.topic(r.topic), seq: r.seq, msg });
          return;
        }
        case KIND.DROPPED: {
          const t = this.topic(r.topic);
          dropped[t] = (dropped[t] ?? 0) + r.seq;
          return;
        }
        default:
          throw appError('ERR_STREAM_WIRE', { reason: `unknown record kind ${r.kind}` });
      }
    });
    return { ticks, events, dropped };
  }

  private topic(index: number): string {
    const t = this.topics[index];
    if (t === undefined) throw appError('ERR_STREAM_WIRE', { reason: `record of undeclared topic #${index}` });
    return t;
  }
}

/** Batches in order as one: ticks and events concatenated, drops summed per topic. */
export function mergeBatches(batches: readonly StreamBatch[]): StreamBatch {
  if (batches.length === 1) return batches[0]!;
  const dropped: Record<string, number> = {};
  for (const b of batches) for (const [t, n] of Object.entries(b.dropped)) dropped[t] = (dropped[t] ?? 0) + n;
  return { ticks: batches.flatMap((b) => b.ticks), events: batches.flatMap((b) => b.events), dropped };
}

/**
 * Gathers the batches decoded in one event-loop turn (every frame of one socket read arrives in
 * the same 'data' callback) and hands them on as one, in a microtask after that turn's callback.
 * Idle, a read holds one frame and a batch goes out alone; behind, a read holds many and the
 * fan-out sends one message per topic and socket for all of them instead of one per frame, so a
 * backlog shrinks the work per tick for the gateway and for every client.
 */
export function perTurn(deliver: (batch: StreamBatch) => void): (batch: StreamBatch) => void {
  const pending: StreamBatch[] = [];
  const flush = (): void => {
    const merged = mergeBatches(pending);
    pending.length = 0;
    deliver(merged);
  };
  return (batch) => {
    if (pending.push(batch) === 1) queueMicrotask(flush);
  };
}
