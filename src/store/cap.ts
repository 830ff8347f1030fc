// The store cap (STORE__MAP_SIZE_MB). lmdb-js (3.x) grows the memory map by itself when LMDB runs out
// of pages (its addition to mdb_page_alloc), so `mapSize` alone never makes a write fail: the file
// grew to 462 MB in 5 minutes at 5 k ticks/s whatever the setting. The cap is therefore enforced
// here, before every trading commit (engine, trading core, portfolio and risk): when the pages IN
// USE reach the cap, the commit is refused with ERR_STORE_FULL before its transaction starts, so
// nothing half-written exists and everything committed stays intact. The actor crashes on it at
// every restart, the trading supervisor's intensity runs out, and trading_sup halts (README
// "Operations → Retention and archive").
//
// "In use" = the pages of the data tree + the pages of LMDB's free-list tree + the two meta pages.
// Pages freed by deletes (retention) are reused by LMDB before the file grows, so this figure goes
// down when retention deletes, while the data file itself never shrinks. A single commit may go
// past the cap by its own size (the check is before it); usage is measured at most every
// USAGE_CACHE_MS, so the cost per commit is a clock read.
//
// Writers that are bounded by design (the pipeline monitor's TTL'd history, the archiver's deletes)
// do not check: a full store must still let retention free pages.
import type { RootDatabase } from 'lmdb';
import { appError, type AlphaPandaError } from '../errors.js';

/** How often the usage is measured at most (per thread and store). */
export const USAGE_CACHE_MS = 200;

/** What the store holds, in bytes. */
export interface StoreUsage {
  readonly pageSize: number;
  /** Pages in use (data tree, free-list tree, meta pages) × page size. */
  readonly usedBytes: number;
  /** Highest page ever used × page size: about the size of the data file, which never shrinks. */
  readonly fileBytes: number;
}

interface TreeStat {
  readonly pageSize?: number;
  readonly treeBranchPageCount?: number;
  readonly treeLeafPageCount?: number;
  readonly overflowPages?: number;
}

const pages = (s: TreeStat | undefined): number => (s?.treeBranchPageCount ?? 0) + (s?.treeLeafPageCount ?? 0) + (s?.overflowPages ?? 0);

/** Measures the store (a few native calls: env info, tree stats of the data and free-list trees). */
export function storeUsage(db: RootDatabase): StoreUsage {
  const st = db.getStats() as TreeStat & { readonly root?: TreeStat; readonly free?: TreeStat; readonly lastPageNumber?: number };
  const pageSize = st.pageSize ?? 4096;
  // The root store is LMDB's main tree; named databases (none today) would be counted in `root`
  const data = Math.max(pages(st), pages(st.root));
  return { pageSize, usedBytes: (data + pages(st.free) + 2) * pageSize, fileBytes: ((st.lastPageNumber ?? 0) + 1) * pageSize };
}

const MB = 1024 * 1024;

interface CapState {
  readonly path: string;
  readonly capBytes: number;
  measuredAt: number;
  usedBytes: number;
}

// Per thread: the RootDatabase objects this thread opened with a cap (openStore registers them)
const caps = new WeakMap<RootDatabase, CapState>();

/** Makes `db` (opened at `path`) refuse trading commits once `capMb` MiB are in use. */
export function registerStoreCap(db: RootDatabase, path: string, capMb: number): void {
  caps.set(db, { path, capBytes: capMb * MB, measuredAt: Number.NEGATIVE_INFINITY, usedBytes: 0 });
}

/** The cap of `db` in bytes, undefined when none. */
export function storeCapBytes(db: RootDatabase): number | undefined {
  return caps.get(db)?.capBytes;
}

/**
 * Throws ERR_STORE_FULL when `db` has a cap and its pages in use reached it. Call it before a
 * trading commit's transaction. `nowMs` is injectable for tests (default Date.now).
 */
export function assertStoreRoom(db: RootDatabase, nowMs: number = Date.now()): void {
  const cap = caps.get(db);
  if (cap === undefined) return;
  if (nowMs - cap.measuredAt >= USAGE_CACHE_MS || cap.usedBytes >= cap.capBytes) {
    cap.usedBytes = storeUsage(db).usedBytes;
    cap.measuredAt = nowMs;
  }
  if (cap.usedBytes >= cap.capBytes) {
    throw appError('ERR_STORE_FULL', {
      path: cap.path,
      reason: `${(cap.usedBytes / MB).toFixed(1)} MB in use, cap ${(cap.capBytes / MB).toFixed(0)} MB`,
      usedBytes: cap.usedBytes,
      capBytes: cap.capBytes,
    });
  }
}

/**
 * The catalogued error of a failed LMDB write: ERR_STORE_FULL when LMDB or the disk ran out of room
 * (MDB_MAP_FULL, ENOSPC, EDQUOT), else ERR_STORE_WRITE.
 */
export function storeWriteError(e: unknown, path = '(store)'): AlphaPandaError {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown } | null)?.code;
  if (/MDB_MAP_FULL|ENOSPC|EDQUOT|No space left/i.test(message) || code === 'ENOSPC' || code === 'EDQUOT') {
    return appError('ERR_STORE_FULL', { path, reason: message }, e);
  }
  return appError('ERR_STORE_WRITE', { reason: message }, e);
}
