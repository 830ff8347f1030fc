// Glue of the portfolio manager without workers: group commit, fill-log catch-up exactly once
// against a real temp LMDB, snapshot change detection, equity pruning and command arguments, and
// the books of the enabled strategies opened at start (the equity curve starts at the capital:
// before, the first point was 0 and the curve jumped by one starting cash at each first fill).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { CommitCoalescer } from '../../../src/services/portfolio/coalescer.js';
import { commitWrites, readFillsAfter } from '../../../src/services/portfolio/fill-log.js';
import { bookWrites, catchUpFills, loadBooks, openStrategyBooks } from '../../../src/services/portfolio/books.js';
import { readEquity } from '../../../src/gateway/equity.js';
import { intervalWrites, snapshotPayload, SnapshotTracker } from '../../../src/services/portfolio/snapshots.js';
import { equitySummary, parsePositionsQuery, positionsOf } from '../../../src/services/portfolio/queries.js';
import { exportState, foldFills, markToMarket } from '../../../src/domain/portfolio/index.js';
import type { Fill } from '../../../src/domain/types.js';
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
  dir = mkdtempSync(join(tmpdir(), 'ap-pglue-'));
  db = openStore({ path: dir, durability: 'nosync' });
  return db;
}
const log = (d: RootDatabase, fills: readonly Fill[]) => commitWrites(d, 'nosync', fills.map((f) => ({ kind: 'put', key: K.fill(f.broker, f.fillSeq), value: f })));

describe('CommitCoalescer', () => {
  it('runs one commit at a time and serves every request made during a commit with ONE follow-up', async () => {
    const seen: number[] = [];
    let value = 0;
    let release: () => void = () => undefined;
    const c = new CommitCoalescer(async () => {
      seen.push(value); // captured synchronously at commit start
      await new Promise<void>((r) => (release = r));
    });
    const first = c.request();
    value = 1;
    const a = c.request();
    value = 2;
    const b = c.request();
    expect(c.busy).toBe(true);
    release();
    await first;
    await Promise.resolve();
    release();
    await Promise.all([a, b]);
    expect(seen).toEqual([0, 2]);
    expect(c.commits).toBe(2);
  });

  it('is poisoned by a failed commit: later requests reject without writing', async () => {
    let calls = 0;
    const c = new CommitCoalescer(async () => {
      calls += 1;
      throw new Error('disk full');
    });
    await expect(c.request()).rejects.toThrow('disk full');
    await expect(c.request()).rejects.toThrow('disk full');
    expect(calls).toBe(1);
  });
});

describe('fill log catch-up', () => {
  it('applies each logged fill once, from the stored watermark, and matches foldFills', async () => {
    const d = store();
    const fills = [
      mkFill({ side: 'BUY', quantity: 10, price: 1000, fillSeq: 1 }),
      mkFill({ side: 'SELL', quantity: 4, price: 1100, fees: 3, fillSeq: 2 }),
      mkFill({ side: 'BUY', quantity: 7, price: 990, strategyId: 's2', fillSeq: 3 }),
    ];
    await log(d, fills.slice(0, 2));
    const books = loadBooks(d, ['paper'], () => ({ startingCash: 5_000_000 }));
    expect(catchUpFills(d, 'paper', books.get('paper')!)).toEqual({ applied: 2, duplicates: 0 });
    expect(catchUpFills(d, 'paper', books.get('paper')!)).toEqual({ applied: 0, duplicates: 0 });
    await commitWrites(d, 'nosync', bookWrites(books, ['paper']));
    await log(d, [...fills.slice(2), { ...fills[0]!, fillSeq: 4 }]);
    const again = loadBooks(d, ['paper'], () => ({ startingCash: 1 }));
    expect(catchUpFills(d, 'paper', again.get('paper')!)).toEqual({ applied: 1, duplicates: 1 });
    expect(exportState(again.get('paper')!)).toEqual(exportState(foldFills([...fills, { ...fills[0]!, fillSeq: 4 }], { startingCash: 5_000_000 })));
  });

  it('refuses a record of another broker in the log (broken invariant)', async () => {
    const d = store();
    await commitWrites(d, 'nosync', [{ kind: 'put', key: K.fill('paper', 1), value: mkFill({ side: 'BUY', quantity: 1, price: 1, broker: 'zerodha', fillSeq: 1 }) }]);
    expect(() => readFillsAfter(d, 'paper', 0)).toThrow(/ERR_FILL_INVALID|not a paper fill/);
  });
});

describe('snapshots and equity', () => {
  it('reports only changed strategies, seeds from stored snapshots and prunes equity older than 7 days', async () => {
    const d = store();
    const state = foldFills([mkFill({ side: 'BUY', quantity: 2, price: 500, strategyId: 'x' }), mkFill({ side: 'BUY', quantity: 1, price: 700, strategyId: 'y', token: 9 })]);
    const books = new Map([['paper' as const, state]]);
    const tracker = new SnapshotTracker();
    const t0 = 1_700_000_000_000;
    const first = tracker.collect(books, t0);
    expect(first.snapshots.map((s) => s.strategyId)).toEqual(['x', 'y']);
    expect(first.equity).toHaveLength(1);
    expect(tracker.collect(books, t0 + 1000)).toEqual({ snapshots: [], equity: [] });
    markToMarket(state, 9, 750);
    const second = tracker.collect(books, t0 + 2000);
    expect(second.snapshots.map((s) => s.strategyId)).toEqual(['y']);
    expect(snapshotPayload(second.snapshots[0]!)).toMatchObject({ broker: 'paper', strategyId: 'y', unrealizedPnl: 50, totalPnl: 50, currencyDivisor: 100 });

    await d.put(K.equityPoint('paper', t0 - 8 * 86_400_000), { ts: 0 });
    await d.put(K.equityPoint('paper', t0 - 6 * 86_400_000), { ts: 1 });
    await commitWrites(d, 'nosync', intervalWrites(d, first, t0));
    await commitWrites(d, 'nosync', intervalWrites(d, second, t0 + 2000));
    const kept = [...d.getRange(K.equityRange('paper', 0, Number.MAX_SAFE_INTEGER))].map((e) => (e.key as unknown[])[2]);
    expect(kept).toEqual([t0 - 6 * 86_400_000, t0, t0 + 2000]);

    const seeded = new SnapshotTracker();
    seeded.seed(d, ['paper']);
    expect(seeded.collect(books, t0 + 3000).snapshots).toEqual([]);
  });
});

describe('queries', () => {
  it('sums equity over brokers and filters positions; bad arguments are ERR_COMMAND_INVALID', () => {
    const paper = foldFills([mkFill({ side: 'BUY', quantity: 3, price: 100, strategyId: 'a' })], { startingCash: 1000 });
    const zerodha = foldFills([mkFill({ side: 'BUY', quantity: 1, price: 10, strategyId: 'b', broker: 'zerodha' })], { startingCash: 500 });
    const books = new Map([['paper' as const, paper], ['zerodha' as const, zerodha]]);
    expect(equitySummary(books)).toEqual({ equity: 1500, netPnl: 0, divisor: 100 });
    expect(positionsOf(books, { strategyId: 'b' }).map((p) => p.broker)).toEqual(['zerodha']);
    expect(positionsOf(books, {}).map((p) => p.strategyId)).toEqual(['a', 'b']);
    expect(parsePositionsQuery(null, ['paper'])).toEqual({});
    expect(() => parsePositionsQuery({ broker: 'nyse' }, ['paper'])).toThrow(/control command "positions" rejected/);
    expect(() => parsePositionsQuery({ strategyId: 3 }, ['paper'])).toThrow(/strategyId/);
  });
});

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
