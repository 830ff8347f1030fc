// Group commit of the engine: work items queue up while a commit is in flight; each batch is ONE
// LMDB transaction (orders, new fills insert-if-absent, adapter state, consumer position), and only
// after it resolves are its messages published and its input records released (P6). Batches run
// strictly one after another, so commits, publishes and releases keep input order. A failed
// commit is thrown out of the promise chain: the actor crashes and restarts from LMDB.
import type { RootDatabase } from 'lmdb';
import { appError, isAppError } from '../../errors.js';
import { isTerminal } from '../../domain/order/status.js';
import type { Broker, Fill } from '../../domain/types.js';
import type { EngineStateRecord } from '../../protocol/engine.js';
import type { Durability } from '../../store/lmdb.js';
import { assertStoreRoom, storeWriteError } from '../../store/cap.js';
import { K, type Key } from '../../store/keyspace.js';
import { putOrders } from './order-index.js';
import { planBatch, type CommitPlan, type OriginBook, type WorkItem } from './plan.js';

/** Points of a batch where a test may kill the worker (args.testHooks only). */
export type CommitPhase = 'before-commit' | 'after-commit' | 'mid-publish';

/** What the committer needs from the actor shell. */
export interface CommitterDeps {
  readonly db: RootDatabase;
  readonly durability: Durability;
  readonly broker: Broker;
  /** K.position key of the signal subscription. */
  readonly positionKey: Key;
  readonly origins: OriginBook;
  /** The state to persist; called synchronously at batch start, after every queued mutation. */
  readonly snapshot: () => EngineStateRecord;
  /** Publishes the plan's messages (in order) for `items`. */
  readonly publish: (plan: CommitPlan, items: readonly WorkItem[], phase: (p: CommitPhase) => void) => void;
  /** Releases input records through `seq`. */
  readonly release: (seq: number) => void;
  readonly onPhase?: (phase: CommitPhase) => void;
}

/** Counters for the snapshot. */
export interface CommitStats {
  batches: number;
  items: number;
  fills: number;
  lastFillSeq: number;
}

export class EngineCommitter {
  private queue: { item: WorkItem; done: () => void }[] = [];
  private inFlight = 0;
  private running = false;
  readonly stats: CommitStats;

  constructor(
    private readonly deps: CommitterDeps,
    lastFillSeq: number,
  ) {
    this.stats = { batches: 0, items: 0, fills: 0, lastFillSeq };
  }

  /** Items not yet committed and published (queued or in the batch being committed). */
  pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Resolves when everything queued so far is committed and published. */
  idle(): Promise<void> {
    return this.running ? this.enqueue({ parent: null, events: [] }) : Promise.resolve();
  }

  /** Queues `item`; the promise resolves once it is committed and published. */
  enqueue(item: WorkItem): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ item, done: resolve });
      if (!this.running) {
        this.running = true;
        queueMicrotask(() => void this.loop());
      }
    });
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        this.inFlight = batch.length;
        await this.commitBatch(batch.map((b) => b.item));
        this.inFlight = 0;
        for (const b of batch) b.done();
      }
      this.running = false;
    } catch (e) {
      // Let it crash: thrown outside any promise so the worker dies and is restarted from LMDB
      const error = isAppError(e) ? e : storeWriteError(e);
      setImmediate(() => {
        throw error;
      });
    }
  }

  private async commitBatch(items: readonly WorkItem[]): Promise<void> {
    const deps = this.deps;
    const { db, broker } = deps;
    const state = deps.snapshot();
    const plan = planBatch(broker, items, deps.origins);
    let position: WorkItem['position'];
    let releaseSeq: number | undefined;
    for (const it of items) {
      if (it.position !== undefined) position = it.position;
      if (it.releaseSeq !== undefined) releaseSeq = it.releaseSeq;
    }
    deps.onPhase?.('before-commit');
    // A full store (STORE__MAP_SIZE_MB) refuses the batch before its transaction: ERR_STORE_FULL
    assertStoreRoom(db);
    await db.transaction(() => {
      putOrders(db, broker, plan.orders.values());
      for (const f of plan.fills) putFillOnce(db, broker, f);
      void db.put(K.engineState(broker), state);
      if (position !== undefined) void db.put(deps.positionKey, position);
    });
    if (deps.durability === 'strict') await db.flushed;
    deps.onPhase?.('after-commit');
    this.stats.batches += 1;
    this.stats.items += items.length;
    this.stats.fills += plan.fills.length;
    const last = plan.fills[plan.fills.length - 1];
    if (last !== undefined) this.stats.lastFillSeq = last.fillSeq;
    deps.origins.evict(plan.orders.values(), (o) => isTerminal(o.status));
    deps.publish(plan, items, (p) => deps.onPhase?.(p));
    if (releaseSeq !== undefined) deps.release(releaseSeq);
  }
}

/**
 * P2: a fill-log slot is written once (call inside a write transaction). The same fill again is a
 * no-op; a different fill at a used fillSeq means the adapter state went backwards: thrown.
 */
export function putFillOnce(db: RootDatabase, broker: Broker, f: Fill): void {
  const key = K.fill(broker, f.fillSeq);
  const prev = db.get(key) as Fill | undefined;
  if (prev === undefined) {
    void db.put(key, f);
    return;
  }
  if (prev.tradeId !== f.tradeId) {
    throw appError('ERR_FILL_INVALID', { tradeId: f.tradeId, reason: `fillSeq ${f.fillSeq} already holds ${prev.tradeId}` });
  }
}
