// Bounded price history per (strategy, instrument): a fixed-capacity ring of numbers.
// Invariants: never holds more than `capacity` values (memory is allocated once, at construction);
// index 0 is the oldest retained value and `length - 1` the newest (the current tick once pushed).

/** Read-only view of a price series, oldest first. Indicators only need this. */
export interface PriceSeries {
  readonly length: number;
  /** Value at `i` (0 = oldest); callers keep 0 ≤ i < length. */
  get(i: number): number;
}

/** Fixed-capacity ring buffer of prices; pushing past capacity drops the oldest value. */
export class PriceWindow implements PriceSeries {
  readonly capacity: number;
  private readonly buf: Float64Array;
  // Index of the oldest value; `size` values follow it (modulo capacity)
  private head = 0;
  private size = 0;

  /** @param capacity maximum number of retained prices (integer ≥ 1) */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`PriceWindow capacity must be a positive integer, was ${capacity}`);
    }
    this.capacity = capacity;
    this.buf = new Float64Array(capacity);
  }

  /** Number of retained prices (≤ capacity). */
  get length(): number {
    return this.size;
  }

  /** Appends a price in O(1), evicting the oldest one when full. */
  push(price: number): void {
    if (this.size < this.capacity) {
      this.buf[(this.head + this.size) % this.capacity] = price;
      this.size++;
    } else {
      this.buf[this.head] = price;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Value at `i` (0 = oldest). Out-of-range indexes return NaN rather than a stale slot. */
  get(i: number): number {
    if (i < 0 || i >= this.size) return NaN;
    return this.buf[(this.head + i) % this.capacity] ?? NaN;
  }

  /** Newest value, NaN when empty. */
  last(): number {
    return this.get(this.size - 1);
  }

  /** Copy of the retained values, oldest first (for persistence and tests). */
  toArray(): number[] {
    const out = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.get(i);
    return out;
  }

  /** Forgets every value; capacity is unchanged. */
  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}

/** Adapts a plain array (oldest first) to `PriceSeries`, without copying. */
export function arraySeries(values: readonly number[]): PriceSeries {
  return {
    length: values.length,
    get: (i: number): number => values[i] ?? NaN,
  };
}
