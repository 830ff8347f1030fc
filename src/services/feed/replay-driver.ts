// Replays a tick file: streams lines → decoder → pacer → ring. Deterministic: every decoded tick is
// published in file order and a refused publish waits for space (never dropped; under the drop
// policy the ring never refuses). Ticks with index < `resumeFrom` are decoded (the CSV decoders are
// stateful) and paced but not published. Bad lines are reported and skipped; they carry no index.
// 'max' pace yields to the event loop every ~10 ms so heartbeats and control calls keep flowing.
import type { FeedRecordError, ReplayDecoder, ReplayPacer } from '../../domain/feed/index.js';
import type { Tick } from '../../domain/types.js';
import type { ActorClock } from '../../runtime/actor.js';
import type { TickPublisher } from './tick-channel.js';
import type { FileLine } from './line-reader.js';

/** Options of {@link createReplayDriver}. */
export interface ReplayDriverOptions {
  readonly lines: AsyncIterable<FileLine>;
  readonly decoder: ReplayDecoder;
  readonly pacer: ReplayPacer;
  readonly resumeFrom: number;
  readonly publisher: Pick<TickPublisher, 'tryPublish' | 'waitForSpace'>;
  readonly clock: ActorClock;
  readonly onPublished?: (t: Tick) => void;
  readonly onBadLine?: (e: FeedRecordError) => void;
}

/** Progress counters. */
export interface ReplayDriverStats {
  /** Index of the next tick to publish (ticks published or skipped so far): the resume position. */
  readonly position: number;
  readonly published: number;
  readonly lines: number;
  readonly badLines: number;
  readonly complete: boolean;
  readonly lastTickTs: number | null;
}

/** A replay run. */
export interface ReplayDriver {
  /** Runs to the end of the file (resolves) or until stop(); rejects on read errors. */
  run(): Promise<void>;
  /** Stops after the current tick; resolves when run() has returned. */
  stop(): Promise<void>;
  stats(): ReplayDriverStats;
}

const YIELD_EVERY_MS = 10;

/** Creates the driver (not started). */
export function createReplayDriver(opts: ReplayDriverOptions): ReplayDriver {
  const { clock, publisher, pacer, decoder } = opts;
  let stopping = false;
  let position = 0; // decoded-tick index of the next tick
  let published = 0;
  let lines = 0;
  let badLines = 0;
  let complete = false;
  let lastTickTs: number | null = null;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
      sleepTimer = setTimeout(resolve, ms);
    });
  const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  /** Publishes a tick the ring refused once, waiting for space; false if stopped meanwhile. */
  async function publishBlocked(t: Tick): Promise<boolean> {
    do {
      if (stopping) return false;
      await publisher.waitForSpace(50);
    } while (!publisher.tryPublish(t, clock.monoNs(), position));
    return true;
  }

  async function loop(): Promise<void> {
    let startMono: number | undefined; // monotonic time of the first published tick
    let dueMs = 0; // cumulative paced delay since then
    let lastYield = clock.monoMs();
    for await (const line of opts.lines) {
      lines++;
      const r = decoder.decodeLine(line.text, line.lineNo);
      if (!r.ok) {
        badLines++;
        opts.onBadLine?.(r.error);
        continue;
      }
      for (const t of r.value) {
        const delay = pacer.delayFor(t);
        const skip = position < opts.resumeFrom;
        if (!skip) {
          if (startMono === undefined) startMono = clock.monoMs();
          else dueMs += delay;
          const ahead = startMono + dueMs - clock.monoMs();
          if (ahead >= 1) {
            await sleep(ahead);
            lastYield = clock.monoMs();
          }
        }
        if (clock.monoMs() - lastYield >= YIELD_EVERY_MS) {
          await yieldTurn();
          lastYield = clock.monoMs();
        }
        if (stopping) return;
        if (skip) {
          position++;
          continue;
        }
        // The common case stays synchronous: no promise per tick unless the ring is full
        // feedSeq = the tick's index in the file: stable across restarts, so a tick re-published
        // after a crash yields the same signal keys and dedupes downstream
        if (!publisher.tryPublish(t, clock.monoNs(), position) && !(await publishBlocked(t))) return;
        position++;
        published++;
        lastTickTs = t.exchangeTs;
        opts.onPublished?.(t);
      }
    }
    complete = true;
  }

  return {
    run() {
      running ??= loop();
      return running;
    },
    async stop() {
      stopping = true;
      if (sleepTimer !== undefined) clearTimeout(sleepTimer);
      wake?.();
      await running?.catch(() => undefined);
    },
    stats: () => ({ position, published, lines, badLines, complete, lastTickTs }),
  };
}
