// F5 against the checkpoint protocol: the REAL main job replays a tick file at max pace, in both
// topologies (fused: one trading core; split: the strategy runner's cuts joining the core's
// checkpoints), and is SIGKILLed at seeded random moments (the seed is printed; KILLS=20 runs the
// long version by hand), including during start-up and checkpoints;
// each time it restarts on the same data dir. After every kill: the store opens, fills are
// contiguous with unique trade ids, one order per signal key with legal histories, positions and
// risk equal the fold of the fills, and every fill seen before is still there unchanged. At the end
// the interrupted replay's fill log equals an uninterrupted run of the same file, field by field:
// the core restores its last completed checkpoint (split: the runner the cut it names), the feed
// rewinds to the checkpoint's file position, and the deterministic step regenerates exactly what
// was lost.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../src/domain/instruments/index.js';
import type { Fill } from '../../src/domain/types.js';
import { projectRoot } from '../../src/runtime/system.js';
import { runPipelineReplay } from '../../bench/replay-pipeline.js';
import { CLEAN_FILL_SET, fillSetChecker, keptAll, orderChecker, positionReplayChecker, readStoreAt, type StoreDump } from '../support/checkers.js';
import { eventually, tempDir } from '../support/system.js';
import { MainJob, testRng, writeReplayFile } from '../fixtures/pipeline-harness.js';

const KILLS = Number(process.env['KILLS'] ?? 2);
// Enough ticks that the replay is still running at the last kill (≈ 10 k ticks/s on 2 cores)
const TICKS = 4000 * KILLS + 8000;
const ENV = { RISK__MAX_DAILY_TRADES: '100000', RISK__MAX_POSITION: '40' };

const jobs: MainJob[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) {
    if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
    await j.exited;
  }
  for (const c of cleanups.splice(0)) c();
});

/** What must be identical between two replays. */
const essence = (f: Fill): string => [f.fillSeq, f.tradeId, f.orderId, f.strategyId, f.token, f.side, f.quantity, f.price, f.fees, f.ts].join(' ');

function checkStore(dump: StoreDump, seen: readonly Fill[]): void {
  expect(keptAll(seen, dump)).toEqual([]);
  expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
  expect(orderChecker(dump.orders)).toEqual([]);
  const r = positionReplayChecker(dump, { startingCash: 100_000_000 });
  expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
}

describe.each(['fused', 'split'] as const)('%s replay killed with SIGKILL', (topology) => {
  it('ends with the fill log of an uninterrupted run, losing and repeating nothing on the way', async () => {
    const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
    console.log(topology, 'seed', seed, 'kills', KILLS, 'ticks', TICKS);
    const rng = testRng(seed);
    const dir = tempDir(`ap-${topology}-kill-`);
    cleanups.push(dir.cleanup);
    const file = join(dir.path, 'ticks.jsonl');
    writeReplayFile(file, DEFAULT_INSTRUMENT_TOKENS, TICKS, 100, 'fused-sigkill');
    const reference = await runPipelineReplay(file, TICKS, { ...ENV, RUNTIME__TOPOLOGY: topology }, () => undefined);
    expect(reference.topology).toBe(topology);
    expect(reference.fills.length).toBeGreaterThan(20);

    const dataDir = join(dir.path, 'data');
    const lmdbPath = join(dataDir, 'lmdb');
    // Killed runs must still be running when the kill comes: they do not exit at the end of the file
    const start = (exitWhenDone = false): MainJob => {
      const job = new MainJob(projectRoot(), {
        DATA_DIR: dataDir,
        API__ENABLED: 'false',
        LOG_LEVEL: 'info',
        MARKET_FEED__SOURCE: 'replay',
        MARKET_FEED__REPLAY_FILE: file,
        MARKET_FEED__REPLAY_PACE: 'max',
        MARKET_FEED__REPLAY_EXIT: String(exitWhenDone),
        SUMMARY_INTERVAL_MS: '200',
        RUNTIME__TOPOLOGY: topology,
        ...ENV,
      });
      jobs.push(job);
      return job;
    };

    let seen: readonly Fill[] = [];
    for (let k = 0; k < KILLS; k++) {
      const job = start();
      // A third of the kills land during start-up (restore, rewind), the rest while trading
      if (rng() < 1 / 3) await eventually(() => job.find('actor started').length >= 3 || job.child.exitCode !== null, 30_000, 'actors starting');
      else await eventually(() => job.find('supervision tree started').length > 0 || job.child.exitCode !== null, 30_000, 'tree started');
      expect(job.child.exitCode, job.stderr).toBeNull();
      await new Promise((r) => setTimeout(r, Math.floor(rng() * 1200)));
      job.child.kill('SIGKILL');
      expect((await job.exited).signal).toBe('SIGKILL');
      const dump = await readStoreAt(lmdbPath);
      console.log(`kill ${k + 1}: ${dump.fills.length}/${reference.fills.length} fills in the log, ${dump.orders.length} orders`);
      checkStore(dump, seen);
      seen = dump.fills;
    }

    // The last run replays the rest of the file as a job: it drains, summarises and exits 0
    const last = start(true);
    expect((await last.exited).code, last.stderr).toBe(0);
    expect(last.find('replay finished')).toHaveLength(1);
    const exit = await last.exited;
    expect({ code: exit.code, stderr: last.stderr }).toEqual({ code: 0, stderr: '' });
    const dump = await readStoreAt(lmdbPath);
    checkStore(dump, seen);
    expect(dump.fills.map(essence)).toEqual(reference.fills.map(essence));
    expect(dump.orders.length).toBe(reference.orders.size);
  }, 600_000);
});
