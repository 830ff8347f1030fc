// The checkpointer on a real LMDB in a temp dir: one checkpoint in flight, triggers during it
// coalesce into exactly one follow-up that captures everything handled before them, outputs are
// released only after their transaction committed and in checkpoint order, nothing captured costs
// no transaction, and a failed commit is handed to `fail` as a catalogued error (never released).
import { afterEach, describe, expect, it } from 'vitest';
import type { RootDatabase } from 'lmdb';
import { Checkpointer } from '../../../src/runtime/checkpoint.js';
import { openStore } from '../../../src/store/lmdb.js';
import { isAppError } from '../../../src/errors.js';
import { eventually, tempDir } from '../../support/system.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function store(): RootDatabase {
  const dir = tempDir('ap-ckpt-');
  const db = openStore({ path: dir.path, durability: 'overlapping' });
  cleanups.push(dir.cleanup, () => db.close());
  return db;
}

describe('Checkpointer', () => {
  it('commits each capture before releasing it, in order, and coalesces triggers made while one is in flight', async () => {
    const db = store();
    let handled = 0; // the "state": how many messages were handled
    let captured = 0;
    const released: { n: number; handled: number; committed: unknown }[] = [];
    const cp = new Checkpointer({
      db,
      durability: 'overlapping',
      capture: (n) => {
        if (handled === captured) return null;
        captured = handled;
        const at = handled;
        return {
          write: (tx) => void tx.put(['ckpt-test', 'state'], { n, handled: at }),
          // What the outside may see now: the state of this checkpoint is already committed
          complete: () => released.push({ n, handled: at, committed: db.get(['ckpt-test', 'state']) }),
        };
      },
    });
    handled = 3;
    const first = cp.trigger(); // starts checkpoint 1 at once (3 handled)
    handled = 5;
    const second = cp.trigger(); // in flight: waits for one follow-up
    handled = 8;
    const third = cp.trigger(); // coalesces with the second
    await Promise.all([first, second, third]);
    expect(released.map((r) => [r.n, r.handled])).toEqual([
      [1, 3],
      [2, 8],
    ]);
    expect(released.map((r) => r.committed)).toEqual([
      { n: 1, handled: 3 },
      { n: 2, handled: 8 },
    ]);
    expect(cp.completed).toBe(2);

    // Nothing new: no transaction, resolves at once
    await cp.trigger();
    expect(cp.completed).toBe(2);
    expect(cp.stats.empty).toBe(1);
  });

  it('continues the numbering of a restored checkpoint and refuses new ones after close', async () => {
    const db = store();
    let dirty = true;
    const seen: number[] = [];
    const cp = new Checkpointer(
      {
        db,
        durability: 'strict',
        capture: (n) => {
          if (!dirty) return null;
          dirty = false;
          return { write: (tx) => void tx.put(['ckpt-test', n], n), complete: () => seen.push(n) };
        },
      },
      41,
    );
    await cp.close();
    dirty = true;
    await cp.trigger();
    expect(seen).toEqual([42]);
    expect(db.get(['ckpt-test', 42])).toBe(42);
  });

  it('hands a failed commit to fail as a catalogued error and releases nothing of it', async () => {
    const db = store();
    const failures: Error[] = [];
    let released = 0;
    const cp = new Checkpointer({
      db,
      durability: 'overlapping',
      capture: () => ({
        write: () => {
          throw new Error('disk on fire');
        },
        complete: () => released++,
      }),
      fail: (e) => failures.push(e),
    });
    void cp.trigger();
    await eventually(() => failures.length > 0, 10_000, 'the failed commit reported');
    expect(released).toBe(0);
    expect(failures).toHaveLength(1);
    expect(isAppError(failures[0]) ? failures[0].code : 'not catalogued').toBe('ERR_STORE_WRITE');
  });
});
