// The equity curve starts at the configured capital: the portfolio manager's glue (books opened for
// every enabled strategy, snapshot tracker, interval writes) against a real temp LMDB, read back
// with the gateway's own equity reader. Before books were opened eagerly the first point was 0
// and the curve jumped by one starting cash at each strategy's first fill.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { commitWrites } from '../../../src/services/portfolio/fill-log.js';
import { bookWrites, catchUpFills, loadBooks, openStrategyBooks } from '../../../src/services/portfolio/books.js';
import { intervalWrites, SnapshotTracker } from '../../../src/services/portfolio/snapshots.js';
import { readEquity } from '../../../src/gateway/equity.js';
import { mkFill } from '../portfolio/fill-factory.js';

let db: RootDatabase | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  db = undefined;
  dir = undefined;
});
function store(): RootDatabase {
  dir = mkdtempSync(join(tmpdir(), 'ap-pbooks-'));
  db = openStore({ path: dir, durability: 'nosync' });
  return db;
}

const CAPITAL = 100_000_000; // 10 lakh rupees in paise
const enabled = [
  { id: 'a', broker: 'paper' as const },
  { id: 'b', broker: 'paper' as const },
  { id: 'c', broker: 'paper' as const },
  // A strategy of an inactive broker opens nothing
  { id: 'z', broker: 'zerodha' as const },
];

describe('openStrategyBooks', () => {
  it('starts the equity curve at capital × enabled strategies, with no jump at a first fill', async () => {
    const d = store();
    const books = loadBooks(d, ['paper'], () => ({ startingCash: CAPITAL }));
    expect([...openStrategyBooks(books, enabled)]).toEqual(['paper']);
    expect(books.has('zerodha')).toBe(false);
    const tracker = new SnapshotTracker();
    const interval = async (ts: number): Promise<void> => {
      const out = tracker.collect(books, ts);
      await commitWrites(d, 'nosync', [...bookWrites(books, ['paper']), ...intervalWrites(d, out, ts)]);
    };
    await interval(1000);

    // Strategy b's first round trip: +5 rupees gross on 10 shares, 3 paise fees on each fill
    await commitWrites(d, 'nosync', [
      { kind: 'put', key: K.fill('paper', 1), value: mkFill({ strategyId: 'b', side: 'BUY', quantity: 10, price: 10_000, fees: 3, fillSeq: 1 }) },
      { kind: 'put', key: K.fill('paper', 2), value: mkFill({ strategyId: 'b', side: 'SELL', quantity: 10, price: 10_050, fees: 3, fillSeq: 2 }) },
    ]);
    expect(catchUpFills(d, 'paper', books.get('paper')!).applied).toBe(2);
    await interval(2000);

    d.resetReadTxn();
    const curve = readEquity(d, 'paper', 0, 10_000, 100).points;
    expect(curve.map((p) => p.equity)).toEqual([3 * CAPITAL, 3 * CAPITAL + 500 - 6]);
    expect(curve[0]!.netPnl).toBe(0);
  });

  it('keeps an existing book (stored state) and is idempotent', async () => {
    const d = store();
    const books = loadBooks(d, ['paper'], () => ({ startingCash: CAPITAL }));
    openStrategyBooks(books, enabled.slice(0, 1));
    await commitWrites(d, 'nosync', [{ kind: 'put', key: K.fill('paper', 1), value: mkFill({ strategyId: 'a', side: 'BUY', quantity: 1, price: 100, fees: 1, fillSeq: 1 }) }]);
    catchUpFills(d, 'paper', books.get('paper')!);
    await commitWrites(d, 'nosync', bookWrites(books, ['paper']));

    d.resetReadTxn();
    const again = loadBooks(d, ['paper'], () => ({ startingCash: CAPITAL }));
    expect([...openStrategyBooks(again, enabled)]).toEqual(['paper']); // b and c are new
    expect([...openStrategyBooks(again, enabled)]).toEqual([]);
    const a = again.get('paper')!.brokers.get('paper')!.strategies.get('a')!;
    expect(a.cash).toBe(CAPITAL - 101);
    expect(a.positions.get(256265)?.qty).toBe(1);
  });
});
