// One producer worker → two consumer workers over a small block-policy tick ring: ≥ 2 M records,
// every consumer sees every seq exactly once, in order, untorn (content checked per record).
import { afterEach, describe, expect, it } from 'vitest';
import { createRing, registerConsumer, ringStats } from '../../src/transport/ring.js';
import { createDoorbellBoard } from '../../src/transport/ring-layout.js';
import { TICK_SLOT_BYTES } from '../../src/protocol/tick-record.js';
import { TestWorker, terminateAll } from '../fixtures/ring-harness.js';
import type { ConsumerReport } from '../fixtures/ring-common.js';

const workers: TestWorker[] = [];
afterEach(() => terminateAll(workers.splice(0)));

const N = 2_000_000;

describe('ring across threads: 1 producer → 2 consumers, block policy', () => {
  it(`delivers ${N} tick records to each consumer with no loss, duplicate, reorder or tear`, async () => {
    const sab = createRing({ capacity: 1024, slotBytes: TICK_SLOT_BYTES, policy: 'block', maxConsumers: 2 });
    const board = createDoorbellBoard(4).buffer as SharedArrayBuffer;
    registerConsumer(sab, 0, false);
    registerConsumer(sab, 1, false);
    const consumers = [0, 1].map((index) => {
      const w = new TestWorker('ring-consumer', {
        sab, board, index, doorbell: index + 1, lossy: false, mode: 'pump', probe: new SharedArrayBuffer(16),
      });
      workers.push(w);
      return w;
    });
    await Promise.all(consumers.map((c) => c.next('ready')));
    const producer = new TestWorker('ring-producer', { sab, board, gen: 1, count: N, rate: null, progress: new SharedArrayBuffer(16) });
    workers.push(producer);
    const done = await producer.next<{ type: 'done'; published: number; elapsedMs: number }>('done', 25_000);
    expect(done.published).toBe(N);
    for (const c of consumers) c.post({ type: 'finish' });
    const reports = await Promise.all(consumers.map((c) => c.next<ConsumerReport & { type: 'report' }>('report')));
    for (const r of reports) {
      expect(r).toMatchObject({ received: N, dropped: 0, gaps: 0, nonIncreasing: 0, torn: 0, decodeErrors: 0, firstSeq: 0, lastSeq: N - 1 });
      expect(r.gens).toEqual([[1, 0]]);
    }
    const stats = ringStats(sab);
    expect(stats.published).toBe(N);
    expect(stats.consumers.map((c) => [c.lag, c.dropped, c.received])).toEqual([
      [0, 0, N],
      [0, 0, N],
    ]);
    console.log(`spmc: ${N} records in ${done.elapsedMs.toFixed(0)} ms (${((N / done.elapsedMs) * 1e3 / 1e6).toFixed(2)} M/s to 2 consumers)`);
  });
});
