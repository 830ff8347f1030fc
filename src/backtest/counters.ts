// Bookkeeping of a backtest that is not money: per-strategy signal outcomes (risk verdicts by
// rule), the venue's orders by final status and failure code, and the optional per-signal trace.
// PURE, mutable, O(1) per event; only the order-status map grows with the number of orders.
import type { OrderStatus } from '../domain/order/status.js';
import type { PaperEvent } from '../domain/paper/index.js';
import type { RiskVerdict, RuleName } from '../domain/risk/index.js';
import type { EngineStats } from '../domain/strategy/index.js';
import type { OrdersSummary, SignalCounts } from './types.js';

interface MutableCounts {
  generated: number;
  validated: number;
  rejected: number;
  readonly byRule: Partial<Record<RuleName, number>>;
}

/** Signal and order counters of one run. */
export class Counters {
  private readonly signals = new Map<string, MutableCounts>();
  private readonly status = new Map<string, OrderStatus>();
  private readonly failed: Record<string, number> = {};
  private duplicates = 0;
  private bracketsArmed = 0;

  constructor(strategyIds: readonly string[]) {
    for (const id of strategyIds) this.signals.set(id, { generated: 0, validated: 0, rejected: 0, byRule: {} });
  }

  /** One risk verdict of `strategyId`'s signal. */
  verdict(strategyId: string, v: RiskVerdict): void {
    const c = this.signals.get(strategyId);
    if (c === undefined) return;
    c.generated++;
    if (v.outcome === 'validated') {
      c.validated++;
      return;
    }
    c.rejected++;
    for (const r of v.reasons) c.byRule[r.rule] = (c.byRule[r.rule] ?? 0) + 1;
  }

  /** A validated signal the venue refused as a duplicate (no order was created). */
  duplicate(): void {
    this.duplicates++;
  }

  /** One venue event (fills are handled by the caller; here only their order's status). */
  event(e: PaperEvent): void {
    switch (e.type) {
      case 'fill':
      case 'bracket-removed':
        return;
      case 'bracket-armed':
        this.bracketsArmed++;
        return;
      case 'order-rejected':
      case 'order-expired':
        this.failed[e.error.code] = (this.failed[e.error.code] ?? 0) + 1;
        this.status.set(e.order.orderId, e.order.status);
        return;
      case 'order-canceled':
        if (e.error !== null) this.failed[e.error.code] = (this.failed[e.error.code] ?? 0) + 1;
        this.status.set(e.order.orderId, e.order.status);
        return;
      case 'order-submitted':
      case 'order-accepted':
      case 'order-triggered':
      case 'order-modified':
      case 'order-partially-filled':
      case 'order-filled':
        this.status.set(e.order.orderId, e.order.status);
        return;
    }
  }

  /** Orders summary at the end of the run. */
  orders(): OrdersSummary {
    const byStatus: Partial<Record<OrderStatus, number>> = {};
    for (const s of this.status.values()) byStatus[s] = (byStatus[s] ?? 0) + 1;
    return {
      created: this.status.size,
      duplicates: this.duplicates,
      byStatus,
      failedByCode: { ...this.failed },
      bracketsArmed: this.bracketsArmed,
    };
  }

  /** Per-strategy signal counts, merged with the strategy engine's own counters. */
  signalCounts(stats: EngineStats): SignalCounts[] {
    return [...this.signals].map(([strategyId, c]) => {
      const s = stats.strategies.find((x) => x.id === strategyId);
      return {
        strategyId,
        generated: c.generated,
        validated: c.validated,
        rejected: c.rejected,
        rejectedByRule: { ...c.byRule },
        invalid: s?.rejected ?? 0,
        errors: s?.errors ?? 0,
      };
    });
  }
}
