// LMDB store (lmdb-js): opened once per thread (lmdb-js shares one MDB_env per process), probed for
// readiness before any actor that needs it starts (seed fix 4), and the "effect + consumer
// position in one transaction" helper that makes restarts neither lose nor repeat work.
//
// Durability modes:
//   overlapping (default) - commits are durable once the next sync completes (lmdb-js
//                           overlappingSync); a PROCESS kill never loses a resolved commit (the OS
//                           has the pages), a power loss may lose the last moments.
//   strict                - every commit is fsynced before its promise resolves (power-loss safe).
//   nosync                - no fsync at all; process-kill safe, not power-loss safe. Benchmarks only.
// Measured exception (README, Durability, open defect): in overlapping and nosync, another PROCESS
// opening this environment while commits are unsynced lost some resolved commits; strict did not.
import { open, type RootDatabase } from 'lmdb';
import { appError } from '../errors.js';
import { registerStoreCap } from './cap.js';

export type Durability = 'overlapping' | 'strict' | 'nosync';

export interface StoreOptions {
  readonly path: string;
  readonly durability: Durability;
  /**
   * The store cap (STORE__MAP_SIZE_MB): passed to lmdb-js as the initial map size, and enforced
   * before trading commits by src/store/cap.ts (lmdb-js would grow the map past it by itself).
   */
  readonly mapSizeMb?: number;
}

/** Opens (or joins, in another thread of this process) the environment at `path`. */
export function openStore(opts: StoreOptions): RootDatabase {
  let db: RootDatabase;
  try {
    db = open({
      path: opts.path,
      compression: false,
      encoding: 'msgpack',
      overlappingSync: opts.durability === 'overlapping',
      noSync: opts.durability === 'nosync',
      // Every actor thread takes a reader slot; leave room for restarts and the main thread.
      maxReaders: 256,
      ...(opts.mapSizeMb !== undefined ? { mapSize: opts.mapSizeMb * 1024 * 1024 } : {}),
    });
  } catch (e) {
    throw appError('ERR_STORE_UNAVAILABLE', { path: opts.path, reason: (e as Error).message }, e);
  }
  if (opts.mapSizeMb !== undefined) registerStoreCap(db, opts.path, opts.mapSizeMb);
  return db;
}

/**
 * Waits until no commit is in progress, so that what is read next includes it. An actor restores
 * its state at start; its predecessor may have died (crash, terminate) after lmdb-js began its
 * last transaction, and the writer then completes that commit on its own — possibly after the
 * supervisor has started the successor. A successor that restored from a plain read would miss it
 * and redo committed work. Taking the write lock once (an empty synchronous write transaction)
 * waits for the commit in progress. A transaction whose callback never ran (its thread is gone)
 * never commits, so nothing can land after this. Start-up only: it blocks the thread meanwhile.
 */
export function awaitPendingCommits(db: RootDatabase): void {
  db.transactionSync(() => undefined);
}

/** Proves the store can commit and read back; throws ERR_STORE_UNAVAILABLE otherwise. */
export async function probeStore(db: RootDatabase, path: string, stamp: number): Promise<void> {
  try {
    await db.put('sys/probe', { stamp });
    const back = db.get('sys/probe') as { stamp?: number } | undefined;
    if (back?.stamp !== stamp) throw new Error('probe value did not read back');
  } catch (e) {
    throw appError('ERR_STORE_UNAVAILABLE', { path, reason: (e as Error).message }, e);
  }
}

/** Where a consumer stands on a topic: the ring epoch (run id) and the last applied sequence. */
export interface ConsumerPosition {
  readonly epoch: string;
  readonly seq: number;
}

export function positionKey(consumer: string, topic: string): string {
  return `pos/${consumer}/${topic}`;
}

export function readPosition(db: RootDatabase, consumer: string, topic: string): ConsumerPosition | undefined {
  return db.get(positionKey(consumer, topic)) as ConsumerPosition | undefined;
}

/**
 * True when a record was already applied: same ring epoch and a sequence at or below the stored
 * position. A new epoch (the process restarted, rings are fresh) never counts as applied.
 */
export function alreadyApplied(pos: ConsumerPosition | undefined, epoch: string, seq: number): boolean {
  return pos !== undefined && pos.epoch === epoch && seq <= pos.seq;
}
