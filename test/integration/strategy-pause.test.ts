// Pausing one strategy on the REAL pipeline tree (real workers, rings, LMDB in a temp dir), in both
// topologies: the actor playing `strategies` (split: the strategy runner; fused: the trading core)
// answers once the paused set is committed with the strategy state; the strategy places no new
// order while the others keep trading; after a stop and a start on the same data dir it is still
// paused; resumed, it trades again. Build first (workers run dist/).
import { afterEach, describe, expect, it } from 'vitest';
import type { RootDatabase } from 'lmdb';
import { tradingActorName, type Topology } from '../../src/protocol/actors.js';
import type { StrategyInfo } from '../../src/protocol/strategy-runner.js';
import { queryOrders } from '../../src/services/engine/queries.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually, tempDir } from '../support/system.js';
import { call } from '../fixtures/pipeline-harness.js';

const cleanups: (() => void)[] = [];
let running: PipelineHandle | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const c of cleanups.splice(0)) c();
});

const TARGET = 'momentum_20';

function orders(db: RootDatabase, strategyId: string): number {
  db.resetReadTxn();
  return queryOrders(db, 'paper', { strategyId, limit: 1, offset: 0 }).total;
}

async function start(topology: Topology, dataDir: string): Promise<PipelineHandle> {
  running = await startPipeline(
    { RUNTIME__TOPOLOGY: topology, MARKET_FEED__MARKET_24X7: 'true', MARKET_FEED__TICKS_PER_SECOND: '400', RISK__MAX_DAILY_TRADES: '100000' },
    { dataDir },
  );
  return running;
}

async function pauseIn(topology: Topology): Promise<void> {
  const dir = tempDir(`ap-pause-${topology}-`);
  cleanups.push(dir.cleanup);
  const actor = tradingActorName(topology, 'strategies', 'paper');
  let p = await start(topology, dir.path);
  const infos = (): Promise<StrategyInfo[]> => call<StrategyInfo[]>(p.system, actor, 'strategies');
  const others = async (): Promise<number> => (await infos()).filter((s) => s.id !== TARGET && s.skipped === null).reduce((n, s) => n + orders(p.system.store!, s.id), 0);
  await eventually(() => orders(p.system.store!, TARGET) > 0, 30_000, `${TARGET} trading`);

  expect(await call(p.system, actor, 'pause', { strategyId: TARGET, paused: true })).toEqual({ strategyId: TARGET, paused: true });
  await expect(call(p.system, actor, 'pause', { strategyId: 'no_such_strategy', paused: true })).rejects.toThrow(/does not run here/);
  expect((await infos()).find((s) => s.id === TARGET)?.paused).toBe(true);
  // Signals emitted before the pause may still become orders: settle, then watch
  await new Promise((r) => setTimeout(r, 1000));
  const mine = orders(p.system.store!, TARGET);
  const theirs = await others();
  await eventually(async () => (await others()) >= theirs + 5, 30_000, 'the other strategies trading');
  expect(orders(p.system.store!, TARGET)).toBe(mine);

  // Stop and start on the same data dir: still paused, still silent
  await p.stop();
  running = undefined;
  p = await start(topology, dir.path);
  expect((await infos()).find((s) => s.id === TARGET)?.paused).toBe(true);
  const theirsAfter = await others();
  await eventually(async () => (await others()) >= theirsAfter + 5, 30_000, 'the others trading after the restart');
  expect(orders(p.system.store!, TARGET)).toBe(mine);

  // Resumed: it trades again
  expect(await call(p.system, actor, 'pause', { strategyId: TARGET, paused: false })).toEqual({ strategyId: TARGET, paused: false });
  await eventually(() => orders(p.system.store!, TARGET) > mine, 30_000, `${TARGET} trading again`);
}

describe('pause one strategy', () => {
  it('split: the strategy runner drops its signals, across a restart', async () => {
    await pauseIn('split');
  }, 120_000);
  it('fused: the trading core drops its signals, across a restart', async () => {
    await pauseIn('fused');
  }, 120_000);
});
