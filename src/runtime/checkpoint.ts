// Checkpoints: durability off the hot path. An actor processes its input at once and never waits
// for storage; every interval the runtime takes a checkpoint:
//
//   t ──handle──handle──handle──┬──handle──handle──handle──┬──handle──…      (hot path, no I/O)
//                               │ capture n (synchronous:  │ capture n+1
//                               │ state + staged outputs)  │
//                               └──► LMDB txn n ──commit──►┴─ complete n: release staged outputs,
//                                    (async, off-thread)       release consumed input
//
// Invariants:
//   - at most one checkpoint is in flight (as in Flink): capture n+1 starts after n completed, so
//     completions are in order and every committed state is a prefix of the processed input;
//   - a capture is synchronous: state, source positions and the outputs staged since the previous
//     capture agree exactly (no message is handled between them);
//   - externally visible effects (published events, released input) happen only in `complete`,
//     after the transaction is committed (with `strict` durability: flushed). A crash before that
//     loses only work that nobody outside has seen; restoring the checkpoint and re-reading the
//     unreleased input regenerates it identically, because handlers are deterministic.
//   - a failed commit is fatal (let it crash): the actor restarts from the last completed checkpoint.
import type { RootDatabase } from 'lmdb';
import { isAppError } from '../errors.js';
import type { Durability } from '../store/lmdb.js';
import { assertStoreRoom, storeWriteError } from '../store/cap.js';

/** What one capture produced. */
export interface CheckpointCapture {
  /** Runs inside the checkpoint's LMDB transaction: every write of this checkpoint. */
  readonly write: (db: RootDatabase) => void;
  /** Runs once the transaction is durable: release staged outputs and consumed input. */
  readonly complete: () => void;
}

export interface CheckpointDeps {
  readonly db: RootDatabase;
  readonly durability: Durability;
  /** Capture of checkpoint `n` (synchronous); null when nothing changed since the last one. */
  readonly capture: (n: number) => CheckpointCapture | null;
  /** Called with a commit failure, outside any promise chain (default: rethrow so the worker dies). */
  readonly fail?: (e: Error) => void;
}

export interface CheckpointStats {
  /** Completed checkpoints of this incarnation. */
  completed: number;
  /** Triggers that found nothing to capture. */
  empty: number;
  /** Last commit duration, and the largest seen, ms. */
  lastCommitMs: number;
  maxCommitMs: number;
}

/** See the file header. `trigger` is called by the actor's timer and by commands that need durability. */
export class Checkpointer {
  private n: number;
  private inFlight = false;
  /** A trigger arrived while a checkpoint was in flight: take another one right after it. */
  private again = false;
  private waiting: (() => void)[] = [];
  private closed = false;
  readonly stats: CheckpointStats = { completed: 0, empty: 0, lastCommitMs: 0, maxCommitMs: 0 };

  constructor(
    private readonly deps: CheckpointDeps,
    /** Number of the last completed checkpoint (restored), 0 when none. */
    lastCompleted = 0,
  ) {
    this.n = lastCompleted;
  }

  /** Number of the last completed checkpoint. */
  get completed(): number {
    return this.n;
  }

  /**
   * Takes a checkpoint of everything handled before this call. Resolves once it is complete (its
   * outputs released); with nothing new to capture, at once.
   */
  trigger(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.inFlight) {
        this.again = true;
        return;
      }
      this.run();
    });
  }

  /** Takes a last checkpoint and refuses further ones (stop). */
  async close(): Promise<void> {
    await this.trigger();
    this.closed = true;
  }

  private run(): void {
    const waiting = this.waiting;
    this.waiting = [];
    this.again = false;
    const cap = this.deps.capture(this.n + 1);
    if (cap === null) {
      this.stats.empty++;
      for (const w of waiting) w();
      return;
    }
    this.inFlight = true;
    const t0 = performance.now();
    const { db } = this.deps;
    // The store cap is checked before the transaction (a full store refuses the whole checkpoint),
    // and the transaction is still queued synchronously, in call order with this thread's writes
    let commit: Promise<unknown>;
    try {
      assertStoreRoom(db);
      commit = db.transaction(() => cap.write(db));
    } catch (e) {
      commit = Promise.reject(e as Error);
    }
    commit
      .then(() => (this.deps.durability === 'strict' ? db.flushed : undefined))
      .then(
        () => {
          const ms = performance.now() - t0;
          this.stats.lastCommitMs = ms;
          if (ms > this.stats.maxCommitMs) this.stats.maxCommitMs = ms;
          this.n++;
          this.stats.completed++;
          cap.complete();
          this.inFlight = false;
          for (const w of waiting) w();
          if (this.again) this.run();
        },
        (e: unknown) => {
          const error = isAppError(e) ? e : storeWriteError(e);
          // Let it crash: outside the promise chain, so the worker dies and restarts from the last checkpoint
          const fail = this.deps.fail ?? ((x: Error) => setImmediate(() => { throw x; }));
          fail(error);
        },
      );
  }
}
