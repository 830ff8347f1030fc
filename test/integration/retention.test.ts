// Retention and the store cap on the REAL tree (actors/tree.ts via the system factory, real workers
// and LMDB in a temp dir). (1) With one-second synthetic sessions and a two-day horizon, the
// archiver archives and deletes while the pipeline trades; after the stop, the archive + the LMDB
// log is one exact fill set, the stored portfolio and risk states equal fold(archive + log), and
// retention's own invariants hold. (2) With a tiny STORE__MAP_SIZE_MB the trading commits are
// refused with ERR_STORE_FULL, trading_sup halts with that reason, the archiver and monitor stay
// up, and everything committed is intact and consistent.
// Build first: npx tsc -p tsconfig.build.json (workers run dist/).
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually } from '../support/system.js';
import { CLEAN_FILL_SET, fillSetChecker, orderChecker, positionReplayChecker, readStoreAt, retentionChecker, withArchive } from '../support/checkers.js';
import { actorStatus, snap, supervisorStatus } from '../fixtures/pipeline-harness.js';
import { archiveFiles } from '../../src/services/retention/archive.js';

const START_CASH = 100_000_000;

let handle: (PipelineHandle & { cleanup: () => void }) | undefined;
afterEach(async () => {
  await handle?.stop();
  handle?.cleanup();
  handle = undefined;
});

interface ArchiverSnap {
  readonly totals: { readonly rounds: number; readonly fills: number; readonly orders: number; readonly failures: number };
  readonly usage: { readonly usedBytes: number; readonly capBytes: number | null } | null;
}

/** Stops the system now (the store is then read in this process); afterEach only cleans up. */
async function stopNow(p: PipelineHandle & { cleanup: () => void }): Promise<void> {
  await p.system.stop();
  handle = { ...p, stop: () => Promise.resolve() };
}

/** Last error codes of the trading actors of either topology. */
function tradingErrorCodes(p: PipelineHandle): (string | undefined)[] {
  const names = ['portfolio-manager', 'risk-manager', 'trading-engine-paper', 'trading-core-paper', 'market-feed', 'strategy-runner'];
  return names.flatMap((n) => {
    try {
      return [actorStatus(p.system, n).lastError?.code];
    } catch {
      return []; // not in this topology
    }
  });
}

describe.each(['split', 'fused'] as const)('retention on the real tree (%s topology)', (topology) => {
  it('archives and deletes while trading; positions = fold(archive + remaining log) after the stop', async () => {
    const p = await startPipeline({
      RUNTIME__TOPOLOGY: topology,
      RISK__MAX_DAILY_TRADES: '100000',
      MARKET_FEED__TICKS_PER_SECOND: '1000',
      MARKET_FEED__SYNTHETIC_SESSION_MS: '1000',
      STORE__RETENTION_DAYS: '2',
      STORE__RETENTION_INTERVAL_MS: '500',
    });
    handle = p;
    await eventually(
      async () => {
        const a = await snap<ArchiverSnap>(p.system, 'archiver');
        return a.totals.fills >= 30 && a.totals.orders >= 30;
      },
      90_000,
      'the archiver to archive 30 fills and 30 orders',
    );
    await stopNow(p);
    const archiveDir = join(p.dataDir, 'archive');
    expect(archiveFiles(archiveDir, 'paper', 'fills').length).toBeGreaterThan(0);
    expect(archiveFiles(archiveDir, 'paper', 'orders').length).toBeGreaterThan(0);

    const dump = withArchive(await readStoreAt(p.config.store.path!), archiveDir);
    expect(dump.archivedFillSeqs.size).toBeGreaterThanOrEqual(30);
    expect(dump.loggedFills.length).toBeLessThan(dump.fills.length);
    expect(retentionChecker(dump)).toEqual([]);
    expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
    expect(orderChecker(dump.orders)).toEqual([]);
    const r = positionReplayChecker(dump, { startingCash: START_CASH, requireRisk: true });
    expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
  }, 150_000);

  it('halts trading with ERR_STORE_FULL at the store cap; committed data stays intact', async () => {
    const p = await startPipeline({
      RUNTIME__TOPOLOGY: topology,
      RISK__MAX_DAILY_TRADES: '100000',
      MARKET_FEED__TICKS_PER_SECOND: '2000',
      STORE__MAP_SIZE_MB: '3',
      STORE__RETENTION_DAYS: '0',
    });
    handle = p;
    await eventually(() => supervisorStatus(p.system, 'trading_sup').state === 'halted', 120_000, 'trading_sup to halt at the cap');
    const sup = supervisorStatus(p.system, 'trading_sup');
    expect(sup.lastError?.code).toBe('ERR_SUPERVISOR_HALTED');
    expect(sup.lastError?.message).toMatch(/is full .*STORE__MAP_SIZE_MB/);
    // The actor that hit the cap says so with the code itself
    expect(tradingErrorCodes(p)).toContain('ERR_STORE_FULL');
    // Outside trading_sup everything keeps running, and the archiver reports the usage
    expect(actorStatus(p.system, 'pipeline-monitor').state).toBe('running');
    expect(actorStatus(p.system, 'archiver').state).toBe('running');
    const a = await snap<ArchiverSnap>(p.system, 'archiver');
    expect(a.usage?.capBytes).toBe(3 * 1024 * 1024);
    expect(a.usage!.usedBytes).toBeGreaterThanOrEqual(3 * 1024 * 1024);

    await stopNow(p);
    expect(existsSync(join(p.dataDir, 'archive'))).toBe(false);
    const dump = await readStoreAt(p.config.store.path!);
    expect(dump.fills.length).toBeGreaterThan(0);
    expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
    expect(orderChecker(dump.orders)).toEqual([]);
    const r = positionReplayChecker(dump, { startingCash: START_CASH, requireRisk: true });
    expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
  }, 180_000);
});
