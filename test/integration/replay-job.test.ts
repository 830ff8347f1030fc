// A replay started through the main job's entry is a job (MARKET_FEED__REPLAY_EXIT, default true for
// replays): it consumes the file, waits for the pipeline to drain, logs one "replay finished"
// summary whose fill count is the fill log's, then the backtest's report of what the actors did —
// equal, figure for figure, to `npm run backtest` on the same file — and exits 0. With
// MARKET_FEED__REPLAY_EXIT=false it keeps serving after the file. Both topologies. Build first:
// npx tsc -p tsconfig.build.json.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

const REPLAY_ENV = { RISK__MAX_DAILY_TRADES: '100000' };

/** `npm run backtest -- --ticks FILE --json` with the job's settings: the independent run to compare with. */
async function backtestOf(file: string): Promise<{ total: { metrics: Record<string, unknown> } }> {
  const cli = join(projectRoot(), 'dist', 'actors', 'backtest.js');
  const { stdout } = await promisify(execFile)(process.execPath, [cli, '--ticks', file, '--json'], { env: { ...process.env, ...REPLAY_ENV }, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as { total: { metrics: Record<string, unknown> } };
}

function startReplay(env: Record<string, string>): { job: MainJob; lmdb: string; file: string } {
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
    ...REPLAY_ENV,
    SUMMARY_INTERVAL_MS: '60000',
    ...env,
  });
  jobs.push(job);
  return { job, lmdb: join(dataDir, 'lmdb'), file };
}

describe('replay as a job', () => {
  for (const topology of ['fused', 'split'] as const) {
    it(`${topology}: drains, logs the summary of the whole file and exits 0`, async () => {
      const { job, lmdb, file } = startReplay({ RUNTIME__TOPOLOGY: topology });
      expect((await job.exited).code, job.stderr).toBe(0);
      const done = job.find('replay finished');
      expect(done).toHaveLength(1);
      expect(done[0]!.msg).toContain(`| ticks ${TICKS} |`);
      const fills = Number(/\| fills (\d+) \|/.exec(done[0]!.msg as string)?.[1]);
      expect(fills).toBeGreaterThan(0);
      // the summary counted exactly what the fill log holds: nothing was still in flight
      expect((await readStoreAt(lmdb)).fills.length).toBe(fills);
      // the backtest's report of the job: the same fills, trips and money as the in-process backtest
      const reports = job.find('replay report (paper)');
      expect(reports).toHaveLength(1);
      const total = (reports[0] as unknown as { report: { total: Record<string, unknown> } }).report.total;
      expect(total['fills']).toBe(fills);
      expect(reports[0]!.msg).toContain('Sharpe');
      const backtest = (await backtestOf(file)).total.metrics;
      for (const k of ['fills', 'trades', 'openLots', 'realizedPnl', 'fees', 'netRealizedPnl', 'unrealizedPnl', 'netPnl', 'startEquity', 'endEquity', 'exposure']) {
        expect(total[k], k).toEqual(backtest[k]);
      }
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
