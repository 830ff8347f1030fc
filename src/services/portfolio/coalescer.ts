// Group commit for actor state: at most one LMDB commit in flight; every request made while one
// is in flight is served by exactly ONE follow-up commit. The commit function captures what it
// writes synchronously when it is called, so a follow-up always covers every change made before
// its request. After a failed commit the coalescer is poisoned: every later request is rejected
// without writing (the actor crashes and restarts from LMDB; writing past a failure could, e.g.,
// overwrite an outbox whose events were never published). Used by the portfolio and risk managers.

/** A commit: capture state synchronously, then write it; resolves after the write is committed. */
export type CommitFn = () => Promise<void>;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** Serialises and coalesces commits (see the file header). */
export class CommitCoalescer {
  private waiting: Waiter[] = [];
  private running = false;
  private done = 0;
  private failure: unknown = undefined;
  private failed = false;

  constructor(private readonly commit: CommitFn) {}

  /** Requests a commit of every change made so far; resolves when a commit started after now ends. */
  request(): Promise<void> {
    if (this.failed) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) void this.loop();
    });
  }

  /** True while a commit runs (new requests then wait for one follow-up commit). */
  get busy(): boolean {
    return this.running;
  }

  /** Commits completed so far. */
  get commits(): number {
    return this.done;
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        if (this.failed) {
          for (const w of batch) w.reject(this.failure);
          continue;
        }
        try {
          await this.commit();
          this.done += 1;
          for (const w of batch) w.resolve();
        } catch (e) {
          this.failed = true;
          this.failure = e;
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
