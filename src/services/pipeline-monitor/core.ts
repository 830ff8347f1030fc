// The pipeline monitor's state without worker APIs: stage counters fed by the actor's subscriptions,
// and per-broker evaluation (validation + counters + ring view) at an instant. The actor owns the
// timer, the subscriptions and the LMDB history; everything here is a function of its inputs.
import type { AppConfig } from '../../config.js';
import type { Broker } from '../../domain/types.js';
import { isMarketOpen, marketStatus, type MarketHoursOptions } from '../../domain/market-hours/index.js';
import {
  DEFAULT_THRESHOLDS,
  StageBook,
  summariseRings,
  validateBroker,
  type RingCounters,
  type Thresholds,
} from '../../domain/monitor/index.js';
import { MARKET_TICKS } from '../../protocol/topics.js';
import type { BrokerMonitorStatus, MonitorStatus } from '../../protocol/pipeline-monitor.js';

/** Everything the evaluation needs besides counters and time. */
export interface MonitorSettings {
  readonly brokers: readonly Broker[];
  readonly startedAtMs: number;
  readonly startupGraceMs: number;
  readonly thresholds: Thresholds;
  readonly marketHours: MarketHoursOptions;
  /** Enabled strategies per broker; undefined when unknown. */
  readonly strategies: Partial<Record<Broker, number>> | undefined;
}

/** Settings from the app config (market-data threshold and grace are configurable; the rest are the original's). */
export function monitorSettings(
  config: AppConfig,
  brokers: readonly Broker[],
  startedAtMs: number,
  strategies: Partial<Record<Broker, number>> | undefined,
): MonitorSettings {
  return {
    brokers,
    startedAtMs,
    startupGraceMs: config.monitor.startupGraceMs,
    thresholds: { ...DEFAULT_THRESHOLDS, marketDataMs: config.monitor.marketDataLatencyThresholdMs },
    marketHours: { market24x7: config.feed.market24x7 === true, holidays: config.feed.holidays },
    strategies,
  };
}

const HEALTHY_ENOUGH = new Set(['healthy', 'warning', 'idle', 'startup']);

/** Counters plus the latest evaluation. */
export class MonitorCore {
  readonly book: StageBook;
  private last: MonitorStatus | undefined;

  constructor(private readonly settings: MonitorSettings) {
    this.book = new StageBook(settings.brokers);
  }

  /** The latest evaluation, if any. */
  latest(): MonitorStatus | undefined {
    return this.last;
  }

  /** Evaluates every broker at `nowMs` with the given ring counters and keeps the result. */
  evaluate(nowMs: number, rings: Readonly<Record<string, RingCounters>>): MonitorStatus {
    const s = this.settings;
    const open = isMarketOpen(nowMs, s.marketHours);
    const session = marketStatus(nowMs, s.marketHours);
    const market = this.book.marketCounter();
    const brokers: Record<string, BrokerMonitorStatus> = {};
    for (const broker of s.brokers) {
      const stages = this.book.brokerCounters(broker);
      const strategies = s.strategies?.[broker];
      const validation = validateBroker({
        broker,
        nowMs,
        uptimeMs: nowMs - s.startedAtMs,
        startupGraceMs: s.startupGraceMs,
        marketOpen: open,
        // Only brokers with a trading engine are monitored (tree.ts), so trading is enabled for all
        tradingEnabled: true,
        strategies,
        market,
        stages,
        thresholds: s.thresholds,
        awaiting: this.book.awaitingView(broker),
      });
      brokers[broker] = {
        broker,
        validation,
        marketStatus: session,
        strategies: strategies ?? null,
        metrics: { market_ticks: market, ...stages },
        rings: summariseRings(rings, (t) => t === MARKET_TICKS || t.startsWith(`${broker}.`)),
      };
    }
    const overallHealthy = Object.values(brokers).every((b) => HEALTHY_ENOUGH.has(b.validation.overall));
    this.last = { ts: nowMs, startedAt: s.startedAtMs, uptimeMs: nowMs - s.startedAtMs, overallHealthy, brokers };
    return this.last;
  }
}
