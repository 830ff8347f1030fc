// Cuts of the strategy runner in the split topology: how its state joins the trading cores'
// checkpoints without a commit on the signal path.
//
//   runner ──signals (seq k…)──cut n──signals──►  core: handles each record at once
//     │ every interval: capture state          │ cut n handled → its next checkpoint names n
//     └─ put K.strategyCut(n) (async) ─commit──┘ (the cut record is sent only after its put)
//
//   restore: the oldest cut the cores' last completed checkpoints name; the feed rewinds to the
//   cut's feed position; the runner regenerates the signals after it with the same ordinals, and a
//   core skips every ordinal it already handled (Envelope.seq ≤ its checkpoint's lastSigSeq).
//
// Invariants:
//   - a cut is sent after its state is committed, so a checkpoint that names cut n can always
//     restore it; a core handles the cut record after every signal the runner sent before it, so
//     the cut is at or before the core's own position;
//   - the runner releases a tick only once a completed checkpoint of every core names a cut that
//     covers it: until then a restarted runner (same process) is delivered it again;
//   - the runner is deterministic over its ticks, so a regenerated signal equals the original with
//     the same ordinal; ordinals only go up within a lineage (a fresh run of a feed that cannot
//     rewind starts past every ordinal a core has handled, since its signals are new ones).
import { isCheckpointRecord } from '../../protocol/checkpoint.js';
import type { StoredStrategyState } from './state.js';

export const CUT_VERSION = 1;

/** What is stored under K.strategyCut(n). */
export interface StoredCut {
  readonly v: typeof CUT_VERSION;
  readonly n: number;
  /** Run (ctx.runId) whose tick ring `tickSeq` belongs to. */
  readonly runId: string;
  /** market.ticks ring seq of the last tick in the cut (-1: none yet). */
  readonly tickSeq: number;
  /** Feed position after that tick (0: none). */
  readonly nextFeedSeq: number;
  readonly nextSigSeq: number;
  readonly state: StoredStrategyState;
}

export function isStoredCut(x: unknown): x is StoredCut {
  if (x === null || typeof x !== 'object') return false;
  const c = x as Partial<StoredCut>;
  return c.v === CUT_VERSION && typeof c.n === 'number' && typeof c.runId === 'string' && typeof c.tickSeq === 'number' && typeof c.nextFeedSeq === 'number' && typeof c.nextSigSeq === 'number' && typeof c.state === 'object';
}

/** What the cores' last completed checkpoints say of the runner. */
export interface CoresView {
  /** The oldest cut named by every core's checkpoint; null when some core names none. */
  readonly cut: number | null;
  /** The highest signal ordinal any core has handled (-1: none). */
  readonly lastSigSeq: number;
  /** Runs the cores' positions were taken in. */
  readonly runs: readonly string[];
}

/** Reads the cores' checkpoint records (K.checkpoint(core) values, one per core). */
export function coresView(records: readonly unknown[]): CoresView {
  let cut: number | null = records.length > 0 ? Number.POSITIVE_INFINITY : null;
  let lastSigSeq = -1;
  const runs: string[] = [];
  for (const r of records) {
    if (!isCheckpointRecord(r) || r.runner == null) {
      cut = null;
    } else if (cut !== null) {
      cut = Math.min(cut, r.runner.n);
    }
    if (isCheckpointRecord(r) && r.consumed != null) {
      lastSigSeq = Math.max(lastSigSeq, r.consumed.lastSigSeq);
      runs.push(r.consumed.runId);
    }
  }
  return { cut, lastSigSeq, runs };
}

/** Where a runner restored from `cut` resumes. */
export interface ResumePoint {
  /** Ordinal of its next signal. */
  readonly nextSigSeq: number;
  /** Ticks of this run's ring with seq ≤ this are in the state (-1: none). */
  readonly skipThroughTickSeq: number;
}

/**
 * `rewinds`: the feed re-publishes from the cut's position after a restart (replay, live journal);
 * the runner then skips every feed position below the next one it expects (the cut's
 * nextFeedSeq, then each tick's). Within one run the tick ring also redelivers every unreleased tick.
 */
export function resumePoint(cut: StoredCut | undefined, runId: string, rewinds: boolean, view: CoresView): ResumePoint {
  // No cut yet: the implicit one is the empty state before the first tick (ordinal 0, feed position
  // 0), which a rewinding feed or this run's tick ring replays in full; only a fresh run of a feed
  // that cannot rewind brings new ticks, whose signals must be numbered past every handled one
  if (cut === undefined) return { nextSigSeq: rewinds || view.runs.every((r) => r === runId) ? 0 : view.lastSigSeq + 1, skipThroughTickSeq: -1 };
  const sameRun = cut.runId === runId;
  if (sameRun || rewinds) return { nextSigSeq: cut.nextSigSeq, skipThroughTickSeq: sameRun ? cut.tickSeq : -1 };
  // A fresh run of a feed that cannot rewind: the ticks after the cut are gone, what comes is new
  return { nextSigSeq: Math.max(cut.nextSigSeq, view.lastSigSeq + 1), skipThroughTickSeq: -1 };
}

/**
 * The runner's bookkeeping of its cuts: their numbers, which are still open (not yet named by a
 * completed checkpoint of every core), who waits for one, and what a completion releases. Only
 * this incarnation's cuts (and the restored one, when of this run) release ticks: their ticks are
 * in this run's ring, and they are in tick order (see the file header).
 */
export class CutBook {
  private lastN: number;
  private completed: number;
  private readonly open = new Map<number, { readonly tickSeq: number; readonly waiters: (() => void)[] }>();

  /** `lastStoredN`: the highest cut number in the store; `completed`: the one the cores name (0: none). */
  constructor(lastStoredN: number, completed: number, restored: StoredCut | undefined, runId: string) {
    this.lastN = Math.max(lastStoredN, restored?.n ?? 0);
    this.completed = completed;
    if (restored !== undefined && restored.runId === runId) this.open.set(restored.n, { tickSeq: restored.tickSeq, waiters: [] });
  }

  /** The newest cut number taken (by any incarnation). */
  get latest(): number {
    return this.lastN;
  }

  /** A new cut of the state after the tick at `tickSeq`: its number. */
  take(tickSeq: number): number {
    const n = ++this.lastN;
    this.open.set(n, { tickSeq, waiters: [] });
    return n;
  }

  /** Resolves once cut `n` is covered by a completed checkpoint of every core (at once when it is, or is not ours). */
  whenCompleted(n: number): Promise<void> {
    const open = this.open.get(n);
    return n <= this.completed || open === undefined ? Promise.resolve() : new Promise((r) => open.waiters.push(r));
  }

  /**
   * The cores now name cut `done`: wakes the waiters of every cut up to it and says which ticks to
   * release (null: none of ours) and which stored cuts are no longer needed.
   */
  complete(done: number): { readonly releaseThrough: number | null; readonly obsolete: readonly number[] } {
    if (done <= this.completed) return { releaseThrough: null, obsolete: [] };
    const obsolete: number[] = [];
    for (let n = Math.max(1, this.completed); n < done; n++) obsolete.push(n);
    this.completed = done;
    const covered = this.open.get(done);
    for (const [n, open] of this.open) {
      if (n > done) continue;
      for (const w of open.waiters) w();
      this.open.delete(n);
    }
    return { releaseThrough: covered !== undefined && covered.tickSeq >= 0 ? covered.tickSeq : null, obsolete };
  }
}
