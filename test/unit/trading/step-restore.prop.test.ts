// The behaviour contract the checkpoint protocol rests on, checked on the real trading step: a run
// that takes checkpoints at random ticks and crashes at random points (losing everything after its
// last completed checkpoint, which it restores from the snapshot as stored bytes) releases exactly
// the effects of an uninterrupted run — same verdicts, same order events, same fills, in the same
// order, nothing lost and nothing twice — with binding position and daily-loss limits. Released =
// emitted before a completed checkpoint (what the fused core publishes), as in src/runtime/checkpoint.ts.
import fc from 'fast-check';
import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { parseStrategies, type StrategyConfig } from '../../../src/domain/strategy/index.js';
import { DEFAULT_RISK_LIMITS } from '../../../src/domain/risk/index.js';
import type { Tick } from '../../../src/domain/types.js';
import type { StepOut } from '../../../src/protocol/trading.js';
import { tradingStepBehaviour, type StepConfig, type StepSnapshot } from '../../../src/services/trading/index.js';
import { DEFAULT_DOC, synthetic } from '../backtest/fixtures.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const parsed = parseStrategies(DEFAULT_DOC.strategies);
if (!parsed.ok) throw new Error('default strategies');
const STRATEGIES: readonly StrategyConfig[] = parsed.value.map((p) => p.config).filter((c) => c.broker === 'paper');

const config = (maxPosition: number, dailyLossLimit: number): StepConfig => ({
  broker: 'paper',
  strategy: { strategies: STRATEGIES, calendar: { market24x7: true } },
  risk: { limits: { ...DEFAULT_RISK_LIMITS, maxPosition, maxDailyTrades: 100_000, dailyLossLimit } },
  venue: { adapter: { paper: {} }, calendar: { market24x7: true }, endOfDay: true, tickSizes: new Map() },
});

/** What the outside would see of one output (ids, quantities, prices, reasons: no object identity). */
function visible(o: StepOut): string {
  switch (o.kind) {
    case 'signal':
      return `signal ${o.signal.strategyId} ${o.signal.token} ${o.signal.side} ${o.signal.quantity} ${o.signal.ts} ${o.signal.tickSeq}`;
    case 'verdict':
      return `verdict ${o.signal.strategyId} ${o.verdict.outcome} ${o.verdict.outcome === 'rejected' ? o.verdict.reasons.map((r) => r.rule).join(',') : o.verdict.validatedQty}`;
    case 'venue-events':
      return `venue ${o.cause} ${o.events.map((e) => (e.type === 'fill' ? `fill ${e.fill.tradeId} ${e.fill.quantity}@${e.fill.price} fees ${e.fill.fees}` : 'order' in e ? `${e.type} ${e.order.orderId} ${e.order.status}` : e.type)).join('; ')}`;
    case 'venue-refused':
      return `refused ${o.cause} ${o.error.code}`;
    default:
      return `${o.kind}`;
  }
}

function run(ticks: readonly Tick[], cfg: StepConfig, from: number, to: number, state: ReturnType<typeof tradingStepBehaviour.init>, out: string[]): void {
  for (let i = from; i < to; i++) {
    const t = ticks[i]!;
    tradingStepBehaviour.handle(state, { kind: 'tick', tick: t, seq: i, ts: t.exchangeTs, feedSeq: i }, (o) => out.push(visible(o)));
  }
}

describe('trading step: checkpoint, crash, restore', () => {
  it('releases exactly the effects of an uninterrupted run, whatever the checkpoint and crash points', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6 }),
        fc.integer({ min: 300, max: 1200 }),
        fc.integer({ min: 5, max: 60 }),
        fc.integer({ min: 50_000, max: 5_000_000 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 6 }),
        (feedSeed, n, maxPosition, dailyLossLimit, cuts) => {
          const ticks = synthetic(feedSeed, n);
          const cfg = config(maxPosition, dailyLossLimit);
          const reference: string[] = [];
          run(ticks, cfg, 0, n, tradingStepBehaviour.init(cfg, undefined), reference);

          // Incarnations: each runs from the last checkpoint, checkpoints once (at `cp`), then
          // crashes (at `crash` > cp): what it emitted after its checkpoint is lost, never released
          const released: string[] = [];
          let snapshot: Buffer | undefined;
          let position = 0;
          for (const [a, b] of cuts) {
            if (position >= n) break;
            const cp = position + Math.floor(a * (n - position));
            const crash = cp + Math.floor(b * (n - cp));
            const state = tradingStepBehaviour.init(cfg, snapshot === undefined ? undefined : (unpack(snapshot) as StepSnapshot));
            const pending: string[] = [];
            run(ticks, cfg, position, cp, state, pending);
            // The checkpoint: state as stored bytes; its outputs are released once it completes
            snapshot = pack(tradingStepBehaviour.snapshot(state));
            released.push(...pending);
            position = cp;
            run(ticks, cfg, cp, crash, state, []); // lost with the crash
          }
          // The last incarnation restores and runs to the end without crashing
          const last = tradingStepBehaviour.init(cfg, snapshot === undefined ? undefined : (unpack(snapshot) as StepSnapshot));
          run(ticks, cfg, position, n, last, released);

          expect(released).toEqual(reference);
        },
      ),
      { seed, numRuns: 25 },
    );
  });

  it('binds the fill-dependent limits on some inputs (the property is not vacuous)', () => {
    const ticks = synthetic('binding', 1500);
    const out: string[] = [];
    run(ticks, config(10, 50_000), 0, ticks.length, tradingStepBehaviour.init(config(10, 50_000), undefined), out);
    expect(out.filter((l) => l.includes('fill ')).length).toBeGreaterThan(5);
    expect(out.some((l) => l.includes('rejected') && l.includes('MaxPositionSize'))).toBe(true);
  });
});
