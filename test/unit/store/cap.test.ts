// The store cap (src/store/cap.ts) on a real LMDB in a temp dir with a tiny STORE__MAP_SIZE_MB:
// lmdb-js alone grows the map past it (which is why the cap is enforced by us), trading commits are
// then refused with ERR_STORE_FULL before their transaction (portfolio/risk writes, the engine's
// committer, the fused core's checkpoints), everything committed before stays readable, and
// deleting data (retention) makes room again.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { isAppError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/lmdb.js';
import { assertStoreRoom, storeCapBytes, storeUsage, storeWriteError, USAGE_CACHE_MS } from '../../../src/store/cap.js';
import { commitWrites } from '../../../src/services/portfolio/fill-log.js';
import { Checkpointer } from '../../../src/runtime/checkpoint.js';

let db: RootDatabase | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  db = undefined;
  dir = undefined;
});
function store(mapSizeMb?: number): RootDatabase {
  dir = mkdtempSync(join(tmpdir(), 'ap-cap-'));
  db = openStore({ path: dir, durability: 'nosync', ...(mapSizeMb !== undefined ? { mapSizeMb } : {}) });
  return db;
}
const blob = 'x'.repeat(16 * 1024);

/** Commits 16 KB records one by one until the cap refuses one; returns the keys that committed. */
async function fillUp(d: RootDatabase, max = 20_000): Promise<{ committed: number[]; error: unknown }> {
  const committed: number[] = [];
  for (let i = 0; i < max; i++) {
    try {
      await commitWrites(d, 'nosync', [{ kind: 'put', key: ['blob', i], value: blob }]);
      committed.push(i);
    } catch (error) {
      return { committed, error };
    }
  }
  return { committed, error: undefined };
}

describe('store cap', () => {
  it('lmdb-js alone grows the map past mapSize: without our cap nothing fails', async () => {
    const d = store();
    const before = storeUsage(d);
    for (let i = 0; i < 200; i++) await d.put(['blob', i], blob);
    const after = storeUsage(d);
    expect(storeCapBytes(d)).toBeUndefined();
    expect(after.usedBytes).toBeGreaterThan(before.usedBytes + 200 * 16 * 1024);
    expect(after.fileBytes).toBeGreaterThanOrEqual(after.usedBytes - 2 * after.pageSize);
    expect(() => assertStoreRoom(d)).not.toThrow();
  });

  it('refuses trading commits with ERR_STORE_FULL once the pages in use reach the cap; committed data stays intact', async () => {
    const d = store(2);
    expect(storeCapBytes(d)).toBe(2 * 1024 * 1024);
    const { committed, error } = await fillUp(d);
    expect(isAppError(error, 'ERR_STORE_FULL')).toBe(true);
    const e = error as Error;
    expect(e.message).toMatch(/is full \(\d+\.\d MB in use, cap 2 MB\)/);
    expect(e.message).toMatch(/STORE__MAP_SIZE_MB/);
    // The cap is checked at most every USAGE_CACHE_MS: past it by at most that much writing
    expect(storeUsage(d).usedBytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(committed.length).toBeGreaterThan(50);
    for (const i of committed) expect(d.get(['blob', i])).toBe(blob);
    expect(d.get(['blob', committed.length])).toBeUndefined();
    // Every further commit is refused at once (no transaction started)
    await expect(commitWrites(d, 'nosync', [{ kind: 'put', key: ['late'], value: 1 }])).rejects.toMatchObject({ code: 'ERR_STORE_FULL' });
    expect(d.get(['late'])).toBeUndefined();
  });

  it('refuses a checkpoint of the fused core before its transaction', async () => {
    const d = store(1);
    await fillUp(d);
    const failures: Error[] = [];
    let completed = 0;
    const cp = new Checkpointer({
      db: d,
      durability: 'nosync',
      capture: () => ({ write: (tx) => void tx.put(['checkpoint-probe'], 1), complete: () => void completed++ }),
      fail: (e) => failures.push(e),
    });
    void cp.trigger();
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    expect(failures[0]).toMatchObject({ code: 'ERR_STORE_FULL' });
    expect(completed).toBe(0);
    expect(d.get(['checkpoint-probe'])).toBeUndefined();
  });

  it('makes room again once data is deleted (what retention does)', async () => {
    const d = store(2);
    const { committed } = await fillUp(d);
    await d.transaction(() => {
      for (const i of committed) void d.remove(['blob', i]);
    });
    expect(() => assertStoreRoom(d, Date.now() + USAGE_CACHE_MS + 1)).not.toThrow();
    await commitWrites(d, 'nosync', [{ kind: 'put', key: ['after'], value: 1 }]);
    expect(d.get(['after'])).toBe(1);
  });

  it('classifies LMDB and disk space failures as ERR_STORE_FULL, anything else as ERR_STORE_WRITE', () => {
    expect(storeWriteError(new Error('MDB_MAP_FULL: Environment mapsize limit reached'), '/d').code).toBe('ERR_STORE_FULL');
    expect(storeWriteError(Object.assign(new Error('write failed'), { code: 'ENOSPC' })).code).toBe('ERR_STORE_FULL');
    expect(storeWriteError(new Error('No space left on device')).code).toBe('ERR_STORE_FULL');
    expect(storeWriteError(new Error('MDB_BAD_TXN')).code).toBe('ERR_STORE_WRITE');
  });
});
