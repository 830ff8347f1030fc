// Single-thread behaviour of the SPMC ring: validation, order, wraparound, block/drop policies,
// lossy lapping and the seqlock, manual release, re-attach of consumers and producers, stats.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../../../src/errors.js';
import { createRing, registerConsumer, ringStats, RingConsumer, RingProducer } from '../../../src/transport/ring.js';
import { W } from '../../../src/transport/ring-layout.js';
import { gapsOf, put, ring, take } from './ring-helpers.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

function expectConfigError(f: () => unknown, code = 'ERR_RING_CONFIG'): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(isAppError(thrown), String(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

describe('createRing validation', () => {
  it('rejects bad capacity, slot size and consumer count with ERR_RING_CONFIG', () => {
    const ok = { capacity: 8, slotBytes: 64, policy: 'block', maxConsumers: 2 } as const;
    for (const capacity of [0, 1, 3, 6, 1.5, -8, 2 ** 25, Number.NaN]) expectConfigError(() => createRing({ ...ok, capacity }));
    for (const slotBytes of [0, 24, 31, 36, 65544, 64.5]) expectConfigError(() => createRing({ ...ok, slotBytes }));
    for (const maxConsumers of [0, 65, 1.5, -1]) expectConfigError(() => createRing({ ...ok, maxConsumers }));
    expect(createRing({ ...ok, capacity: 2, slotBytes: 32, maxConsumers: 1 }).byteLength).toBeGreaterThan(64);
    expect(() => createRing({ ...ok, capacity: 2 ** 24, slotBytes: 32, maxConsumers: 64 })).not.toThrow();
  });

  it('refuses to attach to a buffer that is not an initialised ring', () => {
    expectConfigError(() => new RingProducer(new SharedArrayBuffer(4096), 1));
    expectConfigError(() => new RingConsumer(new SharedArrayBuffer(4096), 0, { lossy: false }));
    expectConfigError(() => ringStats(new SharedArrayBuffer(4096)));
  });

  it('rejects a consumer index outside [0, maxConsumers)', () => {
    const sab = ring(8, 'block', 2);
    expectConfigError(() => new RingConsumer(sab, 2, { lossy: false }), 'ERR_RING_NO_CONSUMER_SLOT');
    expectConfigError(() => new RingConsumer(sab, -1, { lossy: false }), 'ERR_RING_NO_CONSUMER_SLOT');
  });
});

describe('producer → consumer basics', () => {
  it('delivers records in order with seq and gen from the slot header', () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 3);
    const c = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 5; i++) expect(put(p, 100 + i)).toBe(true);
    expect(c.available()).toBe(5);
    const got = take(c);
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => ({ seq: i, gen: 3, value: 100 + i })));
    expect(c.available()).toBe(0);
    expect(c.producerGen).toBe(3);
    expect(take(c)).toEqual([]);
  });

  it('respects max per poll', () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 6; i++) put(p, i);
    expect(take(c, 4).map((g) => g.value)).toEqual([0, 1, 2, 3]);
    expect(take(c, 4).map((g) => g.value)).toEqual([4, 5]);
  });

  it('keeps exact order across many wraparounds for every capacity (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(fc.integer({ min: 0, max: 1100 }), { minLength: 1, maxLength: 40 }), (log2, chunks) => {
        const capacity = 2 ** log2;
        const sab = ring(capacity, 'block', 2);
        registerConsumer(sab, 0, false);
        registerConsumer(sab, 1, false);
        const p = new RingProducer(sab, 1);
        const c0 = new RingConsumer(sab, 0, { lossy: false });
        const c1 = new RingConsumer(sab, 1, { lossy: false });
        let next = 0;
        let expect0 = 0;
        let expect1 = 0;
        for (const [k, chunk] of chunks.entries()) {
          for (let i = 0; i < chunk; i++) if (put(p, next)) next++;
          // c0 drains everything each round, c1 only part of it, so the gate moves in odd steps.
          for (const g of take(c0)) if (g.seq !== expect0 || g.value !== expect0++) return false;
          for (const g of take(c1, (k * 7) % (capacity + 1))) if (g.seq !== expect1 || g.value !== expect1++) return false;
          if (next - expect1 > capacity) return false;
        }
        for (const g of take(c1)) if (g.seq !== expect1 || g.value !== expect1++) return false;
        return expect0 === next && expect1 === next;
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('block policy', () => {
  it('claim() returns -1 when a gating consumer is a full ring behind and resumes after it polls', () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 8; i++) expect(put(p, i)).toBe(true);
    expect(p.claim()).toBe(-1);
    expect(p.lag()).toBe(8);
    expect(take(c, 1).map((g) => g.value)).toEqual([0]);
    expect(put(p, 8)).toBe(true);
    expect(put(p, 9)).toBe(false);
    expect(take(c).map((g) => g.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ringStats(sab).consumers[0]!.dropped).toBe(0);
  });

  it('is gated by the slowest of several gating consumers, never by a lossy one', () => {
    const sab = ring(4);
    registerConsumer(sab, 0, false);
    registerConsumer(sab, 1, false);
    registerConsumer(sab, 2, true);
    const p = new RingProducer(sab, 1);
    const fast = new RingConsumer(sab, 0, { lossy: false });
    const slow = new RingConsumer(sab, 1, { lossy: false });
    new RingConsumer(sab, 2, { lossy: true }); // never polls
    for (let i = 0; i < 4; i++) put(p, i);
    take(fast);
    expect(put(p, 4)).toBe(false);
    take(slow, 2);
    expect(put(p, 4)).toBe(true);
    expect(put(p, 5)).toBe(true);
    expect(put(p, 6)).toBe(false);
  });

  it('a clean detach() stops gating; a drop-policy ring never gates', () => {
    const sab = ring(4);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 4; i++) put(p, i);
    expect(put(p, 4)).toBe(false);
    c.detach();
    for (let i = 4; i < 40; i++) expect(put(p, i)).toBe(true);

    const drop = ring(4, 'drop');
    registerConsumer(drop, 0, false);
    const pd = new RingProducer(drop, 1);
    for (let i = 0; i < 40; i++) expect(put(pd, i)).toBe(true);
  });

  it('waitForSpace() resolves when the gating consumer releases, long before its timeout', async () => {
    const sab = ring(4);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 4; i++) put(p, i);
    setTimeout(() => take(c, 1), 20);
    const t0 = performance.now();
    await p.waitForSpace(5_000);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(put(p, 4)).toBe(true);
    // With space already free it returns at once.
    take(c);
    await p.waitForSpace(5_000);
  });
});

describe('lossy consumers', () => {
  it('count exactly what they missed when lapped: gaps == dropped, no duplicate (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 30 }),
        (log2, steps) => {
          const capacity = 2 ** log2;
          const sab = ring(capacity, 'drop', 1);
          registerConsumer(sab, 0, true);
          const p = new RingProducer(sab, 1);
          const c = new RingConsumer(sab, 0, { lossy: true });
          const got = [];
          let published = 0;
          for (const [n, m] of steps) {
            for (let i = 0; i < n; i++) if (put(p, published)) published++;
            got.push(...take(c, m));
          }
          got.push(...take(c));
          const gaps = gapsOf(got, 0);
          const valuesMatch = got.every((g) => g.value === g.seq);
          return gaps === c.droppedCount && got.length + c.droppedCount === published && valuesMatch && got.length === c.receivedCount;
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('delivers the newest `capacity` records after being lapped several times', () => {
    const sab = ring(8, 'drop', 1);
    registerConsumer(sab, 0, true);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: true });
    for (let i = 0; i < 29; i++) put(p, i);
    const got = take(c);
    expect(got.map((g) => g.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28]);
    expect(c.droppedCount).toBe(21);
    expect(ringStats(sab).consumers[0]).toMatchObject({ dropped: 21, received: 8, lag: 0, lossy: true });
  });

  it('discards a record rewritten while it was being decoded (seqlock), counting it as dropped', () => {
    const sab = ring(4, 'drop', 1);
    registerConsumer(sab, 0, true);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: true });
    for (let i = 0; i < 3; i++) put(p, i); // consumer at 0, 3 records: no lap yet
    const delivered: { seq: number; value: number }[] = [];
    let cur = { seq: -1, value: -1 };
    let rewrote = false;
    c.poll(
      (payload, _len, _tag, seq) => {
        cur = { seq, value: c.i32[payload >> 2]! };
        // While the consumer copies record 0, the producer laps it and rewrites slot 0 (record 4).
        if (seq === 0 && !rewrote) {
          rewrote = true;
          put(p, 3);
          put(p, 4);
        }
      },
      100,
      () => delivered.push(cur),
    );
    delivered.push(...take(c));
    expect(rewrote).toBe(true);
    // Record 0 was discarded (its copy raced a rewrite) and counted; everything else arrived once.
    expect(delivered.map((d) => d.seq)).toEqual([1, 2, 3, 4]);
    expect(delivered.every((d) => d.value === d.seq)).toBe(true);
    expect(c.droppedCount).toBe(1);
    expect(c.receivedCount).toBe(4);
  });
});

describe('manual release and re-attach', () => {
  it('moves the released cursor only on releaseTo(), and gates on it', () => {
    const sab = ring(4);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false, manualRelease: true });
    for (let i = 0; i < 4; i++) put(p, i);
    expect(take(c).length).toBe(4);
    expect(ringStats(sab).consumers[0]!.lag).toBe(4);
    expect(put(p, 4)).toBe(false);
    c.releaseTo(2);
    expect(ringStats(sab).consumers[0]!.lag).toBe(2);
    expect(put(p, 4)).toBe(true);
    expect(put(p, 5)).toBe(true);
    expect(put(p, 6)).toBe(false);
    expect(take(c).map((g) => g.value)).toEqual([4, 5]);
    c.release();
    expect(ringStats(sab).consumers[0]!.lag).toBe(0);
  });

  it('a new RingConsumer on the same index resumes at the released cursor', () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c1 = new RingConsumer(sab, 0, { lossy: false, manualRelease: true });
    for (let i = 0; i < 6; i++) put(p, i);
    expect(take(c1, 5).length).toBe(5);
    c1.releaseTo(3); // records 0..2 committed; 3 and 4 read but not committed; 5 unread
    // c1 "crashes" (no detach); its successor attaches to the same slot.
    const c2 = new RingConsumer(sab, 0, { lossy: false, manualRelease: true });
    expect(c2.readCursor).toBe(3);
    expect(take(c2).map((g) => g.seq)).toEqual([3, 4, 5]);
    expect(c2.receivedCount).toBe(8); // received is cumulative over incarnations: 5 + 3
    // An auto-release consumer re-attaching resumes after everything it delivered.
    const c3 = new RingConsumer(sab, 1, { lossy: false });
    put(p, 6);
    expect(take(c3).map((g) => g.seq)).toEqual([6]); // first attach starts at the head
    const c3b = new RingConsumer(sab, 1, { lossy: false });
    put(p, 7);
    expect(take(c3b).map((g) => g.seq)).toEqual([7]);
  });

  it('a new RingProducer resumes at the published cursor; its predecessor\'s claimed slot is never seen', () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p1 = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 5; i++) put(p1, i);
    const off = p1.claim();
    p1.i32[off >> 2] = 999; // written, never published: p1 "crashes" here
    expect(c.available()).toBe(5);
    const p2 = new RingProducer(sab, 2);
    expect(p2.nextSeq).toBe(5);
    expect(take(c)).toEqual([0, 1, 2, 3, 4].map((i) => ({ seq: i, gen: 1, value: i })));
    put(p2, 5);
    expect(take(c)).toEqual([{ seq: 5, gen: 2, value: 5 }]);
    expect(ringStats(sab).producerGen).toBe(2);
  });

  it('a restarted producer respects a gating consumer that is already a full ring behind', () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p1 = new RingProducer(sab, 1);
    for (let i = 0; i < 8; i++) put(p1, i);
    expect(p1.claim()).toBe(-1);
    // p1 dies while blocked; its successor must still see the ring as full.
    const p2 = new RingProducer(sab, 2);
    expect(p2.claim()).toBe(-1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    expect(take(c, 3).map((g) => g.value)).toEqual([0, 1, 2]);
    for (let i = 8; i < 11; i++) expect(put(p2, i)).toBe(true);
    expect(put(p2, 11)).toBe(false);
    const rest = take(c);
    expect(rest.map((g) => g.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(c.droppedCount).toBe(0);
  });

  it('a restarted producer continues the seq of the last published record even if NEXT_SEQ ran ahead', () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p1 = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 5; i++) put(p1, i);
    // Simulate p1 dying inside publish() after it stored NEXT_SEQ but before it stored the cursor.
    const f64 = new Float64Array(sab, 0, 16);
    f64[W.NEXT_SEQ_F64] = 6;
    const p2 = new RingProducer(sab, 2);
    expect(p2.nextSeq).toBe(5);
    put(p2, 5);
    expect(take(c).map((g) => g.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('ringStats', () => {
  it('reports published, producer gen, capacity and each registered consumer', () => {
    const sab = ring(16, 'block', 4);
    registerConsumer(sab, 0, false);
    registerConsumer(sab, 2, true);
    const p = new RingProducer(sab, 4);
    const c0 = new RingConsumer(sab, 0, { lossy: false });
    for (let i = 0; i < 10; i++) put(p, i);
    take(c0, 6);
    const s = ringStats(sab);
    expect(s).toMatchObject({ published: 10, producerGen: 4, capacity: 16 });
    expect(s.consumers.map((x) => x.index)).toEqual([0, 2]); // slots 1 and 3 were never used
    expect(s.consumers[0]).toEqual({ index: 0, attached: true, lossy: false, lag: 4, dropped: 0, received: 6 });
    expect(s.consumers[1]).toEqual({ index: 2, attached: true, lossy: true, lag: 10, dropped: 0, received: 0 });
    c0.detach();
    expect(ringStats(sab).consumers[0]).toMatchObject({ attached: false, lag: 4 });
  });
});

describe('waiting', () => {
  it('waitForData() resolves on publish, long before its timeout', async () => {
    const sab = ring(8);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    setTimeout(() => put(p, 1), 20);
    const t0 = performance.now();
    await c.waitForData(5_000);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(c.available()).toBe(1);
    await c.waitForData(5_000); // data already there: immediate
    const h = new Int32Array(sab, 0, 64);
    expect(Atomics.load(h, W.WAITERS)).toBe(0);
  });
});

describe('burst wakes (hold / unhold)', () => {
  it('a parked consumer sees the records of a burst at once but is woken once, at the outermost unhold', async () => {
    const sab = ring(16);
    registerConsumer(sab, 0, false);
    const p = new RingProducer(sab, 1);
    const c = new RingConsumer(sab, 0, { lossy: false });
    let woken = false;
    const parked = c.waitForData(60_000).then(() => {
      woken = true;
    });
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    p.hold();
    p.hold();
    expect(put(p, 1) && put(p, 2)).toBe(true);
    // the records are there for anyone awake to read, without any wake having been paid
    expect(c.available()).toBe(2);
    await settle();
    expect(woken).toBe(false);
    p.unhold(); // inner: still a burst
    await settle();
    expect(woken).toBe(false);
    p.unhold(); // outermost: the owed wake
    await parked;
    expect(woken).toBe(true);
    expect(take(c).map((g) => g.value)).toEqual([1, 2]);
    // outside a burst every publish wakes a parked consumer, as before
    const again = c.waitForData(60_000);
    expect(put(p, 3)).toBe(true);
    await again;
    // an unbalanced unhold is harmless
    expect(() => p.unhold()).not.toThrow();
  });
});
