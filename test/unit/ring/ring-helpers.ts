// Single-thread helpers for ring unit tests: a tiny record format (one int32 value per record) and
// a drain that collects what a consumer delivered, with the seq/gen the slot header carried.
import { createRing, type RingConsumer, type RingProducer } from '../../../src/transport/ring.js';
import type { RingPolicy } from '../../../src/transport/ring-layout.js';

export const TAG = 7;

export function ring(capacity: number, policy: RingPolicy = 'block', maxConsumers = 4, slotBytes = 64): SharedArrayBuffer {
  return createRing({ capacity, slotBytes, policy, maxConsumers });
}

/** Publishes one record carrying `value`; false when the producer is gated (block policy). */
export function put(p: RingProducer, value: number): boolean {
  const off = p.claim();
  if (off < 0) return false;
  p.i32[off >> 2] = value;
  p.publish(TAG, 4);
  return true;
}

export interface Got {
  readonly seq: number;
  readonly gen: number;
  readonly value: number;
}

/** Delivers up to `max` records and returns them in delivery order. */
export function take(c: RingConsumer, max = Number.MAX_SAFE_INTEGER): Got[] {
  const out: Got[] = [];
  let cur: Got = { seq: -1, gen: -1, value: -1 };
  c.poll(
    (payload, _len, _tag, seq, gen) => {
      cur = { seq, gen, value: c.i32[payload >> 2]! };
    },
    max,
    () => out.push(cur),
  );
  return out;
}

/** Sum of gaps between consecutive seqs, starting from `expectedFirst`; -1 on a duplicate/reorder. */
export function gapsOf(got: readonly Got[], expectedFirst: number): number {
  let next = expectedFirst;
  let gaps = 0;
  for (const g of got) {
    if (g.seq < next) return -1;
    gaps += g.seq - next;
    next = g.seq + 1;
  }
  return gaps;
}
