// Raw anchors of the tax suite (G9, G10), measured in the bench process itself: lmdb-js async
// batched put rate and get rate with the product's store options (src/store/lmdb.ts), commit and
// commit→flushed latency of a small transaction vs a raw 4 KB write + fdatasync loop on the same
// disk, and the cost of one pino info line of an order_filled-sized payload in a worker thread
// writing to its process.stdout (the product's worker log path) vs the level disabled.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createPaperBroker } from '../src/domain/paper/index.js';
import { openStore, type Durability } from '../src/store/lmdb.js';
import { Histogram, type LatencySummary } from './harness/histogram.js';

export interface PutRate {
  readonly durability: Durability;
  readonly puts: number;
  readonly putsPerSec: number;
  readonly getsPerSec: number;
}

export interface FlushLatency {
  readonly commit: LatencySummary;
  /** The same transactions with durability nosync (no fsync anywhere). */
  readonly commitNosync: LatencySummary;
  readonly commitToFlushed: LatencySummary;
  readonly fdatasync: LatencySummary;
}

const now = (): number => performance.now();

function tmp(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** `n` async puts of a 10-property object issued back to back (lmdb-js batches them per turn), then `n` random gets. */
export async function lmdbPutRate(durability: Durability, n: number): Promise<PutRate> {
  const dir = tmp('ap-bench-lmdb-');
  const db = openStore({ path: dir.path, durability });
  try {
    const value = (i: number) => ({ i, a: 1, b: 'paper', c: 256265, d: 100_000, e: 'BUY', f: 1, g: 0, h: true, k: 'bench' });
    const t0 = now();
    let last: Promise<boolean> = Promise.resolve(true);
    for (let i = 0; i < n; i++) last = db.put(['bench', i], value(i));
    await last;
    const putMs = now() - t0;
    let x = 0;
    const t1 = now();
    for (let i = 0; i < n; i++) x += (db.get(['bench', (i * 7919) % n]) as { i: number }).i & 1;
    const getMs = now() - t1;
    if (x < 0) throw new Error('unreachable');
    return { durability, puts: n, putsPerSec: (n * 1000) / putMs, getsPerSec: (n * 1000) / getMs };
  } finally {
    await db.close();
    dir.cleanup();
  }
}

/**
 * `n` sequential transactions of one 4 KB value in overlapping mode: latency until the commit
 * resolves and until `db.flushed` (durable); the same with nosync; then `n` raw 4 KB write +
 * fdatasync on the same disk.
 */
export async function flushLatency(n: number): Promise<FlushLatency> {
  const dir = tmp('ap-bench-sync-');
  const db = openStore({ path: join(dir.path, 'lmdb'), durability: 'overlapping' });
  const commit = new Histogram();
  const flushed = new Histogram();
  const commitNosync = new Histogram();
  const sync = new Histogram();
  try {
    const payload = 'x'.repeat(4096 - 64);
    for (let i = 0; i < n; i++) {
      const t0 = now();
      await db.transaction(() => void db.put(['sync', i % 64], { i, payload }));
      const t1 = now();
      await db.flushed;
      const t2 = now();
      commit.record((t1 - t0) * 1e6);
      flushed.record((t2 - t0) * 1e6);
    }
    const nosync = openStore({ path: join(dir.path, 'lmdb-nosync'), durability: 'nosync' });
    try {
      for (let i = 0; i < n; i++) {
        const t0 = now();
        await nosync.transaction(() => void nosync.put(['sync', i % 64], { i, payload }));
        commitNosync.record((now() - t0) * 1e6);
      }
    } finally {
      await nosync.close();
    }
    const fd = openSync(join(dir.path, 'raw.bin'), 'w');
    const block = Buffer.alloc(4096, 7);
    try {
      for (let i = 0; i < n; i++) {
        const t0 = now();
        writeSync(fd, block, 0, block.length, (i % 64) * 4096);
        fdatasyncSync(fd);
        sync.record((now() - t0) * 1e6);
      }
    } finally {
      closeSync(fd);
    }
    return { commit: commit.summary(), commitNosync: commitNosync.summary(), commitToFlushed: flushed.summary(), fdatasync: sync.summary() };
  } finally {
    await db.close();
    dir.cleanup();
  }
}

export interface LogLineCost {
  readonly lines: number;
  /** ns per `log.info(fillPayload, 'order filled')` with level info (line written) and silent. */
  readonly infoNs: number;
  readonly silentNs: number;
}

// Runs inside a worker: the product's root logger writing to the worker's process.stdout
const LOG_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.logUrl).then(({ createRootLogger, actorLogger }) => {
  const out = {};
  const fill = { fill: { tradeId: 'paper:bench:256265:BUY:1-1', orderId: 'paper:bench:256265:BUY:1', broker: 'paper', strategyId: 'bench',
    token: 256265, side: 'BUY', quantity: 1, price: 100050, fees: 100, ts: 1700000000000, fillSeq: 1 },
    order: { orderId: 'paper:bench:256265:BUY:1', strategyId: 'bench', token: 256265, side: 'BUY', type: 'market', tif: 'DAY', qty: 1,
    filledQty: 1, limitPrice: null, stopPrice: null, status: 'Filled', parentOrderId: null, tickSeq: 1 }, executionMode: 'paper' };
  for (const level of ['info', 'silent']) {
    const log = actorLogger(createRootLogger({ logLevel: level }), 'trading-engine-paper', 1);
    // A disabled call costs nanoseconds: many more of them, so the figure is not timer noise
    const n = level === 'silent' ? workerData.n * 20 : workerData.n;
    for (let i = 0; i < 2000; i++) log.info(fill, 'order filled');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) log.info(fill, 'order filled');
    out[level] = ((performance.now() - t0) * 1e6) / n;
  }
  parentPort.postMessage(out);
});`;

/** Per-line cost of info logging a fill in a worker (stdout drained and discarded by this thread). */
export function logLineCost(n: number): Promise<LogLineCost> {
  const logUrl = new URL('../src/log.js', import.meta.url).href;
  const w = new Worker(LOG_WORKER, { eval: true, workerData: { n, logUrl }, stdout: true });
  w.stdout.resume();
  return new Promise((resolve, reject) => {
    w.once('message', (m: { info: number; silent: number }) => {
      void w.terminate();
      resolve({ lines: n, infoNs: m.info, silentNs: m.silent });
    });
    w.once('error', reject);
  });
}

export interface VenueStateCost {
  readonly orders: number;
  /** PaperBroker.exportState() (what the engine persists with EVERY commit). */
  readonly exportMs: number;
  readonly jsonBytes: number;
  /** One LMDB put of that record (msgpack encode + write), nosync. */
  readonly putMs: number;
}

/**
 * What one engine commit pays for the venue state as the session's order count grows: the paper
 * venue keeps every order of the session (finished ones too) in its exported state until the
 * session end, and the engine writes that whole state in each batch transaction.
 */
export async function venueStateCost(sizes: readonly number[]): Promise<VenueStateCost[]> {
  const dir = tmp('ap-bench-venue-');
  const db = openStore({ path: dir.path, durability: 'nosync' });
  const broker = createPaperBroker({ startingCash: 1e12 });
  const t0 = 1_700_000_000_000;
  const out: VenueStateCost[] = [];
  try {
    let n = 0;
    for (const size of sizes) {
      for (; n < size; n++) {
        const signal = { strategyId: 'bench', token: 256265, side: 'BUY' as const, quantity: 1, price: 100_000, ts: t0 + n, confidence: 1, order: {}, metadata: {}, tickSeq: n };
        const r = broker.submit({ signal, validatedQty: 1, validatedPrice: 100_000 }, t0 + n);
        if (!r.ok) throw new Error(`venueStateCost: submit failed: ${r.error.code}`);
      }
      const a = now();
      const state = broker.exportState();
      const b = now();
      await db.put(['engine', 'paper'], { v: 1, broker: 'paper', adapter: state, lastEodDay: null });
      const c = now();
      out.push({ orders: size, exportMs: b - a, jsonBytes: JSON.stringify(state).length, putMs: c - b });
    }
    return out;
  } finally {
    await db.close();
    dir.cleanup();
  }
}
