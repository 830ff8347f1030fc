// Drives a synthetic feed at a target rate: one timer turn every `periodMs` emits the ticks owed
// for the elapsed monotonic time (TickBudget), so 100k ticks/s needs 200 turns/s, not one timer per
// tick. While the market is closed it only re-checks once per `closedCheckMs` (near-zero CPU).
// A refused publish (block-policy ring full) is counted as dropped and never waited for: a live
// feed must not stall behind a slow consumer. The walk still advances, as a real market would.
import type { SyntheticFeed } from '../../domain/feed/index.js';
import type { Tick } from '../../domain/types.js';
import type { ActorClock, TickPublisher } from '../../runtime/actor.js';
import { TickBudget } from './budget.js';

/** Options of {@link createSyntheticDriver}. */
export interface SyntheticDriverOptions {
  readonly feed: SyntheticFeed;
  readonly ticksPerSecond: number;
  readonly publisher: Pick<TickPublisher, 'tryPublish'>;
  readonly clock: ActorClock;
  /** Whether the market is open at wall time `nowMs`. */
  readonly isOpen: (nowMs: number) => boolean;
  /** Called with every published tick (the recorder). */
  readonly onPublished?: (t: Tick) => void;
  /** Timer period while open, ms (default 5). */
  readonly periodMs?: number;
  /** Re-check period while closed, ms (default 1000). */
  readonly closedCheckMs?: number;
}

/** Counters of a running driver. */
export interface SyntheticDriverStats {
  readonly generated: number;
  readonly published: number;
  readonly dropped: number;
  readonly lastTickTs: number | null;
  readonly marketOpen: boolean;
  /** Monotonic ms of the last refused publish, null if none. */
  readonly lastDropAt: number | null;
}

/** A started/stopped emitter. */
export interface SyntheticDriver {
  start(): void;
  /** Stops emitting; no tick is produced after it returns. */
  stop(): void;
  stats(): SyntheticDriverStats;
}

/** Creates the driver (not started). */
export function createSyntheticDriver(opts: SyntheticDriverOptions): SyntheticDriver {
  const periodMs = opts.periodMs ?? 5;
  const closedCheckMs = opts.closedCheckMs ?? 1000;
  const budget = new TickBudget({ rate: opts.ticksPerSecond, maxBacklogMs: 100 });
  const { clock, feed, publisher } = opts;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let open = false;
  let generated = 0;
  let published = 0;
  let dropped = 0;
  let lastTickTs: number | null = null;
  let lastDropAt: number | null = null;

  const schedule = (ms: number): void => {
    timer = setTimeout(turn, ms);
  };

  function turn(): void {
    timer = undefined;
    if (!running) return;
    const now = clock.nowMs();
    if (!opts.isOpen(now)) {
      open = false;
      schedule(closedCheckMs);
      return;
    }
    if (!open) {
      // Just opened (or started): owe nothing for the closed period
      open = true;
      budget.reset(clock.monoMs());
    }
    const n = budget.take(clock.monoMs());
    for (let i = 0; i < n; i++) {
      const t = feed.next(now);
      generated++;
      if (publisher.tryPublish(t, clock.monoNs())) {
        published++;
        lastTickTs = t.exchangeTs;
        opts.onPublished?.(t);
      } else {
        dropped++;
        lastDropAt = clock.monoMs();
      }
    }
    schedule(periodMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      open = false;
      turn();
    },
    stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    stats: () => ({ generated, published, dropped, lastTickTs, marketOpen: open, lastDropAt }),
  };
}
