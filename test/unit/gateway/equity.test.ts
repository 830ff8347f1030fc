import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RootDatabase } from 'lmdb';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { readEquity } from '../../../src/gateway/equity.js';

let dir: string;
let db: RootDatabase;
const point = (ts: number) => ({ broker: 'paper', ts, equity: ts * 10, cash: 0, netPnl: 0, realizedPnl: 0, unrealizedPnl: 0, fees: 0, divisor: 100 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ap-eq-'));
  db = openStore({ path: dir, durability: 'nosync' });
  await db.transaction(() => {
    for (let ts = 1000; ts <= 2000; ts += 10) db.put(K.equityPoint('paper', ts), point(ts));
    db.put(K.equityPoint('zerodha', 1500), point(1500));
  });
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readEquity', () => {
  it('returns every point of the inclusive range when few', () => {
    const c = readEquity(db, 'paper', 1000, 1100, 100);
    expect(c.downsampled).toBe(false);
    expect(c.points.map((p) => p.ts)).toEqual([1000, 1010, 1020, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1100]);
  });

  it('downsamples to the last point of each time bucket, in order, never past the range', () => {
    const c = readEquity(db, 'paper', 1000, 2000, 10);
    expect(c.downsampled).toBe(true);
    const ts = c.points.map((p) => p.ts);
    expect(ts.length).toBeLessThanOrEqual(10);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Set(ts).size).toBe(ts.length);
    expect(ts.at(-1)).toBe(2000);
    expect(ts.every((t) => t >= 1000 && t <= 2000)).toBe(true);
    // bucket 0 is [1000, 1100): its last point is 1090
    expect(ts[0]).toBe(1090);
  });

  it('includes a point exactly at from in the first bucket', () => {
    const c = readEquity(db, 'paper', 1000, 1030, 2);
    expect(c.points.map((p) => p.ts)).toEqual([1010, 1030]);
    const edge = readEquity(db, 'paper', 990, 1001, 2);
    expect(edge.points.map((p) => p.ts)).toEqual([1000]);
  });

  it('keeps brokers apart and handles empty ranges', () => {
    expect(readEquity(db, 'zerodha', 0, 5000, 10).points.map((p) => p.ts)).toEqual([1500]);
    expect(readEquity(db, 'paper', 3000, 4000, 10).points).toEqual([]);
  });
});
