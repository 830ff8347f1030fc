// Portfolio manager with real workers and a temp LMDB: the fill log is folded exactly once (notified
// or not), state survives crashes at any point without double-applying, and throttled PnL snapshots,
// the latest-snapshot read model and the equity curve are written as specified. Every enabled paper
// strategy of the strategies file has its (empty) book from the start, so the expected state is
// the fold of the log plus those books.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/system.js';
import { call, fill, logFills, prSystem } from '../support/pr-tree.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { EquityPoint, EquitySummary, PnlSnapshotPayload } from '../../src/protocol/portfolio.js';
import { exportState, foldFills, brokerTotals, type PortfolioStateJson, type PositionView } from '../../src/domain/portfolio/index.js';
import { randInt, seededRng } from '../../src/domain/rng.js';
import type { Fill } from '../../src/domain/types.js';
import { K } from '../../src/store/keyspace.js';
import { withConfiguredBooks } from '../support/configured-books.js';

let system: ActorSystem | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
  cleanup?.();
  cleanup = undefined;
});

const START = 100_000_000; // ₹1,000,000 default paper cash, in paise
const TOKENS = [738561, 256265, 408065];

/** Random fills (both sides, fees, two strategies) with fillSeq from..from+n-1; prints the seed. */
function randomFills(from: number, n: number, seed: string): Fill[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, i) =>
    fill(from + i, {
      strategyId: rng.next() < 0.5 ? 's1' : 's2',
      token: TOKENS[randInt(rng, 0, TOKENS.length - 1)]!,
      side: rng.next() < 0.55 ? 'BUY' : 'SELL',
      quantity: randInt(rng, 1, 40),
      price: randInt(rng, 9_000, 11_000),
      fees: randInt(rng, 0, 50),
    }),
  );
}

const state = async (s: ActorSystem): Promise<PortfolioStateJson> => (await call(s, 'portfolio-manager', 'debug-state', { broker: 'paper' })) as PortfolioStateJson;
const expected = (fills: readonly Fill[]): PortfolioStateJson => exportState(withConfiguredBooks(foldFills(fills, { startingCash: START })));

async function settle(s: ActorSystem, fills: readonly Fill[], what: string): Promise<void> {
  const want = expected(fills);
  await eventually(async () => JSON.stringify(await state(s).catch(() => null)) === JSON.stringify(want), 15_000, what);
}

describe('portfolio manager', () => {
  it('folds the fill log exactly (positions = foldFills(log)) and answers the control commands', async () => {
    const seed = String(Number(process.env.SEED ?? Date.now() % 2 ** 31));
    console.log('seed', seed);
    ({ system, cleanup } = prSystem('portfolio'));
    await system.start();
    const fills = randomFills(1, 60, seed);
    // a tradeId re-logged under a new fillSeq must be skipped, exactly as foldFills does
    fills.push({ ...fills[10]!, fillSeq: 61 });
    await logFills(system, fills.slice(0, 30));
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await settle(system, fills.slice(0, 30), 'first 30 fills');
    await logFills(system, fills.slice(30));
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await settle(system, fills, 'all fills');

    const folded = withConfiguredBooks(foldFills(fills, { startingCash: START }));
    const positions = (await call(system, 'portfolio-manager', 'positions', { broker: 'paper', strategyId: 's2' })) as PositionView[];
    expect(positions.length).toBeGreaterThan(0);
    expect(positions.every((p) => p.strategyId === 's2')).toBe(true);
    expect(positions.reduce((n, p) => n + p.fillCount, 0)).toBe(fills.slice(0, 60).filter((f) => f.strategyId === 's2').length);
    const t = brokerTotals(folded, 'paper');
    expect(await call(system, 'portfolio-manager', 'equity')).toEqual({ equity: t.equity, netPnl: t.netPnl, divisor: 100 } satisfies EquitySummary);
    // the persisted state is the same fold (the commit after the notification)
    await eventually(() => JSON.stringify(system!.store!.get(K.portfolioState('paper'))) === JSON.stringify(expected(fills)), 5000, 'persisted');
    await expect(call(system, 'portfolio-manager', 'portfolio', { broker: 'zerodha' })).rejects.toThrow(/ERR_COMMAND_INVALID|rejected/);
  });

  it('resumes after crashes without double-applying, and catches up fills that were never notified', async () => {
    // no snapshot timer: its safety-net catch-up would hide a missing catch-up at start
    ({ system, cleanup } = prSystem('portfolio', { portfolio: { snapshotIntervalMs: 0 } }));
    await system.start();
    const fills = randomFills(1, 90, 'restart');
    await logFills(system, fills.slice(0, 30));
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await settle(system, fills.slice(0, 30), '30 fills');

    // logged while the manager dies, never notified: the next incarnation finds them in the log
    const pm = system.actor('portfolio-manager')!;
    await logFills(system, fills.slice(30, 60));
    await call(system, 'portfolio-manager', 'debug-crash', { at: 'now' });
    await eventually(() => pm.status().restarts >= 1 && pm.status().state === 'running', 15_000, 'restart 1');
    await settle(system, fills.slice(0, 60), '60 fills after restart');

    // dies right after committing the next batch: the restart must not apply it again
    await call(system, 'portfolio-manager', 'debug-crash', { at: 'after-commit' });
    await logFills(system, fills.slice(60));
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await eventually(() => pm.status().restarts >= 2 && pm.status().state === 'running', 15_000, 'restart 2');
    await settle(system, fills, '90 fills after restart 2');
    const st = await state(system);
    const fillCount = st.brokers.flatMap((b) => b.strategies.flatMap((s) => s.positions)).reduce((n, p) => n + p.fillCount, 0);
    expect(fillCount).toBe(90);
  });

  it('publishes throttled per-strategy snapshots, stores the latest one and an equity curve pruned to 7 days', async () => {
    ({ system, cleanup } = prSystem('portfolio', { portfolio: { snapshotIntervalMs: 100 } }));
    await system.start();
    const now = Date.now();
    const old = now - 8 * 24 * 3600 * 1000;
    await system.store!.put(K.equityPoint('paper', old), { broker: 'paper', ts: old, equity: 1, cash: 1, netPnl: 0, realizedPnl: 0, unrealizedPnl: 0, fees: 0, divisor: 100 } satisfies EquityPoint);
    await logFills(system, [fill(1, { strategyId: 's1', side: 'BUY', quantity: 10, price: 10_000, fees: 7 })]);
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await call(system, 'driver', 'tick', { token: 738561, ltp: 10_250 });
    const snaps = async (): Promise<Envelope<PnlSnapshotPayload>[]> => (await call(system!, 'driver', 'received', { topic: 'paper.pnl.snapshots' })) as Envelope<PnlSnapshotPayload>[];
    // the tick may land before or after the first interval: wait for the marked numbers
    await eventually(async () => (await snaps()).some((e) => e.data.unrealizedPnl === 2_500), 10_000, 'marked snapshot');
    const marked = (await snaps()).find((e) => e.data.unrealizedPnl === 2_500)!;
    expect(marked.type).toBe('pnl_snapshot');
    expect(marked.key).toBe('portfolio_snapshot_paper:s1');
    expect(marked.data).toMatchObject({ broker: 'paper', strategyId: 's1', realizedPnl: 0, totalPnl: 2_500 - 7, currencyDivisor: 100 });
    expect(marked.data.totals.equity).toBe(START - 100_000 - 7 + 102_500);

    // another strategy changes; s1 does not, so it is not published again
    const s1Before = (await snaps()).filter((e) => e.data.strategyId === 's1').length;
    await logFills(system, [fill(2, { strategyId: 's2', side: 'BUY', quantity: 1, price: 5_000 })]);
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await eventually(async () => (await snaps()).some((e) => e.data.strategyId === 's2'), 10_000, 's2 snapshot');
    expect((await snaps()).filter((e) => e.data.strategyId === 's1').length).toBe(s1Before);

    const db = system.store!;
    await eventually(() => (db.get(K.pnlLatest('paper', 's2')) as { strategyId?: string } | undefined)?.strategyId === 's2', 5000, 'latest s2');
    expect((db.get(K.pnlLatest('paper', 's1')) as { totals: { unrealizedPnl: number } }).totals.unrealizedPnl).toBe(2_500);
    const points = [...db.getRange(K.equityRange('paper', 0, Number.MAX_SAFE_INTEGER))].map((e) => e.value as EquityPoint);
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((p) => p.ts >= now - 7 * 24 * 3600 * 1000)).toBe(true);
    expect(points.at(-1)!.equity).toBe(brokerTotals(foldFillsMarked(), 'paper').equity);
  });
});

function foldFillsMarked() {
  const s = foldFills([fill(1, { strategyId: 's1', side: 'BUY', quantity: 10, price: 10_000, fees: 7 }), fill(2, { strategyId: 's2', side: 'BUY', quantity: 1, price: 5_000 })], { startingCash: START });
  s.lastPrices.set(738561, 10_250);
  return withConfiguredBooks(s);
}
