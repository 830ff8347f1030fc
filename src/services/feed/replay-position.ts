// Replay resume position persisted in LMDB (K.feedReplay()). A file is recognised by a fingerprint
// of its first bytes (sha1 of the first `headBytes`, at most 64 KiB): appending to a file keeps its
// fingerprint, so a grown recording resumes after the ticks already replayed, while a different
// file starts from tick 0. The position counts decoded ticks (bars give 4), not lines.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { isCheckpointRecord, type FileFingerprint } from '../../protocol/checkpoint.js';
export type { FileFingerprint };

/** Version tag of {@link ReplayPosition}. */
export const REPLAY_POSITION_VERSION = 1;

/** Largest head hashed for the fingerprint. */
export const FINGERPRINT_BYTES = 65_536;


/** What is stored under K.feedReplay(). */
export interface ReplayPosition {
  readonly v: typeof REPLAY_POSITION_VERSION;
  readonly file: string;
  readonly fingerprint: FileFingerprint;
  /** Ticks of the file already published (the index of the next tick to publish). */
  readonly ticks: number;
  readonly complete: boolean;
  readonly savedAt: number;
}

/** Reads up to `bytes` from the start of `path` (throws when the file cannot be read). */
export function readHead(path: string, bytes = FINGERPRINT_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    let n = 0;
    while (n < bytes) {
      const r = readSync(fd, buf, n, bytes - n, n);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Fingerprint of a file head (its first `headBytes` bytes). */
export function fingerprintOf(head: Buffer): FileFingerprint {
  return { headBytes: head.length, sha1: createHash('sha1').update(head).digest('hex') };
}

/** True when `head` (the current file's first bytes, at least as many as stored) matches `fp`. */
export function sameFile(fp: FileFingerprint, head: Buffer): boolean {
  if (head.length < fp.headBytes) return false;
  return createHash('sha1').update(head.subarray(0, fp.headBytes)).digest('hex') === fp.sha1;
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** Structural check of a stored position. */
export function isReplayPosition(x: unknown): x is ReplayPosition {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Record<string, unknown>;
  const fp = p['fingerprint'] as Record<string, unknown> | null | undefined;
  return (
    p['v'] === REPLAY_POSITION_VERSION &&
    typeof p['file'] === 'string' &&
    typeof fp === 'object' &&
    fp !== null &&
    isCount(fp['headBytes']) &&
    typeof fp['sha1'] === 'string' &&
    isCount(p['ticks']) &&
    typeof p['complete'] === 'boolean' &&
    isCount(p['savedAt'])
  );
}

/** Why the replay starts where it does. */
export type ResumeReason = 'fresh' | 'resumed' | 'other-file' | 'invalid';

/** Index of the first tick to publish given the stored record and the current file head. */
export function resumePoint(stored: unknown, head: Buffer): { readonly from: number; readonly reason: ResumeReason } {
  if (stored === undefined || stored === null) return { from: 0, reason: 'fresh' };
  if (!isReplayPosition(stored)) return { from: 0, reason: 'invalid' };
  if (!sameFile(stored.fingerprint, head)) return { from: 0, reason: 'other-file' };
  return { from: stored.ticks, reason: 'resumed' };
}

/**
 * Rewinds a resume point to the oldest checkpoint of this file (K.checkpoint records of the
 * checkpointing consumers): ticks after a consumer's last completed checkpoint are not in its
 * state, so they must be published again, whatever the feed itself had published before a crash.
 */
export function rewindToCheckpoints(from: number, checkpoints: readonly unknown[], head: Buffer): number {
  let to = from;
  for (const c of checkpoints) {
    if (!isCheckpointRecord(c) || c.replay === null || !sameFile(c.replay.fingerprint, head)) continue;
    if (c.replay.nextFeedSeq < to) to = c.replay.nextFeedSeq;
  }
  return to;
}
