// Main-thread stream tap for process children (the gateway): forwards every record of the child's
// lossy ring subscriptions, as raw bytes in length-prefixed frames (stream-wire.ts), over the
// child's socketpair. Event-driven, no timer: each ring gets a loop that parks on the ring's
// published cursor with Atomics.waitAsync, drains what is there into ONE frame and writes it. So
// an idle market sends single records the moment they are published, and under load batches form
// by themselves (whatever was published while the previous frame was being written).
//
// Why here and why this way (README "Live stream path"; bench/ws-fanout/tap-measure.ts compares it
// with one structured-clone IPC message per tick sent at publish time, the channel it replaced):
// - The main thread only parks asynchronously and copies bytes (no decode, no JSON parse, no
//   structured clone), so the tap costs it a memcpy and one socket write per frame. At 1 k ticks/s
//   both channels showed ~0.1 ms p50 publish → decoded; at 10 k/s the tap batched ~12 ticks a frame
//   and spent less CPU per tick on both sides (numbers from a busy shared box, in the README).
// - A dedicated worker thread would add a hop (worker → main → child, or its own socket with its
//   own lifecycle) for that same memcpy and write; not measured, not chosen.
// - Cost to the pipeline: while the tap is parked, each publish pays one futex wake (the producer
//   notifies when WAITERS > 0); while it is draining, nothing.
// - A socketpair (an extra stdio fd of the fork) needs no path, no listener and no cleanup, and it
//   dies with the child.
// Invariants: the tap never gates a producer (its consumers are lossy) and never waits on the
// child: when the socket already holds more than maxPendingBytes unsent, whole frames are skipped
// and their records counted; every record lost (ring lap or skipped frame) is reported to the child
// as a DROPPED record of its topic, so the loss is visible end to end.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { RingConsumer } from '../transport/ring.js';
import { FrameBuilder, KIND } from './stream-wire.js';

export interface BridgeSource {
  readonly topic: string;
  readonly sab: SharedArrayBuffer;
  readonly consumerIndex: number;
  /** A record topic (SystemOptions.recordTopics): only records with this tag are forwarded, as RECORD frames. */
  readonly recordTag?: number;
}

/** The byte sink (the child's socketpair end in production). */
export interface TapSink {
  write(frame: Buffer): boolean;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

export interface TapOptions {
  /** Unsent bytes above which frames are skipped (counted as drops) rather than queued. */
  readonly maxPendingBytes: number;
  /** Most records per frame (bounds one drain's main-thread time). */
  readonly maxRecordsPerFrame: number;
  /** Longest park before re-checking the stop flag; data wakes the loop at once. */
  readonly parkMs: number;
  readonly onError?: (e: unknown) => void;
}

export const DEFAULT_TAP: TapOptions = { maxPendingBytes: 8 * 1024 * 1024, maxRecordsPerFrame: 2048, parkMs: 1000 };

/** What one tap did (tests and status). */
export interface TapStats {
  frames: number;
  records: number;
  /** Records not forwarded: ring laps plus records of skipped frames. */
  dropped: number;
  skippedFrames: number;
  errors: number;
}

/** Starts the tap; returns its stop function and live stats. */
export function startBridge(sources: readonly BridgeSource[], sink: TapSink, opts: TapOptions = DEFAULT_TAP): { stop: () => void; stats: TapStats } {
  const stats: TapStats = { frames: 0, records: 0, dropped: 0, skippedFrames: 0, errors: 0 };
  let stopped = false;
  sources.forEach((s, index) => void runSource(s, index));
  return {
    stop: () => {
      stopped = true;
    },
    stats,
  };

  async function runSource(s: BridgeSource, index: number): Promise<void> {
    const c = new RingConsumer(s.sab, s.consumerIndex, { lossy: true });
    const tag = s.recordTag;
    const kind = tag !== undefined ? KIND.RECORD : KIND.EVENT;
    const frame = new FrameBuilder();
    const topicName = new TextEncoder().encode(s.topic);
    let announced = false;
    let lastLapped = c.droppedCount;
    // Records lost since the last DROPPED record we managed to send
    let unreported = 0;
    const u8 = c.u8;
    const copy = (payload: number, len: number, recordTag: number, seq: number): void => {
      // A record ring forwards only its own records; anything else is not for clients (never framed)
      if (tag !== undefined && recordTag !== tag) return;
      const off = frame.begin(kind, index, len, seq);
      frame.target.set(u8.subarray(payload, payload + len), off);
    };
    // Called only once the consumer's seqlock verified the copy untorn
    const keep = (): void => frame.commit();

    while (!stopped && !sink.destroyed) {
      try {
        if (!announced) {
          frame.add(KIND.TOPIC, index, topicName, 0);
          announced = true;
        }
        const n = c.poll(copy, opts.maxRecordsPerFrame, keep);
        const lapped = c.droppedCount - lastLapped;
        lastLapped = c.droppedCount;
        unreported += lapped;
        stats.dropped += lapped;
        if (unreported > 0) frame.add(KIND.DROPPED, index, null, unreported);
        const out = frame.take();
        if (out !== null) {
          if (sink.writableLength > opts.maxPendingBytes) {
            // The child is not keeping up: skip, count, report later. Never queue without bound.
            // The topic record is re-sent with the next frame that gets through.
            stats.skippedFrames += 1;
            stats.dropped += n;
            unreported += n;
            announced = false;
          } else {
            sink.write(out);
            stats.frames += 1;
            stats.records += n;
            unreported = 0;
          }
        }
        if (c.available() > 0) {
          // More is already there: yield a macrotask so sockets and timers run, then drain again
          await yieldToLoop();
          continue;
        }
      } catch (e) {
        // The main thread must never die: a bad record costs that frame, counted
        stats.errors += 1;
        frame.take();
        opts.onError?.(e);
        await yieldToLoop();
        continue;
      }
      await c.waitForData(opts.parkMs);
    }
  }
}
