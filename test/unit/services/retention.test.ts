// Retention on a real temp LMDB (src/services/retention): the gzip JSONL archive writer, the batch
// archiver/deleter over a generated multi-day history, its invariants (no fill above any consumer's
// watermark, only old terminal orders, index entries with their orders, archive before delete,
// exactly once across a crash between the two), and positions = fold(archive + remaining log).
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { isTerminal } from '../../../src/domain/order/status.js';
import type { Fill } from '../../../src/domain/types.js';
import { appendArchive, archiveDay, archiveFile, archiveFiles, readArchive, readArchiveFile, truncateArchive } from '../../../src/services/retention/archive.js';
import { DAY_MS, fillWatermark, runRetention, type RetentionOptions } from '../../../src/services/retention/retention.js';
import { queryOrders } from '../../../src/services/engine/queries.js';
import { dumpStore, fillSetChecker, CLEAN_FILL_SET, positionReplayChecker, retentionChecker, withArchive } from '../../support/checkers.js';
import { RS_CASH, RS_DAY, RS_T0, writeHistory, type History } from '../../support/retention-store.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('retention property seed', seed);

let db: RootDatabase | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await db?.close();
  db = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ap-retention-'));
  dirs.push(d);
  return d;
}
function store(): { db: RootDatabase; archiveDir: string } {
  const d = tmp();
  db = openStore({ path: join(d, 'lmdb'), durability: 'nosync' });
  return { db, archiveDir: join(d, 'archive') };
}
const opts = (archiveDir: string, days: number, batch = 5000, extra: Partial<RetentionOptions> = {}): RetentionOptions => ({ retentionMs: days * DAY_MS, archiveDir, durability: 'nosync', batch, ...extra });

/** Everything the checkers say about the store + archive; [] when retention kept every invariant. */
function problems(d: RootDatabase, archiveDir: string, h: History): string[] {
  const dump = withArchive(dumpStore(d), archiveDir);
  const out = [...retentionChecker(dump, d)];
  const fs = fillSetChecker({ dump });
  if (JSON.stringify(fs) !== JSON.stringify(CLEAN_FILL_SET)) out.push(`fill set: ${JSON.stringify(fs)}`);
  const pos = positionReplayChecker(dump, { startingCash: RS_CASH, requireRisk: true });
  out.push(...pos.portfolio, ...pos.risk, ...pos.cash);
  // The whole history, exactly: nothing lost, nothing invented
  if (JSON.stringify(dump.fills) !== JSON.stringify(h.fills)) out.push('archive + log ≠ the fills written');
  const byId = new Map(dump.orders.map((o) => [o.orderId, o]));
  for (const o of h.orders) if (JSON.stringify(byId.get(o.orderId)) !== JSON.stringify(o)) out.push(`order ${o.orderId} lost or changed`);
  if (byId.size !== h.orders.length) out.push(`${byId.size} orders across the boundary, ${h.orders.length} written`);
  return out;
}

describe('archive writer', () => {
  it('appends gzip members of JSON lines that read back in order, and truncates back to a size', () => {
    const dir = tmp();
    const file = archiveFile(dir, 'paper', 'fills', '2026-01-05');
    expect(file).toBe(join(dir, 'paper', 'fills-2026-01-05.jsonl.gz'));
    const a = [{ fillSeq: 1, tradeId: 'x-1' }, { fillSeq: 2, tradeId: 'x-2' }];
    const b = [{ fillSeq: 3, tradeId: 'y-1' }];
    const size1 = appendArchive(file, a);
    const head = readFileSync(file);
    expect([head[0], head[1]]).toEqual([0x1f, 0x8b]); // gzip magic
    const size2 = appendArchive(file, b);
    expect(size2).toBeGreaterThan(size1);
    expect(readArchiveFile(file)).toEqual([...a, ...b]);
    truncateArchive(file, size1);
    expect(readArchiveFile(file)).toEqual(a);
    expect(appendArchive(file, [])).toBe(size1);
  });

  it('names one file per broker, kind and UTC day, listed oldest first', () => {
    const dir = tmp();
    expect(archiveDay(Date.UTC(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(archiveDay(Date.UTC(2026, 0, 6, 0, 0))).toBe('2026-01-06');
    appendArchive(archiveFile(dir, 'paper', 'orders', '2026-01-06'), [{ n: 2 }]);
    appendArchive(archiveFile(dir, 'paper', 'orders', '2026-01-05'), [{ n: 1 }]);
    appendArchive(archiveFile(dir, 'paper', 'fills', '2026-01-05'), [{ n: 0 }]);
    expect(archiveFiles(dir, 'paper', 'orders').map((f) => f.slice(dir.length))).toEqual(['/paper/orders-2026-01-05.jsonl.gz', '/paper/orders-2026-01-06.jsonl.gz']);
    expect(readArchive(dir, 'paper', 'orders')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(readArchive(dir, 'zerodha', 'orders')).toEqual([]);
  });
});

describe('runRetention', () => {
  it('archives, then deletes old finished orders and fills in bounded batches; archive + store = the history', async () => {
    const { db: d, archiveDir } = store();
    const h = await writeHistory(d, { days: 10, ordersPerDay: 120, seed: 'retention-basic' });
    const sizes: Record<string, number[]> = { fills: [], orders: [] };
    const r = await runRetention(d, 'paper', opts(archiveDir, 3, 50, { afterAppend: (kind, _file, n) => void sizes[kind]!.push(n) }));
    expect(Math.max(...sizes['fills']!)).toBeLessThanOrEqual(50);
    expect(Math.max(...sizes['orders']!)).toBeLessThanOrEqual(12);
    const newest = Math.max(...h.orders.map((o) => o.updatedTs), ...h.fills.map((f) => f.ts));
    expect(r.newestTs).toBe(newest);
    expect(r.cutoffTs).toBe(newest - 3 * DAY_MS);
    const old = (ts: number): boolean => ts < r.cutoffTs!;
    expect(r.fills).toBe(h.fills.filter((f) => old(f.ts)).length);
    expect(r.orders).toBe(h.orders.filter((o) => isTerminal(o.status) && old(o.updatedTs)).length);
    expect(r.fills).toBeGreaterThan(300);
    // At most 50 keys per delete transaction (a fill is one key, an order four), one day (file) per batch
    expect(r.batches).toBeGreaterThanOrEqual(Math.ceil(r.fills / 50) + Math.ceil(r.orders / 12));
    expect(archiveFiles(archiveDir, 'paper', 'fills').length).toBe(new Set(h.fills.filter((f) => old(f.ts)).map((f) => archiveDay(f.ts))).size);

    // What is left: every fill younger than the cutoff, old orders only when still working
    const left = dumpStore(d);
    expect(left.fills.every((f) => !old(f.ts))).toBe(true);
    expect(left.fills.length).toBe(h.fills.length - r.fills);
    expect(left.orders.filter((o) => old(o.updatedTs)).every((o) => !isTerminal(o.status))).toBe(true);
    expect(problems(d, archiveDir, h)).toEqual([]);

    // Reads still page the newest orders from the index, and totals still count the deleted ones
    const page = queryOrders(d, 'paper', { limit: 10 });
    expect(page.total).toBe(h.orders.length);
    expect(page.orders.map((o) => o.orderId)).toEqual(h.orders.slice(-10).reverse().map((o) => o.orderId));

    // A second round finds nothing more to do
    const again = await runRetention(d, 'paper', opts(archiveDir, 3, 50));
    expect([again.fills, again.orders]).toEqual([0, 0]);
  });

  it('never deletes a fill above the lowest consumer watermark; the risk state catches up from the log', async () => {
    const { db: d, archiveDir } = store();
    const h = await writeHistory(d, { days: 8, ordersPerDay: 60, seed: 'retention-wm', riskWatermark: (n) => Math.floor(n * 0.3), portfolioWatermark: (n) => Math.floor(n * 0.8) });
    const riskWm = Math.floor(h.fills.length * 0.3);
    expect(fillWatermark(d, 'paper')).toBe(riskWm);
    const r = await runRetention(d, 'paper', opts(archiveDir, 1));
    expect(r.fillLimitSeq).toBe(riskWm);
    expect(r.fills).toBe(riskWm); // everything up to the watermark is old enough here
    expect(dumpStore(d).fills[0]!.fillSeq).toBe(riskWm + 1);
    expect(problems(d, archiveDir, h)).toEqual([]);
  });

  it('keeps every fill while no consumer has a stored state (nothing folded yet)', async () => {
    const { db: d, archiveDir } = store();
    const h = await writeHistory(d, { days: 5, ordersPerDay: 30, seed: 'retention-nostate', noStates: true });
    const r = await runRetention(d, 'paper', opts(archiveDir, 1));
    expect(r.fillLimitSeq).toBe(-1);
    expect(r.fills).toBe(0);
    expect(r.orders).toBeGreaterThan(0);
    expect(dumpStore(d).fills.length).toBe(h.fills.length);
  });

  it('keeps orders the engine still holds (orders of the session, bracket entries)', async () => {
    const { db: d, archiveDir } = store();
    const h = await writeHistory(d, { days: 4, ordersPerDay: 20, seed: 'retention-pinned' });
    const [a, b] = h.orders.filter((o) => isTerminal(o.status));
    await d.put(K.engineState('paper'), { v: 1, broker: 'paper', adapter: { orders: [{ order: { orderId: a!.orderId } }], brackets: [{ entryOrderId: b!.orderId }] }, lastEodDay: null });
    await runRetention(d, 'paper', opts(archiveDir, 1));
    expect(d.get(K.order('paper', a!.orderId))).toBeDefined();
    expect(d.get(K.order('paper', b!.orderId))).toBeDefined();
    expect(problems(d, archiveDir, h)).toEqual([]);
  });

  it('does nothing with a zero horizon', async () => {
    const { db: d, archiveDir } = store();
    await writeHistory(d, { days: 3, ordersPerDay: 10, seed: 'retention-off' });
    const r = await runRetention(d, 'paper', opts(archiveDir, 0));
    expect([r.cutoffTs, r.fills, r.orders]).toEqual([null, 0, 0]);
    expect(existsSync(archiveDir)).toBe(false);
  });

  it('archives exactly once across a crash between the archive append and the delete', async () => {
    const { db: d, archiveDir } = store();
    const h = await writeHistory(d, { days: 6, ordersPerDay: 40, seed: 'retention-crash' });
    let appends = 0;
    const crashing = opts(archiveDir, 2, 30, {
      afterAppend: () => {
        appends++;
        if (appends === 3) throw new Error('killed after the append');
      },
    });
    await expect(runRetention(d, 'paper', crashing)).rejects.toThrow('killed after the append');
    // The third batch is in the archive AND still in LMDB: a duplicate, until the next round
    const mid = withArchive(dumpStore(d), archiveDir);
    expect(mid.loggedFills.some((f) => mid.archivedFillSeqs.has(f.fillSeq))).toBe(true);
    const r = await runRetention(d, 'paper', opts(archiveDir, 2, 30));
    expect(r.recovered).toBe(true);
    expect(problems(d, archiveDir, h)).toEqual([]);
  });

  it('property: persisted positions + remaining log = fold(archive + remaining log) = fold(history), whatever the horizon, batch and watermarks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          days: fc.integer({ min: 1, max: 6 }),
          perDay: fc.integer({ min: 1, max: 40 }),
          pw: fc.double({ min: 0, max: 1, noNaN: true }),
          rw: fc.double({ min: 0, max: 1, noNaN: true }),
          horizonDays: fc.double({ min: 0.01, max: 5, noNaN: true }),
          batch: fc.integer({ min: 1, max: 60 }),
          rounds: fc.integer({ min: 1, max: 2 }),
          s: fc.string({ maxLength: 6 }),
        }),
        async ({ days, perDay, pw, rw, horizonDays, batch, rounds, s }) => {
          const { db: d, archiveDir } = store();
          try {
            const h = await writeHistory(d, { days, ordersPerDay: perDay, seed: `p-${s}`, portfolioWatermark: (n) => Math.floor(n * pw), riskWatermark: (n) => Math.floor(n * rw) });
            for (let i = 0; i < rounds; i++) await runRetention(d, 'paper', opts(archiveDir, horizonDays, batch));
            expect(problems(d, archiveDir, h)).toEqual([]);
          } finally {
            await d.close();
            db = undefined;
          }
        },
      ),
      { seed, numRuns: 25 },
    );
  });
});

// Keep the generator honest: its history spans the days it says
describe('retention-store generator', () => {
  it('spreads orders over the days and folds sells only against holdings', async () => {
    const { db: d } = store();
    const h = await writeHistory(d, { days: 3, ordersPerDay: 50, seed: 'gen' });
    expect(new Set(h.orders.map((o) => archiveDay(o.createdTs))).size).toBe(3);
    expect(h.orders[0]!.createdTs).toBe(RS_T0);
    expect(h.orders[h.orders.length - 1]!.createdTs).toBeLessThan(RS_T0 + 3 * RS_DAY);
    const held = new Map<string, number>();
    for (const f of h.fills as Fill[]) {
      const k = `${f.strategyId}/${f.token}`;
      held.set(k, (held.get(k) ?? 0) + (f.side === 'BUY' ? f.quantity : -f.quantity));
      expect(held.get(k)).toBeGreaterThanOrEqual(0);
    }
  });
});
