// Drop policy with a deliberately slow lossy consumer next to a fast one: every consumer accounts
// for every record (received + dropped == published, observed gaps == dropped), never sees a
// duplicate or a torn record (the slow one races rewrites on purpose), and the slow consumer
// neither gates the producer nor slows the fast consumer.
import { afterEach, describe, expect, it } from 'vitest';
import { createRing, registerConsumer, ringStats } from '../../src/transport/ring.js';
import { createDoorbellBoard } from '../../src/transport/ring-layout.js';
import { TICK_SLOT_BYTES } from '../../src/protocol/tick-record.js';
import { TestWorker, terminateAll } from '../fixtures/ring-harness.js';
import type { ConsumerReport } from '../fixtures/ring-common.js';

type Report = ConsumerReport & { type: 'report' };
const workers: TestWorker[] = [];
afterEach(() => terminateAll(workers.splice(0)));

const N = 300_000;
const RATE = 100_000; // records/s
// 8192 slots buffer ~80 ms for the fast consumer (robust to a busy shared box), while the slow one
// (at most ~8 records per ms) is still lapped over and over.
const CAPACITY = 8192;

describe('ring across threads: drop policy, slow lossy consumer', () => {
  it('accounts for every record exactly on both consumers; the slow one slows nobody', async () => {
    const sab = createRing({ capacity: CAPACITY, slotBytes: TICK_SLOT_BYTES, policy: 'drop', maxConsumers: 2 });
    const board = createDoorbellBoard(4).buffer as SharedArrayBuffer;
    registerConsumer(sab, 0, false);
    registerConsumer(sab, 1, true);
    const common = { sab, board, probe: new SharedArrayBuffer(16) };
    const fast = new TestWorker('ring-consumer', { ...common, index: 0, doorbell: 1, lossy: false, mode: 'pump' });
    const slow = new TestWorker('ring-consumer', { ...common, index: 1, doorbell: 2, lossy: true, mode: 'slow', slowSpinUs: 20, slowBatch: 8 });
    workers.push(fast, slow);
    await Promise.all([fast.next('ready'), slow.next('ready')]);
    const producer = new TestWorker('ring-producer', { sab, board, gen: 1, count: N, rate: RATE, progress: new SharedArrayBuffer(16) });
    workers.push(producer);
    const done = await producer.next<{ type: 'done'; published: number; elapsedMs: number; blocked: number }>('done', 25_000);
    fast.post({ type: 'finish' });
    slow.post({ type: 'finish' });
    const [f, s] = await Promise.all([fast.next<Report>('report'), slow.next<Report>('report')]);
    console.log(`lossy: producer ${done.elapsedMs.toFixed(0)} ms; fast received ${f.received} dropped ${f.dropped}; slow received ${s.received} dropped ${s.dropped} (seqlock discards ${s.seqlockDiscards})`);

    for (const r of [f, s]) {
      // Exact accounting and integrity, whatever the scheduling was.
      expect(r.received + r.dropped).toBe(N);
      expect(r.gaps + r.firstSeq).toBe(r.dropped); // records skipped before the first delivery count too
      expect(r.lastSeq).toBe(N - 1);
      expect(r.nonIncreasing).toBe(0);
      expect(r.torn).toBe(0);
      expect(r.decodeErrors).toBe(0);
    }
    const stats = ringStats(sab);
    expect(stats.consumers.map((c) => c.dropped)).toEqual([f.dropped, s.dropped]);
    expect(stats.consumers.map((c) => c.received)).toEqual([f.received, s.received]);
    // The slow consumer really was lapped (it takes at most ~8 records per ms), yet got records.
    expect(s.dropped).toBeGreaterThan(N / 2);
    expect(s.received).toBeGreaterThan(1000);
    // ...and its split copies really raced rewrites: the seqlock discarded some (none got through).
    expect(s.seqlockDiscards).toBeGreaterThan(0);
    // The producer was never gated by it (not one failed claim) and kept its schedule.
    expect(done.blocked).toBe(0);
    const nominalMs = (N / RATE) * 1000;
    expect(done.elapsedMs).toBeLessThan(nominalMs * 1.5);
    // The fast consumer followed the producer to the end and got far more than the slow one. It
    // may still drop some when the shared 2-core box starves it for > 80 ms (CPU contention, which
    // the slow consumer's sleeping cannot cause), so the bounds are relative and loose; the exact
    // accounting checks above hold regardless.
    expect(f.elapsedMs).toBeLessThan(nominalMs * 1.5);
    expect(f.received).toBeGreaterThan(s.received * 3);
    // (under two full test suites at once the fast one was starved into 86 k drops against the
    // slow one's 285 k: only "fewer" is a property, a ratio is the box's load)
    expect(f.dropped).toBeLessThan(s.dropped);
  });
});
