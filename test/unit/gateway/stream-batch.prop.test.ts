// The gateway's per-read batching (src/gateway/stream-batch.ts): the frames of one socket read
// reach the fan-out as one batch that holds exactly what they held, in order, with drops summed,
// and the next read starts a new batch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeBatches, perTurn, type StreamBatch } from '../../../src/gateway/stream-batch.js';
import type { Tick } from '../../../src/domain/types.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const TOPICS = ['market.ticks', 'trading.fills', 'portfolio.pnl'] as const;
const tick = (token: number, volume: number): Tick => ({ token, volume }) as unknown as Tick;
const batch = fc.record({
  ticks: fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat()), { maxLength: 6 }).map((xs) => xs.map(([t, v]) => tick(t, v))),
  events: fc.array(fc.record({ topic: fc.constantFrom(...TOPICS), seq: fc.nat(), msg: fc.jsonValue() }), { maxLength: 4 }),
  dropped: fc.dictionary(fc.constantFrom(...TOPICS), fc.integer({ min: 1, max: 1000 })),
}) as fc.Arbitrary<StreamBatch>;

/** The independent reading: what a client of each stream must receive from these batches. */
function expected(bs: readonly StreamBatch[]): { ticks: Tick[]; events: unknown[]; dropped: Record<string, number> } {
  const out = { ticks: [] as Tick[], events: [] as unknown[], dropped: {} as Record<string, number> };
  for (const b of bs) {
    for (const t of b.ticks) out.ticks.push(t);
    for (const e of b.events) out.events.push(e);
    for (const t of TOPICS) if (b.dropped[t] !== undefined) out.dropped[t] = (out.dropped[t] ?? 0) + b.dropped[t];
  }
  return out;
}

describe('stream batches', () => {
  it('merging keeps every tick and event in order and sums the drops per topic (property)', () => {
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 8 }), (bs) => {
        const m = mergeBatches(bs);
        const e = expected(bs);
        expect(m.ticks).toEqual(e.ticks);
        expect(m.events).toEqual(e.events);
        expect({ ...m.dropped }).toEqual(e.dropped);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('perTurn hands on the batches of one turn as one, after the turn, and each later turn on its own', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(batch, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), async (turns) => {
        const got: StreamBatch[] = [];
        const deliver = perTurn((b) => got.push(b));
        for (const [i, turn] of turns.entries()) {
          for (const b of turn) deliver(b);
          expect(got.length).toBe(i); // nothing goes out inside the turn
          await Promise.resolve(); // the turn ends: its microtasks run
        }
        expect(got).toHaveLength(turns.length);
        got.forEach((g, i) => {
          const e = expected(turns[i]!);
          expect(g.ticks).toEqual(e.ticks);
          expect(g.events).toEqual(e.events);
          expect({ ...g.dropped }).toEqual(e.dropped);
        });
      }),
      { seed, numRuns: 100 },
    );
  });
});
