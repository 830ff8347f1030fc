// The live-tick journal (src/services/feed/tick-journal.ts): paper trading on the sandbox KiteTicker
// in the fused topology, the whole main process SIGKILLed mid-stream, then started again on the
// same data dir. The feed journals every tick it publishes; on restart it re-publishes the journal
// from the trading core's last checkpoint before it reconnects, and the restored core resumes at
// exactly that feed position (no tick it had consumed after the checkpoint is lost). Fills stay
// contiguous, unique and folded into the portfolio. Build first: npx tsc -p tsconfig.build.json.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxMarket, loadSandboxInstruments } from '../../src/kite/sandbox/market.js';
import { startKiteTickerServer, type KiteTickerServer } from '../../src/kite/sandbox/ticker-server.js';
import { isCheckpointRecord } from '../../src/protocol/checkpoint.js';
import { K } from '../../src/store/keyspace.js';
import { openStore } from '../../src/store/lmdb.js';
import { projectRoot } from '../../src/runtime/system.js';
import { MainJob } from '../fixtures/pipeline-harness.js';
import { readStoreAt } from '../support/checkers.js';
import { eventually, tempDir } from '../support/system.js';

let server: KiteTickerServer | undefined;
let stepper: NodeJS.Timeout | undefined;
const jobs: MainJob[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  clearInterval(stepper);
  for (const j of jobs.splice(0)) if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
  await server?.close();
  server = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** Journal range and the core's checkpoint position, read with the main job stopped. */
function journalState(lmdb: string): { first: number; last: number; checkpointNext: number | null } {
  const db = openStore({ path: lmdb, durability: 'overlapping' });
  try {
    const keys = [...db.getKeys(K.tickJournalRange(0, Number.MAX_SAFE_INTEGER))].map((k) => (k as unknown[])[1] as number);
    const rec = db.get([...K.checkpoint('trading-core-paper')]);
    return { first: keys[0] ?? -1, last: keys.at(-1) ?? -1, checkpointNext: isCheckpointRecord(rec) ? (rec.journal?.nextFeedSeq ?? null) : null };
  } finally {
    void db.close();
  }
}

describe('live-tick journal', () => {
  it('rewinds the fused core to its checkpoint after a SIGKILL: no tick lost, fills contiguous', async () => {
    const market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'journal-rewind', volatilityBps: 30 });
    server = await startKiteTickerServer({ market, authorize: (k, t) => k === 'k' && t === 't' });
    stepper = setInterval(() => market.step(Date.now()), 20);
    const dir = tempDir('ap-journal-');
    cleanups.push(dir.cleanup);
    const env = {
      DATA_DIR: join(dir.path, 'data'),
      API__ENABLED: 'false',
      LOG_LEVEL: 'info',
      RUNTIME__TOPOLOGY: 'fused',
      MARKET_FEED__SOURCE: 'kite',
      ZERODHA__TICKER_URL: server.url,
      ZERODHA__API_KEY: 'k',
      ZERODHA__ACCESS_TOKEN: 't',
      MARKET_FEED__MARKET_24X7: 'true',
      RISK__MAX_DAILY_TRADES: '100000',
      SUMMARY_INTERVAL_MS: '500',
    };
    const lmdb = join(dir.path, 'data', 'lmdb');

    const first = new MainJob(projectRoot(), env);
    jobs.push(first);
    await eventually(() => first.find('feed resumed').length > 0 && first.publishedFills() >= 3, 60_000, 'first run trading on live ticks');
    first.child.kill('SIGKILL');
    await first.exited;

    const before = journalState(lmdb);
    // The core checkpointed a position inside the journal (the journal runs ahead of it: the core
    // checkpoints what it consumed, at most one interval ago)
    expect(before.checkpointNext).not.toBeNull();
    expect(before.first).toBe(0);
    expect(before.last).toBeGreaterThanOrEqual(before.checkpointNext! - 1);
    const behind = before.last - before.checkpointNext! + 1;

    const second = new MainJob(projectRoot(), env);
    jobs.push(second);
    await eventually(() => second.find('feed resumed').length > 0 && second.find('| fills ').length > 0, 60_000, 'second run resumed');
    // Every journaled tick after the checkpoint is re-published, in order, before any live tick
    const rewind = second.find('journal re-published from the last checkpoint')[0] as { from?: number; to?: number; rewound?: number } | undefined;
    if (behind > 0) expect(rewind).toMatchObject({ from: before.checkpointNext, to: before.last, rewound: behind });
    else expect(rewind).toBeUndefined();
    // The restored core's first traded tick is exactly the checkpoint's position: nothing skipped
    const resumed = second.find('feed resumed')[0] as { restoredFeedSeq?: number; firstFeedSeq?: number };
    expect(resumed).toMatchObject({ msg: 'feed resumed at the checkpoint', restoredFeedSeq: before.checkpointNext, firstFeedSeq: before.checkpointNext });
    // Live ticks continue the journal's positions
    await eventually(() => second.publishedFills() >= 1, 60_000, 'fills after the restart');
    second.child.kill('SIGTERM');
    expect((await second.exited).code, second.stderr).toBe(0);

    const after = journalState(lmdb);
    expect(after.last).toBeGreaterThan(before.last);
    const dump = await readStoreAt(lmdb);
    expect(dump.fills.length).toBeGreaterThan(0);
    expect(dump.fills.map((f) => f.fillSeq)).toEqual(dump.fills.map((_, i) => i + 1));
    expect(new Set(dump.fills.map((f) => f.tradeId)).size).toBe(dump.fills.length);
  }, 180_000);
});
