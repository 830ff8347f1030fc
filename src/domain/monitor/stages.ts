// Per-stage event bookkeeping of the pipeline monitor (docs/original-system.md §9.10 pipeline metrics)
// with the original's quirk fixed: every broker stage is really recorded under its broker, and
// market data is one shared counter that every broker's validation reads. PURE (no clock, no I/O);
// mutable on purpose: the tick path records every tick, so recording is an O(1) field update.
// Events recorded by topic (recordTopic) also feed the per-broker AwaitingBook: which stages owe
// an answer to input they received.
import { AwaitingBook, type AwaitingView } from './awaiting.js';

/** Per-broker metric stages (`pipeline:{stage}:{broker}` in the original). */
export const BROKER_STAGES = ['signals', 'signals_validated', 'signals_rejected', 'orders', 'portfolio_updates'] as const;
export type BrokerStage = (typeof BROKER_STAGES)[number];

/** The one shared stage (`pipeline:market_ticks:shared` in the original). */
export const SHARED_STAGE = 'market_ticks';

/** Counters of one stage. */
export interface StageCounter {
  /** Events seen by the monitor plus the ones its lossy subscription skipped (`missed`). */
  readonly count: number;
  /** Events published but skipped by the monitor's lossy subscription (counted, not inspected). */
  readonly missed: number;
  /** Latest event time seen, epoch ms; null before the first event. */
  readonly lastMs: number | null;
}

interface MutableCounter {
  seen: number;
  missed: number;
  lastMs: number | null;
}

const EVENT_STAGE: Readonly<Record<string, BrokerStage>> = {
  'signals.raw': 'signals',
  'signals.validated': 'signals_validated',
  'signals.rejected': 'signals_rejected',
  'orders.submitted': 'orders',
  'orders.filled': 'orders',
  'orders.failed': 'orders',
  'pnl.snapshots': 'portfolio_updates',
};

/**
 * The stage a per-broker topic suffix (`{domain}.{event}`) feeds: orders.submitted/filled/failed
 * all count as `orders`, pnl.snapshots as `portfolio_updates`. Undefined for unknown suffixes.
 */
export function stageForSuffix(suffix: string): BrokerStage | undefined {
  return EVENT_STAGE[suffix];
}

const newCounter = (): MutableCounter => ({ seen: 0, missed: 0, lastMs: null });
const view = (c: MutableCounter): StageCounter => ({ count: c.seen + c.missed, missed: c.missed, lastMs: c.lastMs });

/** Stage counters for the shared market stage and every monitored broker. */
export class StageBook {
  private readonly market = newCounter();
  private readonly brokers = new Map<string, Record<BrokerStage, MutableCounter>>();
  private readonly awaiting = new Map<string, AwaitingBook>();

  /** @param brokers the brokers to keep counters for; events of other brokers are ignored. */
  constructor(brokers: readonly string[]) {
    for (const b of brokers) {
      const stages = {} as Record<BrokerStage, MutableCounter>;
      for (const s of BROKER_STAGES) stages[s] = newCounter();
      this.brokers.set(b, stages);
      this.awaiting.set(b, new AwaitingBook());
    }
  }

  /** Brokers this book tracks, in construction order. */
  get brokerNames(): string[] {
    return [...this.brokers.keys()];
  }

  /** Records `n` market ticks seen at `atMs`; the last-seen time never moves backwards. */
  recordTicks(atMs: number, n = 1): void {
    this.market.seen += n;
    if (this.market.lastMs === null || atMs > this.market.lastMs) this.market.lastMs = atMs;
  }

  /** Records one event of `broker`'s `stage` produced at `atMs`; false for an untracked broker. */
  record(broker: string, stage: BrokerStage, atMs: number): boolean {
    const c = this.brokers.get(broker)?.[stage];
    if (c === undefined) return false;
    c.seen += 1;
    // Producers on different threads stamp their own wall time: keep the newest, never regress
    if (c.lastMs === null || atMs > c.lastMs) c.lastMs = atMs;
    return true;
  }

  /**
   * Records one event of `broker`'s topic `{suffix}` (e.g. `orders.filled`) produced at `atMs`: its
   * stage's counter and what it owes or answers. False for an untracked broker or unknown suffix.
   */
  recordTopic(broker: string, suffix: string, atMs: number): boolean {
    const stage = stageForSuffix(suffix);
    if (stage === undefined || !this.record(broker, stage, atMs)) return false;
    this.awaiting.get(broker)?.note(suffix, atMs);
    return true;
  }

  /** Oldest unanswered input per answering stage of `broker` (all null for an untracked broker). */
  awaitingView(broker: string): AwaitingView {
    return this.awaiting.get(broker)?.view() ?? { risk_validation: null, order_execution: null, portfolio_updates: null };
  }

  /** Sets the absolute number of market ticks the lossy subscription skipped. */
  setMarketMissed(total: number): void {
    this.market.missed = total;
  }

  /** Sets the absolute number of `broker`'s `stage` events the lossy subscriptions skipped. */
  setMissed(broker: string, stage: BrokerStage, total: number): void {
    const c = this.brokers.get(broker)?.[stage];
    if (c === undefined) return;
    // Skipped events of an answering stage may have been the awaited answer: never report a
    // stage late on the strength of events the monitor did not see
    if (total > c.missed) this.awaiting.get(broker)?.forgive(stage);
    c.missed = total;
  }

  /** The shared market-data counter. */
  marketCounter(): StageCounter {
    return view(this.market);
  }

  /** Every stage counter of `broker` (all zero for an untracked broker). */
  brokerCounters(broker: string): Record<BrokerStage, StageCounter> {
    const stages = this.brokers.get(broker);
    const out = {} as Record<BrokerStage, StageCounter>;
    for (const s of BROKER_STAGES) out[s] = stages === undefined ? view(newCounter()) : view(stages[s]);
    return out;
  }
}
