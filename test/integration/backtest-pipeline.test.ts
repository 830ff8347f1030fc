// Parity of the three topologies on one replay file (2,000 synthetic ticks over the 20 default
// instruments inside one NSE session, default strategies), with the two risk limits that read fills
// binding (position, daily loss): the inline backtest (the trading step in one thread), the fused
// actor pipeline (one trading core worker, checkpointed) and the split actor pipeline (strategy
// runner and trading core on their own threads, the runner's state joining the core's checkpoints; over rings and over the
// postMessage transport) must log identical fills,
// compared field by field (tradeId, order, strategy, instrument, side, qty, price, fees, fillSeq,
// time) and the same orders. Build first: the pipeline's workers run dist/.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { columnTicks, compareFills, runBacktest, type BacktestResult } from '../../src/backtest/index.js';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../src/domain/instruments/index.js';
import { paperConfigFrom } from '../../src/services/engine/config.js';
import { riskLimitsFromConfig } from '../../src/services/risk/limits.js';
import { readStrategiesFile } from '../../src/services/strategy/load.js';
import { readTickFile } from '../../actors/sweep.js';
import { pipelineConfig, runPipelineReplay, type PipelineRun } from '../../bench/replay-pipeline.js';
import { writeReplayFile } from '../fixtures/pipeline-harness.js';
import { tempDir } from '../support/system.js';

const TICKS = 2000;
// A small position limit makes MaxPositionSize depend on every earlier fill; a small daily loss
// limit makes DailyLossLimit depend on every earlier realized PnL
const ENV = { RISK__MAX_DAILY_TRADES: '100000', RISK__MAX_POSITION: '40', RISK__DAILY_LOSS_LIMIT: '2000' };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function expectSameFills(name: string, bt: BacktestResult, pipe: PipelineRun): void {
  const cmp = compareFills(bt.fills, pipe.fills);
  console.log(`${name}: backtest ${bt.fills.length} fills, ${pipe.topology} pipeline ${pipe.fills.length}; ${cmp.matchingPrefix} equal from the start`);
  expect(pipe.restarts).toBe(0);
  expect(cmp.firstMismatch).toBeUndefined();
  expect(cmp.identical).toBe(true);
  expect(pipe.fills.map((f) => f.ts)).toEqual(bt.fills.map((f) => f.ts));
  expect(pipe.orders.size).toBe(bt.orders.created);
  expect(pipe.risk.rejected).toBe(Object.values(bt.signals).reduce((a, s) => a + s.rejected, 0));
}

describe('topology parity: inline, fused and split on one file', () => {
  it('log the same fills, orders and verdicts with binding position and daily-loss limits', async () => {
    const dir = tempDir('ap-bt-pipe-');
    cleanups.push(dir.cleanup);
    const file = join(dir.path, 'ticks.jsonl');
    writeReplayFile(file, DEFAULT_INSTRUMENT_TOKENS, TICKS, 100, 'topology-parity');

    const config = pipelineConfig(join(dir.path, 'unused'), file, ENV);
    const strategies = readStrategiesFile(config.strategies.file);
    if (!strategies.ok) throw new Error('strategies');
    const ticks = await readTickFile(file);
    expect(ticks.columns.length).toBe(TICKS);
    const bt = runBacktest({
      tickIterator: columnTicks(ticks.columns),
      strategies: strategies.value,
      risk: riskLimitsFromConfig(config.risk),
      paper: paperConfigFrom(config.paper),
      calendar: { market24x7: config.feed.market24x7 ?? false, holidays: config.feed.holidays },
    });
    if (!bt.ok) throw new Error('backtest config');
    expect(bt.value.fills.length).toBeGreaterThan(20);
    // Both fill-dependent limits really bind on this file
    const byRule = Object.values(bt.value.signals).reduce<Record<string, number>>((acc, s) => {
      for (const [rule, n] of Object.entries(s.rejectedByRule)) acc[rule] = (acc[rule] ?? 0) + (n ?? 0);
      return acc;
    }, {});
    console.log(`inline rejections by rule: ${JSON.stringify(byRule)}`);
    expect(byRule['MaxPositionSize'] ?? 0).toBeGreaterThan(0);
    expect(byRule['DailyLossLimit'] ?? 0).toBeGreaterThan(0);

    expectSameFills('fused', bt.value, await runPipelineReplay(file, TICKS, { ...ENV, RUNTIME__TOPOLOGY: 'fused' }, () => undefined));
    expectSameFills('split', bt.value, await runPipelineReplay(file, TICKS, { ...ENV, RUNTIME__TOPOLOGY: 'split' }, () => undefined));
    // The same split pipeline with its event topics over postMessage instead of rings
    expectSameFills('split over postMessage', bt.value, await runPipelineReplay(file, TICKS, { ...ENV, RUNTIME__TOPOLOGY: 'split', RUNTIME__TRANSPORT: 'port' }, () => undefined));
  }, 240_000);
});
