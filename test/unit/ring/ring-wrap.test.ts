// Cursor wrap at 2^31: the published and consumer cursors are set near CURSOR_MASK through the
// header words (instead of publishing 2^31 records), then records are moved across the wrap.
import { describe, expect, it } from 'vitest';
import { registerConsumer, ringStats, RingConsumer, RingProducer } from '../../../src/transport/ring.js';
import { C, CURSOR_MASK, SLOT, W, consumerLineWord } from '../../../src/transport/ring-layout.js';
import { gapsOf, put, ring, take } from './ring-helpers.js';

/** A ring whose published cursor (and hence every consumer registered after) starts at `start`. */
function ringAt(start: number, capacity: number, policy: 'block' | 'drop', lossy: boolean): SharedArrayBuffer {
  const sab = ring(capacity, policy, 2);
  const h = new Int32Array(sab);
  Atomics.store(h, W.PUB_CURSOR, start);
  registerConsumer(sab, 0, lossy);
  return sab;
}

describe('cursor wrap at 2^31', () => {
  it('delivers every record in order across the wrap and gates correctly on both sides of it', () => {
    const start = CURSOR_MASK - 5;
    const sab = ringAt(start, 8, 'block', false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    expect(p.nextSeq).toBe(0);
    const got = [];
    let next = 0;
    for (let round = 0; round < 10; round++) {
      while (put(p, next)) next++;
      // Full ring: exactly `capacity` records ahead of the consumer, wherever the cursors are.
      expect(c.available()).toBe(8);
      expect(p.lag()).toBe(8);
      got.push(...take(c, 3 + (round % 5)));
    }
    got.push(...take(c));
    expect(next).toBeGreaterThan(30);
    expect(got.map((g) => g.seq)).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(got.every((g) => g.value === g.seq)).toBe(true);
    const h = new Int32Array(sab);
    expect(Atomics.load(h, W.PUB_CURSOR)).toBe((start + next) & CURSOR_MASK);
    expect(Atomics.load(h, W.PUB_CURSOR)).toBeLessThan(next);
    expect(ringStats(sab).consumers[0]).toMatchObject({ lag: 0, dropped: 0, received: next });
  });

  it('stamps the record at cursor 2^31-1 with a non-zero stamp', () => {
    const sab = ringAt(CURSOR_MASK - 1, 4, 'block', false);
    const p = new RingProducer(sab, 1);
    put(p, 0); // cursor MASK-1
    put(p, 1); // cursor MASK: stamp (MASK + 1) | 0 = -2^31
    const hb = new Int32Array(sab)[W.HEADER_BYTES]!;
    const slot = hb + (CURSOR_MASK & 3) * 64;
    expect(new Int32Array(sab)[(slot + SLOT.STAMP) >> 2]).toBe(-(2 ** 31));
    const c = new RingConsumer(sab, 0, { lossy: false });
    expect(take(c).map((g) => g.seq)).toEqual([0, 1]);
  });

  it('counts drops exactly for a lossy consumer lapped across the wrap', () => {
    const start = CURSOR_MASK - 20;
    const sab = ringAt(start, 8, 'drop', true);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: true });
    const got = [];
    for (let i = 0; i < 50; i++) {
      put(p, i);
      if (i % 13 === 0) got.push(...take(c, 2));
    }
    got.push(...take(c));
    expect(gapsOf(got, 0)).toBe(c.droppedCount);
    expect(got.length + c.droppedCount).toBe(50);
    expect(got.every((g) => g.value === g.seq)).toBe(true);
    expect(got.at(-1)!.seq).toBe(49);
  });

  it('resumes consumers and producers that restart right after the wrap', () => {
    const start = CURSOR_MASK - 3;
    const sab = ringAt(start, 8, 'block', false);
    const p1 = new RingProducer(sab, 1);
    const c1 = new RingConsumer(sab, 0, { lossy: false, manualRelease: true });
    for (let i = 0; i < 4; i++) put(p1, i); // PUB_CURSOR is now exactly 0
    expect(Atomics.load(new Int32Array(sab), W.PUB_CURSOR)).toBe(0);
    expect(take(c1).length).toBe(4);
    c1.releaseTo((start + 3) & CURSOR_MASK); // last record (cursor MASK) not committed
    // Producer restart with NEXT_SEQ ahead (killed inside publish): seq comes from the last slot.
    new Float64Array(sab, 0, 16)[W.NEXT_SEQ_F64] = 5;
    const p2 = new RingProducer(sab, 2);
    expect(p2.nextSeq).toBe(4);
    put(p2, 4);
    const c2 = new RingConsumer(sab, 0, { lossy: false, manualRelease: true });
    expect(take(c2).map((g) => [g.seq, g.gen])).toEqual([
      [3, 1],
      [4, 2],
    ]);
    const h = new Int32Array(sab);
    expect(Atomics.load(h, consumerLineWord(0) + C.CURSOR)).toBe(CURSOR_MASK);
  });
});
