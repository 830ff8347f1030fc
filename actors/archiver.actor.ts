// Archiver actor: retention on its own thread, under the root supervisor (not trading_sup), so no
// trading thread pays for it and a trading halt does not stop it. Every STORE__RETENTION_INTERVAL_MS
// it runs one round per broker (src/services/retention/retention.ts): finished orders and fills
// older than STORE__RETENTION_DAYS go to `<dataDir>/archive/<broker>/` (gzip JSON Lines) and are then
// deleted from LMDB in batches. The first round runs one interval after start, so a short run (a
// test, a quick replay) never sees retention. It also reports the store's usage against the cap.
//
// An archive write failure (disk full, permissions) deletes nothing: it is logged with
// ERR_ARCHIVE_WRITE, health goes degraded and the next round retries. Any other failure (LMDB) is
// thrown and the actor restarts; at one round per interval that cannot crash-loop the root.
import { join, resolve } from 'node:path';
import type { AppConfig } from '../src/config.js';
import { appError, isAppError } from '../src/errors.js';
import type { Broker } from '../src/domain/types.js';
import { commandTable, defineActor, type ActorHealth } from '../src/runtime/actor.js';
import { DAY_MS, runRetention, type RetentionReport } from '../src/services/retention/retention.js';
import { storeCapBytes, storeUsage, type StoreUsage } from '../src/store/cap.js';

interface Args {
  brokers?: Broker[];
}

/** Share of the cap at which the archiver warns (once per crossing). */
const WARN_SHARE = 0.8;

export default defineActor<AppConfig>((ctx) => {
  const config = ctx.config;
  const brokers: Broker[] = (ctx.args as Args).brokers ?? ['paper'];
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: 'the archiver needs the store' });
  const archiveDir = join(resolve(config.app.dataDir), 'archive');
  const retentionMs = config.store.retentionDays * DAY_MS;
  const totals = { rounds: 0, fills: 0, orders: 0, failures: 0 };
  let last: RetentionReport[] = [];
  let health: ActorHealth = { status: 'healthy' };
  let running: Promise<RetentionReport[]> | null = null;
  let warned = false;
  let stopping = false;

  function usage(): (StoreUsage & { capBytes: number | null }) | null {
    try {
      return { ...storeUsage(db!), capBytes: storeCapBytes(db!) ?? null };
    } catch {
      return null;
    }
  }

  function checkUsage(): void {
    const u = usage();
    if (u === null || u.capBytes === null) return;
    const high = u.usedBytes >= u.capBytes * WARN_SHARE;
    if (high && !warned) ctx.log.warn({ usedBytes: u.usedBytes, capBytes: u.capBytes }, 'store above 80% of its cap (STORE__MAP_SIZE_MB): trading halts with ERR_STORE_FULL when it is reached');
    warned = high;
  }

  async function round(): Promise<RetentionReport[]> {
    const reports: RetentionReport[] = [];
    try {
      for (const broker of brokers) {
        if (stopping) break;
        const r = await runRetention(db!, broker, { retentionMs, archiveDir, durability: ctx.durability, shouldStop: () => stopping });
        reports.push(r);
        totals.fills += r.fills;
        totals.orders += r.orders;
        if (r.fills + r.orders > 0 || r.recovered) {
          ctx.log.info({ broker, fills: r.fills, orders: r.orders, batches: r.batches, cutoffTs: r.cutoffTs, fillLimitSeq: r.fillLimitSeq, recovered: r.recovered, files: [...r.files] }, 'retention: archived and deleted');
        }
      }
      health = { status: 'healthy' };
    } catch (e) {
      if (!isAppError(e, 'ERR_ARCHIVE_WRITE')) throw e;
      totals.failures++;
      health = { status: 'degraded', detail: e.message };
      ctx.log.error({ code: e.code, ...e.detail }, e.message);
    }
    totals.rounds++;
    last = reports;
    checkUsage();
    return reports;
  }

  /** Runs a round unless one is in flight (then waits for that one). */
  function trigger(): Promise<RetentionReport[]> {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    start() {
      checkUsage();
      if (retentionMs <= 0) ctx.log.info('retention off (STORE__RETENTION_DAYS=0): orders and fills are kept forever');
      ctx.every(config.store.retentionIntervalMs, () => {
        if (retentionMs <= 0) return checkUsage();
        // A failed round rejects outside the timer: the actor crashes and restarts (let it crash)
        void trigger().catch((e: unknown) =>
          setImmediate(() => {
            throw e;
          }),
        );
      });
    },
    async stop() {
      // Ends the round between two batches: a stop never waits for a whole backlog
      stopping = true;
      await running?.catch(() => undefined);
    },
    snapshot: () => ({
      retentionDays: config.store.retentionDays,
      archiveDir,
      totals: { ...totals },
      last: last.map((r) => ({ ...r, files: [...r.files] })),
      usage: usage(),
    }),
    health: () => health,
    call: commandTable({
      // Tests and operators: run a round now (answers with what it did)
      'retention-round': async () => (await trigger()).map((r) => ({ ...r, files: [...r.files] })),
    }),
  };
});
