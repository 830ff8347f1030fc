// Throttled PnL publication: once per snapshot interval the portfolio manager asks which
// (broker, strategy) snapshots changed since the last time they were published and which brokers'
// equity moved. Change detection compares everything but the timestamp, so an idle strategy
// publishes nothing. The tracker can be seeded from the stored latest snapshots after a restart.
import { brokerTotals, CURRENCY_DIVISOR, pnlSnapshot, strategyIds, type PnlSnapshot } from '../../domain/portfolio/index.js';
import type { Broker } from '../../domain/types.js';
import { EQUITY_RETENTION_MS, type EquityPoint, type PnlSnapshotPayload } from '../../protocol/portfolio.js';
import { K, type Key } from '../../store/keyspace.js';
import type { StoreReader, StoreWrite } from './fill-log.js';
import type { Books } from './books.js';

/** What one interval produced: snapshots to publish and persist, equity points to persist. */
export interface IntervalOutput {
  readonly snapshots: readonly PnlSnapshot[];
  readonly equity: readonly EquityPoint[];
}

function fingerprint(s: PnlSnapshot): string {
  return JSON.stringify([s.positions, s.totals]);
}

/** Remembers what was last published per (broker, strategy) and per broker equity. */
export class SnapshotTracker {
  private readonly published = new Map<string, string>();
  private readonly equity = new Map<Broker, string>();

  /** Seeds change detection from `K.pnlLatest` records (no republish of unchanged numbers after a restart). */
  seed(db: StoreReader, brokers: readonly Broker[]): void {
    for (const b of brokers) {
      for (const { value } of db.getRange(K.pnlLatestRange(b))) {
        const s = value as PnlSnapshot;
        this.published.set(`${b}\u0000${s.strategyId}`, fingerprint(s));
      }
    }
  }

  /** Snapshots whose numbers changed and equity points of brokers whose totals changed, at `ts`. */
  collect(books: Books, ts: number): IntervalOutput {
    const snapshots: PnlSnapshot[] = [];
    const equity: EquityPoint[] = [];
    for (const [broker, state] of books) {
      for (const strategyId of strategyIds(state, broker)) {
        const snap = pnlSnapshot(state, broker, strategyId, ts);
        const key = `${broker}\u0000${strategyId}`;
        const fp = fingerprint(snap);
        if (this.published.get(key) === fp) continue;
        this.published.set(key, fp);
        snapshots.push(snap);
      }
      const t = brokerTotals(state, broker);
      const fp = JSON.stringify(t);
      if (this.equity.get(broker) === fp) continue;
      this.equity.set(broker, fp);
      equity.push({
        broker,
        ts,
        equity: t.equity,
        cash: t.cash,
        netPnl: t.netPnl,
        realizedPnl: t.realizedPnl,
        unrealizedPnl: t.unrealizedPnl,
        fees: t.fees,
        divisor: CURRENCY_DIVISOR,
      });
    }
    return { snapshots, equity };
  }
}

/** The event payload of a snapshot (positions stay in LMDB: ring slots are small). */
export function snapshotPayload(s: PnlSnapshot): PnlSnapshotPayload {
  return {
    broker: s.broker,
    strategyId: s.strategyId,
    ts: s.ts,
    realizedPnl: s.totals.realizedPnl,
    unrealizedPnl: s.totals.unrealizedPnl,
    totalPnl: s.totals.netPnl,
    totals: s.totals,
    currencyDivisor: s.currencyDivisor,
  };
}

/** Writes for one interval: latest snapshot per strategy, equity points, and pruning of points older than 7 days. */
export function intervalWrites(db: StoreReader, out: IntervalOutput, ts: number): StoreWrite[] {
  const writes: StoreWrite[] = [];
  for (const s of out.snapshots) writes.push({ kind: 'put', key: K.pnlLatest(s.broker, s.strategyId), value: s });
  for (const p of out.equity) {
    writes.push({ kind: 'put', key: K.equityPoint(p.broker, p.ts), value: p });
    for (const { key } of db.getRange({ ...K.equityRange(p.broker, 0, ts - EQUITY_RETENTION_MS), snapshot: false })) {
      writes.push({ kind: 'remove', key: key as unknown as Key });
    }
  }
  return writes;
}
