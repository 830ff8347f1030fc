// Replay pacing: the delay to wait before emitting each tick. PURE. 'max' never waits; 'realtime'
// waits the recorded gap divided by `speed`, capped at `maxGapMs` (e.g. to skip nights). Delays are
// integer ms computed from the rounded cumulative virtual time, so rounding never accumulates drift.

import { appError } from '../../errors.js';
import type { Tick } from '../types.js';

/** Replay pace: as recorded (scaled by speed) or as fast as possible. */
export type ReplayPace = 'realtime' | 'max';

/** Pacing options. */
export interface ReplayScheduleOptions {
  readonly pace: ReplayPace;
  /** Time multiplier for 'realtime' (2 = twice as fast). Default 1; must be > 0. */
  readonly speed?: number;
  /** Largest recorded gap honoured, before the speed factor (default: unlimited). */
  readonly maxGapMs?: number;
}

/** The timestamp a replayed tick is paced by: exchange time, else last trade time (0 = unknown). */
export type PacedTick = Pick<Tick, 'exchangeTs' | 'lastTradeTs'>;

/** Incremental pacer for streamed replays: call `delayFor` for each tick in file order. */
export interface ReplayPacer {
  delayFor(tick: PacedTick): number;
}

/**
 * Creates a pacer. A tick whose timestamp goes backwards or is unknown (0) waits 0 ms; the next
 * gap is then measured from the latest timestamp seen, so a stray old record cannot replay a gap twice.
 * Throws ERR_CONFIG_INVALID for a non-positive or non-finite speed or a negative maxGapMs.
 */
export function createReplayPacer(opts: ReplayScheduleOptions): ReplayPacer {
  const speed = opts.speed ?? 1;
  const maxGap = opts.maxGapMs ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(speed) || speed <= 0) throw appError('ERR_CONFIG_INVALID', { summary: `replay speed must be > 0, was ${speed}` });
  if (Number.isNaN(maxGap) || maxGap < 0) throw appError('ERR_CONFIG_INVALID', { summary: `replay maxGapMs must be >= 0, was ${maxGap}` });
  let prevTs = 0;
  let virtual = 0; // cumulative recorded time (ms) since the first tick, gaps capped
  let emitted = 0; // cumulative integer delay already handed out
  return {
    delayFor(tick) {
      if (opts.pace === 'max') return 0;
      const ts = tick.exchangeTs > 0 ? tick.exchangeTs : tick.lastTradeTs;
      if (prevTs > 0 && ts > prevTs) virtual += Math.min(maxGap, ts - prevTs);
      if (ts > 0 && ts > prevTs) prevTs = ts;
      const target = Math.round(virtual / speed);
      const delay = target - emitted;
      emitted = target;
      return delay;
    },
  };
}

/** Delay in ms before each of `ticks` (the first is always 0). */
export function replaySchedule(ticks: readonly PacedTick[], opts: ReplayScheduleOptions): number[] {
  const pacer = createReplayPacer(opts);
  return ticks.map((t) => pacer.delayFor(t));
}
