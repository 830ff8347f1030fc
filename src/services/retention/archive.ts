// The retention archive: gzip-compressed JSON Lines under `<dataDir>/archive/<broker>/`, one file per
// kind (fills, orders) and UTC day of the records' own time: `fills-2026-12-03.jsonl.gz`. Each
// append is one gzip member (RFC 1952 allows a file of several members; `gunzip`, `zcat` and
// node:zlib read them as one stream), written and fsynced before the caller deletes anything from
// LMDB; a new file's directory entry is fsynced too. Appends are synchronous: they run on the
// archiver's own thread, never on a trading thread.
//
// Exactly once: the caller records the file's size before an append (src/services/retention/
// retention.ts); after a crash between the append and the LMDB delete, the file is truncated back
// to that size and the batch is archived again, so no record is archived twice.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Broker } from '../../domain/types.js';

/** What an archive file holds. */
export type ArchiveKind = 'fills' | 'orders';

const DAY_MS = 86_400_000;

/** The UTC day (`YYYY-MM-DD`) of a record time in epoch ms. */
export function archiveDay(ts: number): string {
  return new Date(Math.floor(ts / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** The archive file of (broker, kind, day) under `archiveDir` (`<dataDir>/archive`). */
export function archiveFile(archiveDir: string, broker: Broker, kind: ArchiveKind, day: string): string {
  return join(archiveDir, broker, `${kind}-${day}.jsonl.gz`);
}

/** Size of `file` in bytes, 0 when it does not exist. */
export function archiveSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends `records` to `file` as one gzip member of JSON lines and fsyncs it (and the directory,
 * when the file is new). Returns the file size after the append. Throws on any I/O error.
 */
export function appendArchive(file: string, records: readonly unknown[]): number {
  if (records.length === 0) return archiveSize(file);
  const dir = dirname(file);
  const created = !existsSync(file);
  if (created) mkdirSync(dir, { recursive: true });
  const member = gzipSync(Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8'));
  const fd = openSync(file, 'a', 0o600);
  try {
    let off = 0;
    while (off < member.length) off += writeSync(fd, member, off, member.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The new name must survive a power loss too, or the deleted records would be nowhere
  if (created) fsyncPath(dir);
  return archiveSize(file);
}

/** Cuts `file` back to `size` bytes (undoing an append whose delete never committed). */
export function truncateArchive(file: string, size: number): void {
  if (!existsSync(file) || statSync(file).size <= size) return;
  truncateSync(file, size);
  fsyncPath(file);
}

/** The records of one archive file, in append order. */
export function readArchiveFile(file: string): unknown[] {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
}

/** Every archive file of (broker, kind), oldest day first. */
export function archiveFiles(archiveDir: string, broker: Broker, kind: ArchiveKind): string[] {
  const dir = join(archiveDir, broker);
  if (!existsSync(dir)) return [];
  const re = new RegExp(`^${kind}-\\d{4}-\\d{2}-\\d{2}\\.jsonl\\.gz$`);
  return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => join(dir, f));
}

/** Every archived record of (broker, kind), oldest day first, in append order within a day. */
export function readArchive(archiveDir: string, broker: Broker, kind: ArchiveKind): unknown[] {
  return archiveFiles(archiveDir, broker, kind).flatMap((f) => readArchiveFile(f));
}
