// A replay started through the main job's entry is a job (MARKET_FEED__REPLAY_EXIT, default true for
// replays): it consumes the file, waits for the pipeline to drain, logs one "replay finished"
// summary whose fill count is the fill log's, and exits 0. With MARKET_FEED__REPLAY_EXIT=false it
// keeps serving after the file. Both topologies. Build first: npx tsc -p tsconfig.build.json.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../src/domain/instruments/index.js';
import { projectRoot } from '../../src/runtime/system.js';
import { readStoreAt } from '../support/checkers.js';
import { eventually, tempDir } from '../support/system.js';
import { MainJob, writeReplayFile } from '../fixtures/pipeline-harness.js';

const TICKS = 1500;
const jobs: MainJob[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

function startReplay(env: Record<string, string>): { job: MainJob; lmdb: string } {
  const dir = tempDir('ap-replay-job-');
  cleanups.push(dir.cleanup);
  const file = join(dir.path, 'ticks.jsonl');
  writeReplayFile(file, DEFAULT_INSTRUMENT_TOKENS, TICKS, 100, 'replay-job');
  const dataDir = join(dir.path, 'data');
  const job = new MainJob(projectRoot(), {
    DATA_DIR: dataDir,
    API__ENABLED: 'false',
    LOG_LEVEL: 'info',
    MARKET_FEED__SOURCE: 'replay',
    MARKET_FEED__REPLAY_FILE: file,
    MARKET_FEED__REPLAY_PACE: 'max',
    RISK__MAX_DAILY_TRADES: '100000',
    SUMMARY_INTERVAL_MS: '60000',
    ...env,
  });
  jobs.push(job);
  return { job, lmdb: join(dataDir, 'lmdb') };
}

describe('replay as a job', () => {
  for (const topology of ['fused', 'split'] as const) {
    it(`${topology}: drains, logs the summary of the whole file and exits 0`, async () => {
      const { job, lmdb } = startReplay({ RUNTIME__TOPOLOGY: topology });
      expect((await job.exited).code, job.stderr).toBe(0);
      const done = job.find('replay finished');
      expect(done).toHaveLength(1);
      expect(done[0]!.msg).toContain(`| ticks ${TICKS} |`);
      const fills = Number(/\| fills (\d+) \|/.exec(done[0]!.msg as string)?.[1]);
      expect(fills).toBeGreaterThan(0);
      // the summary counted exactly what the fill log holds: nothing was still in flight
      expect((await readStoreAt(lmdb)).fills.length).toBe(fills);
      expect(job.find('stopped cleanly')).toHaveLength(1);
    }, 120_000);
  }

  it('keeps serving after the file with MARKET_FEED__REPLAY_EXIT=false', async () => {
    const { job } = startReplay({ MARKET_FEED__REPLAY_EXIT: 'false' });
    await eventually(() => job.find('replay complete').length > 0 || job.child.exitCode !== null, 60_000, 'replay complete');
    // well past the two quiet polls (2 × 250 ms) that would end a job
    await new Promise((r) => setTimeout(r, 2000));
    expect(job.child.exitCode, job.stderr).toBeNull();
    expect(job.find('replay finished')).toHaveLength(0);
    job.child.kill('SIGTERM');
    expect((await job.exited).code).toBe(0);
  }, 120_000);
});
