// Client-side rate limits for Kite Connect (kite-connect reference §1.8), so we never provoke a 429.
// Kite's documented limits (KITE_LIMITS; the client runs ~20% under them, KITE_CLIENT_LIMITS):
//   order      place/modify/cancel: 10 per second and 400 per minute; placements also 5 000 per IST day
//   quote      1 per second;  historical 3 per second;  other: 10 per second combined
// Each limit of a class ({perMinute, burst}: `burst` calls per window of burst ÷ rate, e.g. 10 per
// second, 400 per minute) is a sliding window over the last `burst` admission times: a call waits
// until every window of its class has room, then counts in all of them at once. Waiters of one class
// are served in arrival order (a promise chain).
// Invariant: in any window of a limit's length, the calls admitted never exceed its `burst`. (A
// token bucket with the same numbers does not hold it: a full bucket of 10 plus its refill admits
// 11 calls within one second, which Kite answers with a 429.)
// The per-day placement cap is a plain counter that resets at the IST day boundary; it refuses with
// ERR_KITE_RATE_LIMITED instead of waiting (waiting for tomorrow is not an answer).
import { appError } from '../../errors.js';
import type { BucketSpec } from '../../gateway/rate-limit.js';
import { istDayNumber } from '../../domain/market-hours/ist.js';
import type { Clock } from '../../runtime/clock.js';

export type KiteCallClass = 'order' | 'quote' | 'historical' | 'other';

/** Bucket specs per class (every bucket must grant a token). */
export type KiteLimits = Readonly<Record<KiteCallClass, readonly BucketSpec[]>> & { readonly ordersPerDay: number };

/** Kite's documented limits (what the sandbox enforces with 429). */
export const KITE_LIMITS: KiteLimits = {
  order: [
    { perMinute: 600, burst: 10 },
    { perMinute: 400, burst: 400 },
  ],
  quote: [{ perMinute: 60, burst: 1 }],
  historical: [{ perMinute: 180, burst: 3 }],
  other: [{ perMinute: 600, burst: 10 }],
  ordersPerDay: 5000,
};

/**
 * What the client paces itself to by default: Kite's limits with a margin of about 20%. Two buckets
 * of the same rate, one here and one at Kite, disagree by the network jitter between them, so a
 * client running at exactly the documented rate still draws occasional 429s (measured against the
 * sandbox); the margin absorbs up to ~25 ms of jitter per call.
 */
export const KITE_CLIENT_LIMITS: KiteLimits = {
  order: [
    { perMinute: 480, burst: 8 },
    { perMinute: 350, burst: 350 },
  ],
  quote: [{ perMinute: 50, burst: 1 }],
  historical: [{ perMinute: 150, burst: 2 }],
  other: [{ perMinute: 480, burst: 8 }],
  ordersPerDay: 5000,
};

/** Waits `ms` milliseconds (injected so tests can run the limiter on a fake clock). */
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** At most `limit` admissions in any window of `windowMs` (the last `limit` admission times, a ring). */
export class SlidingWindow {
  private readonly times: number[] = [];
  private next = 0;
  readonly limit: number;
  readonly windowMs: number;

  constructor(spec: BucketSpec) {
    this.limit = Math.max(1, Math.floor(spec.burst));
    this.windowMs = (this.limit * 60_000) / spec.perMinute;
  }

  /** How long a call arriving at `now` must wait for room, ms (0: it may go now). */
  waitMs(now: number): number {
    if (this.times.length < this.limit) return 0;
    // The oldest of the last `limit` admissions must have left the window
    return Math.max(0, this.times[this.next]! + this.windowMs - now);
  }

  admit(now: number): void {
    if (this.times.length < this.limit) this.times.push(now);
    else this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
  }
}

export class KiteLimiter {
  private readonly windows: Record<KiteCallClass, SlidingWindow[]>;
  private readonly tails: Record<KiteCallClass, Promise<void>>;
  private day = -1;
  private placedToday = 0;
  private waitedMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: KiteLimits = KITE_CLIENT_LIMITS,
    private readonly sleep: Sleep = realSleep,
  ) {
    const make = (specs: readonly BucketSpec[]): SlidingWindow[] => specs.map((s) => new SlidingWindow(s));
    this.windows = { order: make(limits.order), quote: make(limits.quote), historical: make(limits.historical), other: make(limits.other) };
    const done = Promise.resolve();
    this.tails = { order: done, quote: done, historical: done, other: done };
  }

  /** Total time calls spent waiting for tokens, ms (for metrics). */
  get totalWaitMs(): number {
    return this.waitedMs;
  }

  /**
   * Resolves when a call of class `cls` may be sent. `placement` counts the call against the daily
   * placement cap and rejects with ERR_KITE_RATE_LIMITED once the cap is reached.
   */
  acquire(cls: KiteCallClass, placement = false): Promise<void> {
    if (placement) {
      try {
        this.countPlacement();
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    const turn = this.tails[cls].then(() => this.takeAll(cls));
    // The chain must survive a rejected turn (none today, but a throwing sleep must not wedge the class)
    this.tails[cls] = turn.catch(() => undefined);
    return turn;
  }

  private countPlacement(): void {
    const day = istDayNumber(this.clock.nowMs());
    if (day !== this.day) {
      this.day = day;
      this.placedToday = 0;
    }
    if (this.placedToday >= this.limits.ordersPerDay) {
      throw appError('ERR_KITE_RATE_LIMITED', { route: 'POST /orders', reason: `daily cap of ${this.limits.ordersPerDay} placements reached` });
    }
    this.placedToday++;
  }

  private async takeAll(cls: KiteCallClass): Promise<void> {
    const windows = this.windows[cls];
    for (;;) {
      const now = this.clock.monoMs();
      const wait = Math.ceil(Math.max(0, ...windows.map((w) => w.waitMs(now))));
      if (wait === 0) {
        for (const w of windows) w.admit(now);
        return;
      }
      this.waitedMs += wait;
      await this.sleep(wait);
    }
  }
}
