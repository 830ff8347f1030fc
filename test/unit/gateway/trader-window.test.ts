// The fill window the trader routes read (real temp LMDB): the newest `cap` fills in fillSeq
// order, `partial` exactly when older fills exist, and a log whose oldest fills were archived
// (deleted by retention) is partial only when fills remain below the window. The same from a remote
// source that pages (a gateway on a cluster node of its own), answered by the same reader.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RootDatabase } from 'lmdb';
import pino from 'pino';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { readFillWindow } from '../../../src/gateway/routes-trader.js';
import { localHistory, readHistory, remoteHistory } from '../../../src/gateway/history.js';
import type { ApiDeps } from '../../../src/gateway/routes-api.js';
import type { Upstream } from '../../../src/gateway/upstream.js';
import { mkFill } from '../portfolio/fill-factory.js';

let dir: string;
let db: RootDatabase;
let deps: ApiDeps;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ap-trwin-'));
  db = openStore({ path: dir, durability: 'nosync' });
  await db.transaction(() => {
    for (let seq = 1; seq <= 30; seq++) void db.put(K.fill('paper', seq), mkFill({ side: seq % 2 === 1 ? 'BUY' : 'SELL', quantity: 1, price: 100 + seq, fillSeq: seq }));
  });
  deps = { history: localHistory(db), brokers: ['paper'], upstream: {} as Upstream, actorOf: () => 'none', log: pino({ level: 'silent' }), nowMs: () => 0 };
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readFillWindow', () => {
  it('reads the whole log when it fits', async () => {
    const r = await readFillWindow(deps, 'paper', 50);
    expect(r.fills.map((f) => f.fillSeq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(r.window).toEqual({ fills: 30, cap: 50, partial: false });
  });

  it('reads the newest `cap` fills and says older ones exist', async () => {
    const r = await readFillWindow(deps, 'paper', 10);
    expect(r.fills.map((f) => f.fillSeq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    expect(r.window).toEqual({ fills: 10, cap: 10, partial: true });
  });

  it('reads the same window from a remote source in pages', async () => {
    const asked: unknown[] = [];
    const remote = { ...deps, history: remoteHistory(async (req) => (asked.push(req), readHistory(db, req)), 4) };
    for (const cap of [50, 10, 7]) expect(await readFillWindow(remote, 'paper', cap)).toEqual(await readFillWindow(deps, 'paper', cap));
    // 30 fills in pages of 4: eight reads of the log for the whole window (and its end and one probe)
    expect(asked.filter((r) => (r as { kind: string }).kind === 'fills' && (r as { limit: number }).limit > 1).length).toBeGreaterThanOrEqual(8);
  });

  it('is complete again once retention deleted the fills below the window', async () => {
    await db.transaction(() => {
      for (let seq = 1; seq <= 20; seq++) void db.remove(K.fill('paper', seq));
    });
    const r = await readFillWindow(deps, 'paper', 10);
    expect(r.fills.map((f) => f.fillSeq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    expect(r.window.partial).toBe(false);
  });
});
