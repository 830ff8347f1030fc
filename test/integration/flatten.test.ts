// Flatten on the REAL pipeline tree (real workers, rings, LMDB in a temp dir): a replay leaves
// open positions, the kill switch is engaged, and `flatten` on the actor playing `risk` closes every
// one of them through the pipeline — risk-checked market orders that pass the switch because they
// reduce — so all positions of the broker become 0 in risk and in the portfolio, and the closing
// orders and fills are in the stored log like any other (legal histories, positions = fold(fills)).
// Fused (the trading core answers after the checkpoint that holds the flatten) and split (the risk
// manager publishes the verdicts, the engine fills them). Before the full flatten, closing ONE
// position (a flatten with `strategyId` and `token`, the dashboard's Close) closes that position
// only. Build first (workers run dist/).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../src/domain/instruments/index.js';
import type { PositionView } from '../../src/domain/portfolio/index.js';
import type { MarketFeedSnapshot } from '../../src/protocol/market-feed.js';
import type { FlattenReply } from '../../src/protocol/risk.js';
import type { RiskStateView } from '../../src/services/risk/queries.js';
import { tradingActorName, type Topology } from '../../src/protocol/actors.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually, tempDir } from '../support/system.js';
import { CLEAN_FILL_SET, fillSetChecker, orderChecker, positionReplayChecker, readStoreAt } from '../support/checkers.js';
import { call, snap, writeReplayFile } from '../fixtures/pipeline-harness.js';

const TICKS = 3000;
const cleanups: (() => void)[] = [];
let running: PipelineHandle | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** Every non-lossy consumer of every ring has consumed everything. */
function drained(p: PipelineHandle): boolean {
  return Object.values(p.system.ringStats()).every((r) => r.consumers.every((c) => c.lossy || c.lag === 0));
}

const open = (v: RiskStateView): string[] => v.positions.filter((p) => p.qty !== 0).map((p) => `${p.strategyId}/${p.token}:${p.qty}`);

async function flattenIn(topology: Topology): Promise<void> {
  const dir = tempDir(`ap-flatten-${topology}-`);
  cleanups.push(dir.cleanup);
  const file = join(dir.path, 'ticks.jsonl');
  writeReplayFile(file, DEFAULT_INSTRUMENT_TOKENS, TICKS, 100, 'flatten');
  const p = await startPipeline(
    {
      MARKET_FEED__SOURCE: 'replay',
      MARKET_FEED__REPLAY_FILE: file,
      MARKET_FEED__REPLAY_PACE: 'max',
      RUNTIME__TOPOLOGY: topology,
      RISK__MAX_DAILY_TRADES: '100000',
    },
    { dataDir: join(dir.path, 'data') },
  );
  running = p;
  const risk = tradingActorName(topology, 'risk', 'paper');
  const riskState = (): Promise<RiskStateView> => call<RiskStateView>(p.system, risk, 'risk-state', { broker: 'paper' });
  const positions = (): Promise<PositionView[]> => call<PositionView[]>(p.system, 'portfolio-manager', 'positions', { broker: 'paper' });

  await eventually(async () => (await snap<MarketFeedSnapshot>(p.system, 'market-feed')).replay?.complete === true, 90_000, 'replay complete');
  // Quiet: every lossless ring drained (no tick left to move a position: no bracket exit, no
  // resting fill) and risk's view of the fill log unchanged over three polls
  let last = -1;
  let stable = 0;
  await eventually(
    async () => {
      const w = (await riskState()).fillWatermark;
      stable = w === last && w > 0 && drained(p) ? stable + 1 : 0;
      last = w;
      if (stable < 3) await new Promise((r) => setTimeout(r, 250));
      return stable >= 3;
    },
    90_000,
    'pipeline quiet',
  );
  const before = open(await riskState());
  expect(before.length, 'the replay left open positions').toBeGreaterThan(0);

  await call(p.system, risk, 'kill-switch', { engaged: true, reason: 'flatten test' });
  // One position first: only it closes (the pipeline is quiet, so nothing else moves)
  const [one, ...rest] = before;
  const [oneStrategy, oneToken] = one!.split(':')[0]!.split('/');
  const single = (await call<FlattenReply>(p.system, risk, 'flatten', { broker: 'paper', strategyId: oneStrategy, token: Number(oneToken) })).paper!;
  expect(single.closes.map((c) => `${c.strategyId}/${c.token}:${c.side === 'SELL' ? c.quantity : -c.quantity}`)).toEqual([one]);
  expect(single.closes.every((c) => c.outcome === 'validated')).toBe(true);
  await eventually(async () => JSON.stringify(open(await riskState()).sort()) === JSON.stringify([...rest].sort()), 30_000, 'one position closed');

  const reply = await call<FlattenReply>(p.system, risk, 'flatten', { broker: 'paper' });
  const r = reply.paper!;
  expect(r.closes.map((c) => `${c.strategyId}/${c.token}:${c.side === 'SELL' ? c.quantity : -c.quantity}`).sort()).toEqual([...rest].sort());
  expect(r.closes.filter((c) => c.outcome !== 'validated')).toEqual([]);
  if (topology === 'fused') {
    // The core executed the closes in the same step and answered after their checkpoint
    expect(r.fills).toBeGreaterThanOrEqual(r.closes.length);
    expect(open(await riskState())).toEqual([]);
  }
  // Every position of the broker is 0: in risk (the fill log) and in the portfolio (the events)
  await eventually(async () => open(await riskState()).length === 0, 30_000, 'risk flat');
  await eventually(async () => (await positions()).every((x) => x.qty === 0), 30_000, 'portfolio flat');
  expect((await riskState()).killSwitch.engaged).toBe(true);

  await p.stop();
  running = undefined;
  const dump = await readStoreAt(join(p.dataDir, 'lmdb'));
  // The closing orders are normal orders: stored, filled, with fills in the log
  for (const c of [...single.closes, ...r.closes]) {
    const order = dump.orders.find((o) => o.orderId === c.orderId);
    expect(order, c.orderId).toBeDefined();
    expect(order!.status).toBe('Filled');
    expect(order!.signalKey.endsWith(':flatten')).toBe(true);
    expect(dump.fills.filter((f) => f.orderId === c.orderId).reduce((s, f) => s + f.quantity, 0)).toBe(c.quantity);
  }
  expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
  expect(orderChecker(dump.orders)).toEqual([]);
  const checked = positionReplayChecker(dump, { startingCash: Math.round(p.config.paper.startingCash * 100) });
  expect({ portfolio: checked.portfolio, risk: checked.risk }).toEqual({ portfolio: [], risk: [] });
}

describe('flatten through the real pipeline', () => {
  it('fused: closes every open position of the broker past the kill switch', async () => {
    await flattenIn('fused');
  }, 240_000);

  it('split: the risk manager judges the closes and the engine fills them', async () => {
    await flattenIn('split');
  }, 240_000);
});
