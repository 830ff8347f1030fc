// Consumer restart on the same consumer index (block policy). The consumer commits (releases)
// every 1000 records; it is terminated mid-stream and a new one attaches to its slot: it resumes
// exactly at the released cursor, so it sees precisely the read-but-unreleased records again and
// nothing earlier, and nothing is lost while it was down (the dead consumer kept gating).
import { afterEach, describe, expect, it } from 'vitest';
import { createRing, registerConsumer, ringStats } from '../../src/transport/ring.js';
import { C, consumerLineWord, createDoorbellBoard, W } from '../../src/transport/ring-layout.js';
import { TICK_SLOT_BYTES } from '../../src/protocol/tick-record.js';
import { seededRng, randInt } from '../../src/domain/rng.js';
import { TestWorker, terminateAll, until } from '../fixtures/ring-harness.js';
import type { ConsumerReport } from '../fixtures/ring-common.js';

type Report = ConsumerReport & { type: 'report' };
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const workers: TestWorker[] = [];
afterEach(() => terminateAll(workers.splice(0)));

const TOTAL = 600_000;
const RELEASE_EVERY = 1000;

async function scenario(pauseFirst: boolean): Promise<void> {
  const rng = seededRng(`consumer-restart-${seed}-${pauseFirst}`);
  const sab = createRing({ capacity: 1024, slotBytes: TICK_SLOT_BYTES, policy: 'block', maxConsumers: 2 });
  const board = createDoorbellBoard(4).buffer as SharedArrayBuffer;
  const header = new Int32Array(sab);
  registerConsumer(sab, 0, false);
  registerConsumer(sab, 1, false);
  const probe0 = new Float64Array(new SharedArrayBuffer(16));
  const spawn0 = (): TestWorker => {
    const w = new TestWorker('ring-consumer', {
      sab, board, index: 0, doorbell: 1, lossy: false, mode: 'pump', releaseEvery: RELEASE_EVERY, probe: probe0.buffer,
    });
    workers.push(w);
    return w;
  };
  const c0 = spawn0();
  const c1 = new TestWorker('ring-consumer', { sab, board, index: 1, doorbell: 2, lossy: false, mode: 'pump', probe: new SharedArrayBuffer(16) });
  workers.push(c1);
  await Promise.all([c0.next('ready'), c1.next('ready')]);
  const producer = new TestWorker('ring-producer', { sab, board, gen: 1, count: TOTAL, rate: null, progress: new SharedArrayBuffer(16) });
  workers.push(producer);

  const killAt = randInt(rng, 100_000, 300_000);
  await until(() => probe0[1]! >= killAt, 20_000, `consumer 0 to read ${killAt} records`);
  if (pauseFirst) {
    // Stop it between batches until it holds read-but-unreleased records, then kill it there.
    for (;;) {
      c0.post({ type: 'pause' });
      await c0.next('paused');
      if (probe0[0]! >= Atomics.load(header, consumerLineWord(0) + C.CURSOR)) break;
      c0.post({ type: 'resume' });
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await c0.terminate();
  const released = Atomics.load(header, consumerLineWord(0) + C.CURSOR); // next record to redo
  const lastRead = probe0[0]!;
  expect(released % RELEASE_EVERY).toBe(0);
  expect(lastRead).toBeGreaterThanOrEqual(released - 1);
  if (pauseFirst) expect(lastRead).toBeGreaterThanOrEqual(released);
  // While it is down it keeps gating: the producer stops a ring ahead of its released cursor.
  await until(() => Atomics.load(header, W.PUB_CURSOR) - released === 1024, 5_000, 'producer to block on the dead consumer');
  await new Promise((r) => setTimeout(r, 30));
  expect(Atomics.load(header, W.PUB_CURSOR) - released).toBe(1024);

  const c0b = spawn0();
  const ready = await c0b.next<{ type: 'ready'; cursor: number }>('ready');
  expect(ready.cursor).toBe(released);
  await producer.next('done', 25_000);
  c0b.post({ type: 'finish' });
  c1.post({ type: 'finish' });
  const [r0, r1] = await Promise.all([c0b.next<Report>('report'), c1.next<Report>('report')]);
  console.log(`consumer restart: killed after ${killAt}, released ${released}, last read ${lastRead}, redelivered ${lastRead - released + 1}`);
  // Exactly the unreleased records again (released..lastRead), then the rest; nothing earlier.
  expect(r0).toMatchObject({ firstSeq: released, lastSeq: TOTAL - 1, received: TOTAL - released, gaps: 0, nonIncreasing: 0, torn: 0, dropped: 0 });
  // The other consumer never noticed.
  expect(r1).toMatchObject({ firstSeq: 0, lastSeq: TOTAL - 1, received: TOTAL, gaps: 0, nonIncreasing: 0, torn: 0, dropped: 0 });
  const stats = ringStats(sab);
  // RECEIVED is cumulative over incarnations (the dead one's last batch may not have been stored).
  expect(stats.consumers[0]!.received).toBeGreaterThan(TOTAL - released);
  expect(stats.consumers[0]!.received).toBeLessThanOrEqual(lastRead + 1 + (TOTAL - released));
  expect(stats.consumers[0]!.lag).toBe(TOTAL - Math.floor(TOTAL / RELEASE_EVERY) * RELEASE_EVERY);
  expect(Atomics.load(header, consumerLineWord(0) + C.ATTACHES)).toBe(3); // register + 2 attaches
}

describe('ring across threads: consumer restart', () => {
  it('a manual-release consumer killed mid-stream (seeded point) resumes at its released cursor', () => scenario(false));
  it('a consumer killed holding read-but-unreleased records sees exactly those again, nothing earlier', () => scenario(true));
});
