// Tick budget of a rate-driven emitter: how many ticks one timer turn owes, from the monotonic time
// elapsed since the previous turn. The fractional remainder carries over (so 1 tick/s with a 5 ms
// timer still emits exactly one per second); the backlog is capped so a stalled event loop (GC,
// a slow consumer turn) causes a bounded burst instead of replaying every missed millisecond.

/** Options of {@link TickBudget}. */
export interface TickBudgetOptions {
  /** Ticks per second, > 0. */
  readonly rate: number;
  /** Largest backlog honoured, in ms of ticks (default 50). At least two ticks are always allowed. */
  readonly maxBacklogMs?: number;
}

/** Accumulates owed ticks at a fixed rate. */
export class TickBudget {
  private owed = 0;
  private last: number | undefined;
  private readonly cap: number;

  constructor(private readonly opts: TickBudgetOptions) {
    if (!Number.isFinite(opts.rate) || opts.rate <= 0) throw new RangeError(`TickBudget: rate must be > 0, was ${opts.rate}`);
    // Never below 2: a cap of 1 would shave the overshoot of every turn that crosses a whole tick,
    // making low rates systematically slow
    this.cap = Math.max(2, (opts.rate * (opts.maxBacklogMs ?? 50)) / 1000);
  }

  /** Starts (or restarts, e.g. when the market opens) counting from `nowMonoMs` with no backlog. */
  reset(nowMonoMs: number): void {
    this.owed = 0;
    this.last = nowMonoMs;
  }

  /** Whole ticks owed at `nowMonoMs`; they are considered spent. The first call after construction owes 0. */
  take(nowMonoMs: number): number {
    if (this.last === undefined) {
      this.reset(nowMonoMs);
      return 0;
    }
    const dt = Math.max(0, nowMonoMs - this.last);
    this.last = nowMonoMs;
    this.owed = Math.min(this.cap, this.owed + (this.opts.rate * dt) / 1000);
    const n = Math.floor(this.owed);
    this.owed -= n;
    return n;
  }
}
