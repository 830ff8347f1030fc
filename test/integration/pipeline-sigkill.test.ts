// F5 on the REAL main job (docs/reliability.md): `node dist/actors/main.js` runs the whole tree
// against one data dir with a fast synthetic feed; it is SIGKILLed mid-run at seeded random times
// (the seed is printed), restarted on the same LMDB each time, and finally stopped with SIGTERM
// (exit 0). After every kill the environment opens cleanly and nothing seen before is lost or
// changed. Acknowledgement: the main job's summary line reports the fills the engine PUBLISHED in
// this run, and the engine publishes only after the commit, in fillSeq order — so fills
// 1..(log length at start + that count) were acknowledged and must survive the kill. At the end:
// unique tradeIds, fillSeq 1..n, one order per signal key with legal histories, stored portfolio
// and risk state (+ catch-up) equal foldFills(log). Build first: npx tsc -p tsconfig.build.json.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime/system.js';
import type { Fill } from '../../src/domain/types.js';
import { eventually, tempDir } from '../support/system.js';
import { CLEAN_FILL_SET, fillSetChecker, keptAll, orderChecker, positionReplayChecker, readStoreAt, type StoreDump } from '../support/checkers.js';
import { MainJob, testRng } from '../fixtures/pipeline-harness.js';

const KILLS = 3;
const jobs: MainJob[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) {
    if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
    await j.exited;
  }
  for (const c of cleanups.splice(0)) c();
});

function startJob(dataDir: string): MainJob {
  const job = new MainJob(projectRoot(), {
    DATA_DIR: dataDir,
    API__ENABLED: 'false',
    LOG_LEVEL: 'info',
    MARKET_FEED__TICKS_PER_SECOND: '2000',
    RISK__MAX_DAILY_TRADES: '100000',
    SUMMARY_INTERVAL_MS: '200',
  });
  jobs.push(job);
  return job;
}

/** Waits until the job's tree runs and its engine has published at least `fills` fills. */
async function waitTrading(job: MainJob, fills: number): Promise<void> {
  await eventually(() => job.find('supervision tree started').length > 0 || job.child.exitCode !== null, 30_000, 'main job started');
  expect(job.child.exitCode, job.stderr).toBeNull();
  await eventually(() => job.publishedFills() >= fills, 30_000, `${fills} fills published`);
}

describe('main job killed with SIGKILL (F5)', () => {
  it('loses no acknowledged fill and reopens consistent after each kill', async () => {
    const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
    console.log('seed', seed);
    const rng = testRng(seed);
    const dir = tempDir('ap-pipe-kill-');
    cleanups.push(dir.cleanup);
    const lmdbPath = join(dir.path, 'lmdb');

    let seen: readonly Fill[] = [];
    let acked = 0;
    for (let k = 0; k <= KILLS; k++) {
      // The log length at start: this run's published fills continue right after it
      const base = k === 0 ? 0 : (await readStoreAt(lmdbPath)).fills.length;
      const job = startJob(dir.path);
      await waitTrading(job, 5);
      if (k === KILLS) break;
      await new Promise((r) => setTimeout(r, 300 + Math.floor(rng() * 1500)));
      // Acknowledged before the kill: the last summary line printed before SIGKILL
      const ack = base + job.publishedFills();
      job.child.kill('SIGKILL');
      const exit = await job.exited;
      expect(exit.signal).toBe('SIGKILL');

      // The environment opens (no corruption) and nothing acknowledged or seen before is gone
      const dump = await readStoreAt(lmdbPath);
      console.log(`kill ${k + 1}: ${dump.fills.length} fills in the log, ${ack} acknowledged, ${dump.orders.length} orders, portfolio ${dump.fills.length - (dump.portfolio?.brokers[0]?.dedup.watermark ?? 0)} fills behind`);
      expect(dump.fills.length).toBeGreaterThanOrEqual(ack);
      expect(keptAll(seen, dump)).toEqual([]);
      expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
      expect(orderChecker(dump.orders)).toEqual([]);
      // Killed inside or between transactions: state + catch-up still equals the fold
      const r = positionReplayChecker(dump, { startingCash: 100_000_000 });
      expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
      seen = dump.fills;
      acked = Math.max(acked, ack);
    }

    // The last run trades on, then stops cleanly on SIGTERM
    const last = jobs[jobs.length - 1]!;
    const base = seen.length;
    await eventually(() => last.publishedFills() >= 10, 30_000, 'last run trading');
    const ack = base + last.publishedFills();
    last.child.kill('SIGTERM');
    const exit = await last.exited;
    expect({ code: exit.code, stderr: last.stderr }).toEqual({ code: 0, stderr: '' });
    expect(last.find('stopped cleanly').length).toBe(1);

    const dump = await readStoreAt(lmdbPath);
    console.log(`final: ${dump.fills.length} fills, ${dump.orders.length} orders`);
    expect(dump.fills.length).toBeGreaterThanOrEqual(Math.max(acked, ack));
    expect(keptAll(seen, dump)).toEqual([]);
    expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
    expect(orderChecker(dump.orders)).toEqual([]);
    const r = positionReplayChecker(dump, { startingCash: 100_000_000 });
    expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
    console.log(`final: the stored portfolio lagged the log by ${r.caughtUp} fills (applied by the catch-up on start)`);
  }, 90_000);
});
