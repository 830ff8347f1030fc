// The REAL pipeline tree end to end (actors/tree.ts through actors/system-factory.ts, real config
// loader, real workers and LMDB): ticks become signals, verdicts, orders, fills and PnL snapshots;
// orders carry the correlation of the signal that caused them; after a stop the stored portfolio
// equals foldFills(the fill log) exactly and cash/equity identities hold; the pipeline monitor sees
// every stage; a restart on the same data dir resumes the portfolio and keeps trading.
// Build first: npx tsc -p tsconfig.build.json (workers run dist/).
import { afterEach, describe, expect, it } from 'vitest';
import { brokerTotals, foldFills, listPositions, type PnlTotals, type PositionView } from '../../src/domain/portfolio/index.js';
import type { Fill } from '../../src/domain/types.js';
import type { MonitorStatus } from '../../src/protocol/pipeline-monitor.js';
import type { PortfolioView } from '../../src/services/portfolio/queries.js';
import type { StrategyRunnerSnapshot } from '../../src/protocol/strategy-runner.js';
import { K } from '../../src/store/keyspace.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { withConfiguredBooks } from '../support/configured-books.js';
import { eventually } from '../support/system.js';
import {
  CLEAN_FILL_SET,
  correlationChecker,
  fillSetChecker,
  orderChecker,
  positionReplayChecker,
  readStoreAt,
  type StoreDump,
} from '../support/checkers.js';
import { call, ENGINE, engineFills, engineOrders, snap, supervisorStatus, type EngineSnap } from '../fixtures/pipeline-harness.js';

const ENV = {
  // The default 50 validated signals per strategy and day run out within seconds at 1000 ticks/s
  RISK__MAX_DAILY_TRADES: '100000',
  MONITORING__STARTUP_GRACE_PERIOD_SECONDS: '1',
};
/** Per (broker, strategy) starting cash in paise (paper.startingCash default 1,000,000 rupees). */
const START_CASH = 100_000_000;

let handle: PipelineHandle | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await handle?.stop();
  handle = undefined;
  for (const c of cleanups.splice(0)) c();
});

interface PortfolioSnap {
  readonly brokers: { readonly paper?: { readonly totals: PnlTotals; readonly fillWatermark: number } };
  readonly counts: { readonly fills: number; readonly snapshots: number };
}

/** The fill-derived (mark-independent) part of a position view. */
const fillPart = (p: Pick<PositionView, 'strategyId' | 'token' | 'qty' | 'costBasis' | 'realizedPnl' | 'fees' | 'fillCount'>): string =>
  `${p.strategyId}/${p.token} qty ${p.qty} cost ${p.costBasis} realized ${p.realizedPnl} fees ${p.fees} fills ${p.fillCount}`;

/**
 * The live portfolio at one instant (positions and watermark come from one synchronous call in
 * the worker) equals the fold of the log up to its watermark; returns that watermark.
 */
async function livePortfolioMatchesLog(p: PipelineHandle, known: readonly Fill[]): Promise<PortfolioView> {
  const view = await call<PortfolioView>(p.system, 'portfolio-manager', 'portfolio', { broker: 'paper' });
  const lastKnown = known.length === 0 ? 0 : known[known.length - 1]!.fillSeq;
  const log = [...known, ...(await engineFills(p.system, lastKnown))].filter((f) => f.fillSeq <= view.fillWatermark);
  expect(log.length).toBe(view.fillWatermark);
  // The manager holds a book for every enabled strategy from the start (equity starts at capital)
  const folded = withConfiguredBooks(foldFills(log, { startingCash: START_CASH }));
  const strategies = [...(folded.brokers.get('paper')?.strategies.keys() ?? [])].sort();
  const want = strategies.flatMap((s) => listPositions(folded, 'paper', s)).map(fillPart);
  expect(view.positions.map(fillPart)).toEqual(want);
  const t = brokerTotals(folded, 'paper');
  const pick = (x: PnlTotals) => ({ cash: x.cash, realizedPnl: x.realizedPnl, fees: x.fees, netRealizedPnl: x.netRealizedPnl, openPositions: x.openPositions });
  expect(pick(view.totals)).toEqual(pick(t));
  // Identities of the live view, exact in paise
  const v = view.totals;
  expect(v.equity).toBe(v.cash + v.marketValue);
  expect(v.netPnl).toBe(v.realizedPnl + v.unrealizedPnl - v.fees);
  expect(v.equity).toBe(v.startingCash + v.netPnl);
  return view;
}

function checkStore(dump: StoreDump): void {
  expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
  expect(orderChecker(dump.orders)).toEqual([]);
  expect(correlationChecker(dump.orders)).toEqual([]);
  const r = positionReplayChecker(dump, { startingCash: START_CASH });
  expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
}

describe('pipeline end to end', () => {
  it('trades tick → signal → verdict → fill → PnL, folds exactly, and resumes after a restart', async () => {
    const p = await startPipeline(ENV);
    handle = p;
    cleanups.push(p.cleanup);
    const s = p.system;

    // Every stage produces: ring counters and the actors' own counts
    await eventually(async () => (await snap<EngineSnap>(s, ENGINE)).published['orders.filled'] >= 20, 30_000, '20 fills');
    await eventually(async () => (await snap<PortfolioSnap>(s, 'portfolio-manager')).counts.snapshots >= 2, 10_000, 'PnL snapshots');
    const rings = s.ringStats();
    for (const t of ['market.ticks', 'paper.signals.raw', 'paper.signals.validated', 'paper.orders.submitted', 'paper.orders.filled', 'paper.pnl.snapshots']) {
      expect(rings[t]?.published, t).toBeGreaterThan(0);
    }
    const runner = await snap<StrategyRunnerSnapshot>(s, 'strategy-runner');
    const engine = await snap<EngineSnap>(s, ENGINE);
    const pm = await snap<PortfolioSnap>(s, 'portfolio-manager');
    expect(runner.ticksSeen).toBeGreaterThan(0);
    expect(runner.signalsPublished).toBeGreaterThan(0);
    expect(engine.validated).toBeGreaterThan(0);
    expect(engine.applied).toBeGreaterThan(0);
    expect(pm.counts.fills).toBeGreaterThan(0);
    // The dashboard's read model: a latest PnL snapshot per traded strategy
    const latest = [...s.store!.getRange(K.pnlLatestRange('paper'))];
    expect(latest.length).toBeGreaterThan(0);

    // Correlation: every order's origin is a risk verdict in the chain of a strategy signal
    const liveOrders = await engineOrders(s);
    expect(liveOrders.length).toBeGreaterThan(0);
    expect(correlationChecker(liveOrders)).toEqual([]);

    // The live portfolio equals the fold of the log up to its watermark
    await livePortfolioMatchesLog(p, []);

    // The monitor judges all five stages healthy (a warning at worst) with every counter moving
    let st: MonitorStatus | undefined;
    await eventually(
      async () => {
        st = await call<MonitorStatus>(s, 'pipeline-monitor', 'status');
        const b = st.brokers['paper'];
        return b !== undefined && (b.validation.overall === 'healthy' || b.validation.overall === 'warning');
      },
      20_000,
      'monitor healthy',
    );
    expect(st!.overallHealthy).toBe(true);
    const paper = st!.brokers['paper']!;
    expect(paper.validation.totalStages).toBe(5);
    expect(paper.validation.healthyStages).toBeGreaterThanOrEqual(4);
    for (const [stage, c] of Object.entries(paper.metrics)) {
      if (stage === 'signals_validated' || stage === 'signals_rejected') continue;
      expect(c.count, stage).toBeGreaterThan(0);
    }
    expect(paper.metrics.signals_validated.count + paper.metrics.signals_rejected.count).toBeGreaterThan(0);

    // A healthy run crashes nothing
    expect(supervisorStatus(s, 'trading_sup')).toMatchObject({ state: 'running', restarts: 0 });

    // Stop: the store is exact
    await p.stop();
    handle = undefined;
    const first = await readStoreAt(p.config.store.path!);
    checkStore(first);
    const w0 = first.fills.length;
    expect(w0).toBeGreaterThanOrEqual(20);

    // Restart on the same data dir: the portfolio resumes from LMDB, then keeps trading
    const q = await startPipeline(ENV, { dataDir: p.dataDir });
    handle = q;
    const resumed = await livePortfolioMatchesLog(q, first.fills);
    expect(resumed.fillWatermark).toBeGreaterThanOrEqual(w0);
    if (resumed.fillWatermark === w0) {
      // Nothing new yet: exactly the totals the first run stored
      const before = brokerTotals(withConfiguredBooks(foldFills(first.fills, { startingCash: START_CASH })), 'paper');
      expect({ cash: resumed.totals.cash, realized: resumed.totals.realizedPnl, fees: resumed.totals.fees }).toEqual({
        cash: before.cash,
        realized: before.realizedPnl,
        fees: before.fees,
      });
    }
    await eventually(async () => (await snap<EngineSnap>(q.system, ENGINE)).commits.lastFillSeq >= w0 + 10, 30_000, 'trading resumed');
    await eventually(async () => (await snap<PortfolioSnap>(q.system, 'portfolio-manager')).brokers.paper!.fillWatermark >= w0 + 10, 10_000, 'portfolio follows');
    await livePortfolioMatchesLog(q, first.fills);
    expect(supervisorStatus(q.system, 'trading_sup').state).toBe('running');
    await q.stop();
    handle = undefined;
    const second = await readStoreAt(q.config.store.path!);
    checkStore(second);
    // The first run's fills are still there, unchanged, at the head of the log
    expect(second.fills.slice(0, w0)).toEqual(first.fills);
  }, 90_000);
});
