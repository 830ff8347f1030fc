// One instance per data dir. Two main jobs on one LMDB store both trade: their engines clash on
// fill numbers and leave orders Filled with no fill in the log. The main job therefore takes an
// exclusive OS lock on `<dir>/.lock` before anything opens the store, and a second instance
// exits at once with ERR_INSTANCE_LOCKED naming the holder's pid.
//
// Why an OS lock and not a pid file: the kernel drops the lock when the holder dies, even by
// SIGKILL or a power cut, so there is no stale-lock guesswork (a recycled pid, a lock-file age)
// and a restarted instance takes over at once. On Linux fs-native-extensions takes an
// open-file-description lock (F_OFD_SETLK), owned by the one descriptor opened here: libuv opens
// it close-on-exec, so the gateway child process never inherits it, and a second open in this
// same process conflicts too (that is how the unit test sees a refusal without a second process).
//
// The file is never deleted: unlinking a lock file lets a waiting process lock the old inode while
// a third creates a new one. It stays: the holder's pid as JSON while held, emptied on release.
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync, constants } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';
import { appError } from '../errors.js';

/** Name of the lock file in each directory an instance owns (the data dir, an outside store dir). */
export const LOCK_FILE = '.lock';

/** What the holder writes into the lock file. */
export interface LockRecord {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface InstanceLock {
  readonly path: string;
  /**
   * The pid left by an earlier holder that ended without releasing (killed or crashed); undefined
   * after a clean release, which empties the file.
   */
  readonly previousPid: number | undefined;
  /** Empties the file, unlocks and closes the descriptor. Idempotent; a process exit also unlocks. */
  release(): void;
}

/** Times the holder's pid is re-read when the file is still empty (the holder is between lock and write). */
const PID_READS = 10;
const PID_READ_GAP_MS = 20;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function parseRecord(text: string): Partial<LockRecord> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Partial<LockRecord>) : undefined;
  } catch {
    return undefined;
  }
}

function recordedPid(path: string): number | undefined {
  try {
    const pid = parseRecord(readFileSync(path, 'utf8'))?.pid;
    return Number.isSafeInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the exclusive lock on `path` (created when missing) and records this process in it.
 * Throws ERR_INSTANCE_LOCKED when another live process holds it, ERR_DATA_DIR when the file cannot
 * be created or locked (read-only or missing directory, a file system without locks).
 */
export function acquireInstanceLock(path: string, now: () => Date = () => new Date()): InstanceLock {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  } catch (e) {
    throw appError('ERR_DATA_DIR', { path: dirname(path), reason: `cannot create lock file ${path}: ${(e as Error).message}` }, e);
  }
  let granted: boolean;
  try {
    granted = tryLock(fd);
  } catch (e) {
    closeSync(fd);
    throw appError('ERR_DATA_DIR', { path: dirname(path), reason: `cannot lock ${path}: ${(e as Error).message}` }, e);
  }
  if (!granted) {
    closeSync(fd);
    // The holder writes its pid right after locking: a reader that comes in between sees an
    // empty file, so it reads again for a moment before it gives up on naming the pid.
    let pid = recordedPid(path);
    for (let i = 0; pid === undefined && i < PID_READS; i++) {
      sleepSync(PID_READ_GAP_MS);
      pid = recordedPid(path);
    }
    throw appError('ERR_INSTANCE_LOCKED', { path, pid: pid ?? 'unknown' });
  }
  const previousPid = recordedPid(path);
  const record: LockRecord = { pid: process.pid, host: hostname(), startedAt: now().toISOString() };
  try {
    ftruncateSync(fd);
    writeSync(fd, `${JSON.stringify(record)}\n`, 0);
  } catch (e) {
    closeSync(fd);
    throw appError('ERR_DATA_DIR', { path: dirname(path), reason: `cannot write lock file ${path}: ${(e as Error).message}` }, e);
  }
  let held = true;
  return {
    path,
    previousPid: previousPid === process.pid ? undefined : previousPid,
    release() {
      if (!held) return;
      held = false;
      try {
        // Still under the lock: a later holder then knows this one ended cleanly
        ftruncateSync(fd);
        unlock(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
