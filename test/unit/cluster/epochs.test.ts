// Exact stream resume (src/cluster/epochs.ts): ring seq ↔ stream sequence within a run's segments,
// and where a restarted bridge resumes a stream (fast-check; the seed is printed on failure).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resumeAt, ringSeqOf, streamSeqAt, type Epoch, type Segment } from '../../../src/cluster/epochs.js';
import type { ConsumerPosition } from '../../../src/store/lmdb.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

// ring 0..9 ← stream 100..109; ring 10..14 ← stream 150..154 (gap 110..149); ring 15.. ← stream 155..
const EPOCH: Epoch = [
  { ring: 0, stream: 100 },
  { ring: 10, stream: 150 },
  { ring: 15, stream: 155 },
];

describe('streamSeqAt', () => {
  it('maps a ring seq through the segment it falls in', () => {
    expect(streamSeqAt(EPOCH, 0)).toBe(100);
    expect(streamSeqAt(EPOCH, 9)).toBe(109);
    expect(streamSeqAt(EPOCH, 10)).toBe(150);
    expect(streamSeqAt(EPOCH, 14)).toBe(154);
    expect(streamSeqAt(EPOCH, 15)).toBe(155);
    expect(streamSeqAt(EPOCH, 1000)).toBe(1140);
  });

  it('is undefined before the first segment or with no segment', () => {
    expect(streamSeqAt([{ ring: 5, stream: 1 }], 4)).toBeUndefined();
    expect(streamSeqAt([{ ring: 5, stream: 1 }], 5)).toBe(1);
    expect(streamSeqAt([], 0)).toBeUndefined();
  });
});

describe('ringSeqOf', () => {
  it('maps a stream sequence back to its ring seq', () => {
    expect(ringSeqOf(EPOCH, 100)).toBe(0);
    expect(ringSeqOf(EPOCH, 109)).toBe(9);
    expect(ringSeqOf(EPOCH, 150)).toBe(10);
    expect(ringSeqOf(EPOCH, 154)).toBe(14);
    expect(ringSeqOf(EPOCH, 155)).toBe(15);
    expect(ringSeqOf(EPOCH, 2000)).toBe(1860);
  });

  it('is undefined in a gap, before the run, and with no segment', () => {
    expect(ringSeqOf(EPOCH, 110)).toBeUndefined();
    expect(ringSeqOf(EPOCH, 149)).toBeUndefined();
    expect(ringSeqOf(EPOCH, 99)).toBeUndefined();
    expect(ringSeqOf([], 1)).toBeUndefined();
  });

  it('adjacent segments without a gap map every sequence', () => {
    const e: Epoch = [
      { ring: 3, stream: 10 },
      { ring: 5, stream: 12 },
    ];
    expect([10, 11, 12, 13].map((s) => ringSeqOf(e, s))).toEqual([3, 4, 5, 6]);
  });
});

/** Segments with strictly increasing ring starts and stream starts at least a segment's length apart. */
const epochArb: fc.Arbitrary<Segment[]> = fc
  .record({
    ring0: fc.nat({ max: 1000 }),
    stream0: fc.integer({ min: 1, max: 1000 }),
    steps: fc.array(fc.record({ len: fc.integer({ min: 1, max: 50 }), gap: fc.nat({ max: 50 }) }), { maxLength: 6 }),
  })
  .map(({ ring0, stream0, steps }) => {
    const segs: Segment[] = [{ ring: ring0, stream: stream0 }];
    for (const { len, gap } of steps) {
      const prev = segs[segs.length - 1]!;
      segs.push({ ring: prev.ring + len, stream: prev.stream + len + gap });
    }
    return segs;
  });

describe('epoch mapping (property)', () => {
  it('ringSeqOf inverts streamSeqAt from the first ring start on', () => {
    fc.assert(
      fc.property(epochArb, fc.nat({ max: 400 }), (epoch, off) => {
        const last = epoch[epoch.length - 1]!;
        // every ring seq of every segment, plus some beyond the last start
        const wrong: number[] = [];
        for (let r = epoch[0]!.ring; r <= last.ring + 3; r++) {
          const s = streamSeqAt(epoch, r);
          if (s === undefined || ringSeqOf(epoch, s) !== r) wrong.push(r);
        }
        expect(wrong).toEqual([]);
        const r = epoch[0]!.ring + off;
        expect(ringSeqOf(epoch, streamSeqAt(epoch, r)!)).toBe(r);
        if (epoch[0]!.ring > 0) expect(streamSeqAt(epoch, epoch[0]!.ring - 1)).toBeUndefined();
      }),
      { seed, numRuns: 300 },
    );
  });

  it('a stream sequence is mapped iff it is held by the run (gaps and the time before it are not)', () => {
    fc.assert(
      fc.property(epochArb, (epoch) => {
        const held = new Map<number, number>();
        const last = epoch[epoch.length - 1]!;
        for (let r = epoch[0]!.ring; r <= last.ring + 5; r++) held.set(streamSeqAt(epoch, r)!, r);
        const wrong: number[] = [];
        for (let s = 0; s <= last.stream + 5; s++) if (ringSeqOf(epoch, s) !== held.get(s)) wrong.push(s);
        expect(wrong).toEqual([]);
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('resumeAt', () => {
  const epochs: Record<string, Epoch> = { r1: EPOCH, r2: [{ ring: 0, stream: 500 }], late: [{ ring: 10, stream: 7 }] };
  const epochOf = (run: string): Epoch | undefined => epochs[run];
  const pos = (epoch: string, seq: number): ConsumerPosition => ({ epoch, seq });

  it('no durable subscriber: only what is published from now on', () => {
    expect(resumeAt([], epochOf)).toEqual({ kind: 'new' });
  });

  it('right after the oldest handled stream sequence', () => {
    expect(resumeAt([pos('r1', 12)], epochOf)).toEqual({ kind: 'at', seq: 153 });
    expect(resumeAt([pos('r2', 3), pos('r1', 12)], epochOf)).toEqual({ kind: 'at', seq: 153 });
    expect(resumeAt([pos('r1', 0), pos('r1', 12)], epochOf)).toEqual({ kind: 'at', seq: 101 });
  });

  it('everything when a subscriber has no position, or one in a run whose epoch is unknown or that it predates', () => {
    expect(resumeAt([pos('r1', 12), undefined], epochOf)).toEqual({ kind: 'all' });
    expect(resumeAt([undefined, pos('r1', 12)], epochOf)).toEqual({ kind: 'all' });
    expect(resumeAt([pos('single-process', 3), pos('r1', 12)], epochOf)).toEqual({ kind: 'all' });
    expect(resumeAt([pos('late', 9)], epochOf)).toEqual({ kind: 'all' });
    expect(resumeAt([pos('late', 10)], epochOf)).toEqual({ kind: 'at', seq: 8 });
  });

  it('matches the min over positions + 1, or "all" (property)', () => {
    const runs = ['a', 'b', 'c', 'unknown'];
    fc.assert(
      fc.property(
        fc.tuple(epochArb, epochArb, epochArb),
        fc.array(fc.option(fc.record({ run: fc.constantFrom(...runs), off: fc.integer({ min: -3, max: 300 }) }), { nil: undefined }), { maxLength: 6 }),
        (eps, raw) => {
          const table = new Map<string, Epoch>([
            ['a', eps[0]],
            ['b', eps[1]],
            ['c', eps[2]],
          ]);
          const positions = raw.map((p) => (p === undefined ? undefined : pos(p.run, (table.get(p.run)?.[0]?.ring ?? 0) + p.off)));
          const got = resumeAt(positions, (run) => table.get(run));
          const mapped = positions.map((p) => (p === undefined || !table.has(p.epoch) ? undefined : streamSeqAt(table.get(p.epoch)!, p.seq)));
          const want =
            positions.length === 0 ? { kind: 'new' } : mapped.some((m) => m === undefined) ? { kind: 'all' } : { kind: 'at', seq: Math.min(...(mapped as number[])) + 1 };
          expect(got).toEqual(want);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
