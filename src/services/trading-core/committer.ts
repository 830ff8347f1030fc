// Group commit of the fused trading core (strategy + risk + paper venue in one worker). Work items
// (adapter events of one signal or tick) and risk rejections queue while a commit is in flight;
// each batch is ONE LMDB transaction holding the latest record of every touched order, the new
// fills (insert-if-absent), and the state writes captured synchronously at batch start (venue
// state, risk state, tick-ring position, strategy state when due). Only after it resolves are the
// batch's events published, in order. Batches run strictly one after another. A failed commit is
// thrown outside the promise chain: the actor crashes and restarts from LMDB.
import type { RootDatabase } from 'lmdb';
import { appError, isAppError } from '../../errors.js';
import { isTerminal } from '../../domain/order/status.js';
import type { Broker } from '../../domain/types.js';
import type { Envelope } from '../../protocol/envelope.js';
import type { Durability } from '../../store/lmdb.js';
import { putFillOnce } from '../engine/committer.js';
import { putOrders } from '../engine/order-index.js';
import { planBatch, type CommitPlan, type OriginBook, type WorkItem } from '../engine/plan.js';
import type { StoreWrite } from '../portfolio/fill-log.js';

/** What the committer needs from the actor shell. */
export interface CoreCommitDeps {
  readonly db: RootDatabase;
  readonly durability: Durability;
  readonly broker: Broker;
  readonly origins: OriginBook;
  /** State writes of this batch; called synchronously at batch start, after every queued mutation. */
  readonly capture: () => readonly StoreWrite[];
  /** Publishes the plan's order events, then the rejections, after the commit. */
  readonly publish: (plan: CommitPlan, items: readonly WorkItem[], rejected: readonly Envelope[]) => void;
}

/** Counters for the snapshot. */
export interface CoreCommitStats {
  batches: number;
  items: number;
  fills: number;
  rejected: number;
}

/** See the file header. */
export class CoreCommitter {
  private items: WorkItem[] = [];
  private rejected: Envelope[] = [];
  private waiters: (() => void)[] = [];
  private inFlight = 0;
  private running = false;
  /** A batch was requested with nothing queued (flush). */
  private forced = false;
  readonly stats: CoreCommitStats = { batches: 0, items: 0, fills: 0, rejected: 0 };

  constructor(private readonly deps: CoreCommitDeps) {}

  /** Queues the events of one adapter call (committed and published with the next batch). */
  add(item: WorkItem): void {
    this.items.push(item);
    this.schedule();
  }

  /** Queues a rejected-signal event (published after the next batch commits the risk state). */
  reject(event: Envelope): void {
    this.rejected.push(event);
    this.schedule();
  }

  /** Requests a batch even with nothing queued (e.g. to persist state); resolves when it is done. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule(true);
    });
  }

  /** Items queued or in the batch being committed. */
  pending(): number {
    return this.items.length + this.rejected.length + this.inFlight;
  }

  private schedule(force = false): void {
    if (force) this.forced = true;
    if (this.running) return;
    this.running = true;
    queueMicrotask(() => void this.loop());
  }

  private async loop(): Promise<void> {
    try {
      while (this.items.length > 0 || this.rejected.length > 0 || this.forced) {
        const items = this.items;
        const rejected = this.rejected;
        const waiters = this.waiters;
        this.items = [];
        this.rejected = [];
        this.waiters = [];
        this.forced = false;
        this.inFlight = items.length + rejected.length;
        await this.commitBatch(items, rejected);
        this.inFlight = 0;
        for (const w of waiters) w();
      }
      this.running = false;
    } catch (e) {
      // Let it crash: thrown outside any promise so the worker dies and is restarted from LMDB
      const error = isAppError(e) ? e : appError('ERR_STORE_WRITE', { reason: (e as Error).message }, e);
      setImmediate(() => {
        throw error;
      });
    }
  }

  private async commitBatch(items: readonly WorkItem[], rejected: readonly Envelope[]): Promise<void> {
    const { db, broker, origins } = this.deps;
    // Captured before any await: the state matches exactly the events of `items`
    const writes = this.deps.capture();
    const plan = planBatch(broker, items, origins);
    await db.transaction(() => {
      putOrders(db, broker, plan.orders.values());
      for (const f of plan.fills) putFillOnce(db, broker, f);
      for (const w of writes) {
        if (w.kind === 'put') void db.put(w.key, w.value);
        else void db.remove(w.key);
      }
    });
    if (this.deps.durability === 'strict') await db.flushed;
    this.stats.batches += 1;
    this.stats.items += items.length;
    this.stats.fills += plan.fills.length;
    this.stats.rejected += rejected.length;
    origins.evict(plan.orders.values(), (o) => isTerminal(o.status));
    this.deps.publish(plan, items, rejected);
  }
}
