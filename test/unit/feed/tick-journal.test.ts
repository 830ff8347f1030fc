// The live-tick journal on a real LMDB in a temp dir: ticks come back from any position in order and
// field for field, a reopened journal continues the positions, and prune keeps only the newest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tick } from '../../../src/domain/types.js';
import { TickJournal } from '../../../src/services/feed/tick-journal.js';
import { K } from '../../../src/store/keyspace.js';
import { openStore } from '../../../src/store/lmdb.js';

const dirs: string[] = [];
const dbs: RootDatabase[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(): { db: RootDatabase; path: string } {
  const path = mkdtempSync(join(tmpdir(), 'ap-journal-'));
  dirs.push(path);
  const db = openStore({ path, durability: 'nosync' });
  dbs.push(db);
  return { db, path };
}

const tick = (i: number): Tick => ({
  token: 256265 + (i % 3),
  ltp: 10_000 + i,
  lastQty: i % 7,
  avgPrice: 9_990 + i,
  volume: 1000 * i,
  buyQty: 5,
  sellQty: 6,
  open: 9_900,
  high: 10_500,
  low: 9_800,
  close: 9_950,
  oi: 0,
  oiDayHigh: 0,
  oiDayLow: 0,
  divisor: 100,
  tradable: true,
  exchangeTs: 1_700_000_000_000 + i,
  lastTradeTs: 1_700_000_000_000 + i,
  depthBuy: [{ price: 9_999, quantity: 3, orders: 1 }],
  depthSell: [{ price: 10_001, quantity: 4, orders: 2 }],
});

describe('tick journal', () => {
  it('returns the journaled ticks from a position, in order and field for field, and continues positions after a reopen', async () => {
    const { db } = store();
    const j = new TickJournal(db, 1000);
    expect(j.next).toBe(0);
    for (let i = 0; i < 10; i++) j.append(tick(i), j.next);
    await db.committed;
    const back = [...j.from(6)];
    expect(back.map((t) => t.feedSeq)).toEqual([6, 7, 8, 9]);
    for (const t of back) {
      const want = tick(t.feedSeq!);
      expect({ ...t, depthBuy: t.depthBuy.slice(0, 1), depthSell: t.depthSell.slice(0, 1) }).toMatchObject({ ...want, feedSeq: t.feedSeq });
    }
    // A new journal on the same store (a restarted feed) numbers on from the last one
    const again = new TickJournal(db, 1000);
    expect(again.next).toBe(10);
  });

  it('prune keeps the newest `keep` ticks and nothing older', async () => {
    const { db } = store();
    const j = new TickJournal(db, 25);
    for (let i = 0; i < 100; i++) j.append(tick(i), j.next);
    await db.committed;
    await j.prune();
    const seqs = [...db.getKeys(K.tickJournalRange(0, Number.MAX_SAFE_INTEGER))].map((k) => (k as unknown[])[1]);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => 75 + i));
  });
});
