// Token-bucket rate limiting, pure: time comes in as an argument (monotonic ms), nothing here reads a
// clock. A bucket holds up to `burst` tokens and refills at `perMinute / 60_000` tokens per ms; each
// request takes one. KeyedLimiter keeps one bucket per client (token name or IP) with a bounded key
// count: past `maxKeys` the least recently used key is forgotten (it comes back with a full bucket).

/** Bucket parameters. */
export interface BucketSpec {
  /** Sustained rate, requests per minute. */
  readonly perMinute: number;
  /** Bucket size: how many requests may arrive at once after a quiet period. */
  readonly burst: number;
}

/** Outcome of one attempt. */
export type Take =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** A single token bucket (used per WebSocket connection for the flood limit). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly perMs: number;

  /** @param nowMs monotonic time of creation; the bucket starts full. */
  constructor(
    private readonly spec: BucketSpec,
    nowMs: number,
  ) {
    if (!(spec.perMinute > 0) || !(spec.burst >= 1)) {
      throw new RangeError(`TokenBucket: expected perMinute > 0 and burst >= 1, was ${spec.perMinute}/${spec.burst}`);
    }
    this.tokens = spec.burst;
    this.last = nowMs;
    this.perMs = spec.perMinute / 60_000;
  }

  /** Takes one token at `nowMs`; a clock that steps back is treated as no time passing. */
  take(nowMs: number): Take {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true, remaining: Math.floor(this.tokens) };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - this.tokens) / this.perMs) };
  }

  /** True when the bucket is full at `nowMs` (an idle client; safe to forget). */
  isFull(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.spec.burst;
  }

  private refill(nowMs: number): void {
    const elapsed = nowMs - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.spec.burst, this.tokens + elapsed * this.perMs);
      this.last = nowMs;
    }
  }
}

/** One bucket per key, bounded memory. */
export class KeyedLimiter {
  // Map iteration order is insertion order: re-inserting on use keeps the LRU key first
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly spec: BucketSpec,
    private readonly maxKeys = 10_000,
  ) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`KeyedLimiter: expected maxKeys >= 1, was ${maxKeys}`);
  }

  /** Takes one token from `key`'s bucket at `nowMs`. */
  take(key: string, nowMs: number): Take {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.spec, nowMs);
      if (this.buckets.size >= this.maxKeys) this.evict(nowMs);
    } else {
      this.buckets.delete(key);
    }
    this.buckets.set(key, bucket);
    return bucket.take(nowMs);
  }

  /** Number of remembered keys. */
  get size(): number {
    return this.buckets.size;
  }

  /** Forgets an idle (full) bucket among the oldest few; if none is idle, the least recently used. */
  private evict(nowMs: number): void {
    let scanned = 0;
    for (const [k, b] of this.buckets) {
      if (b.isFull(nowMs)) {
        this.buckets.delete(k);
        return;
      }
      // Bounded scan: a full map under attack must not cost O(maxKeys) per request
      if (++scanned >= 64) break;
    }
    const oldest = this.buckets.keys().next();
    if (oldest.done !== true) this.buckets.delete(oldest.value);
  }
}
