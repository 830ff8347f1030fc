// Property: the risk book's positions and daily net realized PnL agree with the portfolio fold of
// the same fills (one broker, one IST day), duplicates included.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { brokerTotals, foldFills, positionView } from '../../../src/domain/portfolio/index.js';
import { createRiskState, istDay, onFill, positionOf } from '../../../src/domain/risk/index.js';
import type { Fill } from '../../../src/domain/types.js';
import { T0 } from './helpers.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const rawArb = fc.array(
  fc.record({
    strategyId: fc.constantFrom('a', 'b'),
    token: fc.constantFrom(1, 2, 3),
    side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
    quantity: fc.integer({ min: 1, max: 300 }),
    price: fc.integer({ min: 1, max: 200_000 }),
    fees: fc.integer({ min: 0, max: 500 }),
    dup: fc.boolean(),
  }),
  { minLength: 1, maxLength: 150 },
);

describe('risk book vs portfolio', () => {
  it('agree on positions and on the day’s net realized PnL', () => {
    fc.assert(
      fc.property(rawArb, (raw) => {
        const fills: Fill[] = raw.map(({ dup: _d, ...r }, i) => ({
          ...r, broker: 'paper', tradeId: `T${i}`, orderId: `O${i}`, ts: T0 + i, fillSeq: i + 1,
        }));
        const risk = createRiskState('paper');
        raw.forEach((r, i) => {
          const f = fills[i] as Fill;
          expect(onFill(risk, f).ok).toBe(true);
          if (r.dup) expect(onFill(risk, f).ok).toBe(false);
        });
        const pf = foldFills(fills);
        for (const f of fills) {
          const v = positionView(pf, 'paper', f.strategyId, f.token);
          expect(positionOf(risk, f.strategyId, f.token)).toEqual({ qty: v?.qty, costBasis: v?.costBasis });
        }
        expect(risk.dailyPnl).toEqual({ day: istDay(T0), netRealized: brokerTotals(pf, 'paper').netRealizedPnl });
      }),
      { seed, numRuns: 100 },
    );
  });
});
