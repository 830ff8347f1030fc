// The in-process backtest against the REAL actor pipeline on one replay file (5,000 synthetic ticks
// over the 20 default instruments inside one NSE session, default strategies): with the two risk
// limits that read fills (position, daily loss) out of reach, both paths must log identical fills
// (tradeId, order, strategy, instrument, side, qty, price, fees, fillSeq). Build first: the
// pipeline's workers run dist/.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { columnTicks, compareFills, runBacktest } from '../../src/backtest/index.js';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../src/domain/instruments/index.js';
import { paperConfigFrom } from '../../src/services/engine/config.js';
import { riskLimitsFromConfig } from '../../src/services/risk/limits.js';
import { readStrategiesFile } from '../../src/services/strategy/load.js';
import { readTickFile } from '../../actors/sweep.js';
import { pipelineConfig, runPipelineReplay } from '../../bench/replay-pipeline.js';
import { writeReplayFile } from '../fixtures/pipeline-harness.js';
import { tempDir } from '../support/system.js';

const TICKS = 5000;
const ENV = { RISK__MAX_DAILY_TRADES: '100000', RISK__MAX_POSITION: '1000000000', RISK__DAILY_LOSS_LIMIT: '1000000000' };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('backtest vs actor pipeline', () => {
  it('logs the same fills as the pipeline replaying the same file', async () => {
    const dir = tempDir('ap-bt-pipe-');
    cleanups.push(dir.cleanup);
    const file = join(dir.path, 'ticks.jsonl');
    writeReplayFile(file, DEFAULT_INSTRUMENT_TOKENS, TICKS, 100, 'backtest-vs-pipeline');

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

    const pipe = await runPipelineReplay(file, TICKS, ENV, () => undefined);
    const cmp = compareFills(bt.value.fills, pipe.fills);
    console.log(`backtest ${bt.value.fills.length} fills, pipeline ${pipe.fills.length}; ${cmp.matchingPrefix} equal from the start`);
    expect(bt.value.fills.length).toBeGreaterThan(20);
    expect(cmp.firstMismatch).toBeUndefined();
    expect(cmp.identical).toBe(true);
    expect(pipe.orders.size).toBe(bt.value.orders.created);
  }, 150_000);
});
