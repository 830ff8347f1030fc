import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createSyntheticFeed } from '../../../src/domain/feed/synthetic.js';
import { tickProblem } from './tick-invariants.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

describe('synthetic feed properties', () => {
  it('every tick is well-formed for any seed, volatility, tick size and price level', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.constantFrom(1, 5, 10, 50),
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.boolean(),
        (feedSeed, vol, tickSize, start, tradable) => {
          const feed = createSyntheticFeed({
            instruments: [{ token: 1001, tickSize, tradable }, { token: 256265 }],
            seed: feedSeed,
            volatilityBps: vol,
            referencePrices: new Map([[1001, start]]),
          });
          for (let i = 0; i < 150; i++) {
            const t = feed.next(1_718_163_900_000 + i * 37_000);
            const problem = tickProblem(t, t.token === 1001 ? tickSize : 5);
            if (problem !== undefined) throw new Error(`tick ${i}: ${problem}`);
          }
        },
      ),
      { seed, numRuns: 60 },
    );
  });

  it('same seed and time sequence give identical ticks', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.integer({ min: 1, max: 3_600_000 }), { minLength: 1, maxLength: 60 }), (s, gaps) => {
        const a = createSyntheticFeed({ instruments: [{ token: 408065 }, { token: 81153 }], seed: s, pick: 'random' });
        const b = createSyntheticFeed({ instruments: [{ token: 408065 }, { token: 81153 }], seed: s, pick: 'random' });
        let t = 1_718_163_900_000;
        for (const g of gaps) {
          t += g;
          if (JSON.stringify(a.next(t)) !== JSON.stringify(b.next(t))) return false;
        }
        return true;
      }),
      { seed, numRuns: 60 },
    );
  });
});
