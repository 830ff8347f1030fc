// Control-plane payloads of the pipeline monitor: `call('status')` / `snapshot()` and
// `call('history', {broker?, limit?})`. Arguments come from other threads and are checked here.
import type { BrokerStage, StageCounter } from '../domain/monitor/stages.js';
import type { BrokerValidation } from '../domain/monitor/validate.js';
import type { RingView } from '../domain/monitor/rings.js';
import type { MarketStatus } from '../domain/market-hours/index.js';

/** Raw stage counters of one broker, with the shared market stage. */
export type StageMetrics = Readonly<Record<BrokerStage | 'market_ticks', StageCounter>>;

/** The monitor's latest view of one broker. */
export interface BrokerMonitorStatus {
  readonly broker: string;
  readonly validation: BrokerValidation;
  readonly marketStatus: MarketStatus;
  /** Enabled strategies targeting the broker; null when unknown. */
  readonly strategies: number | null;
  readonly metrics: StageMetrics;
  /** `market.ticks` and the broker's event rings: per-consumer lag and drops. */
  readonly rings: readonly RingView[];
}

/** Result of `call('status')` and `snapshot()`. */
export interface MonitorStatus {
  readonly ts: number;
  readonly startedAt: number;
  readonly uptimeMs: number;
  /**
   * Every broker is healthy, warning, idle or starting up (the original counted idle and startup
   * as unhealthy, so a closed market raised the aggregated alarm).
   */
  readonly overallHealthy: boolean;
  readonly brokers: Readonly<Record<string, BrokerMonitorStatus>>;
}

/** `call('history', arg)`: one broker or every monitored broker; newest first, at most `limit` each. */
export interface HistoryArg {
  readonly broker?: string;
  readonly limit: number;
}

/** Default history length per broker (the original's get_health_history default). */
export const DEFAULT_HISTORY_LIMIT = 50;

/** Decodes a history argument; a missing or malformed limit is the default, clamped to [1, max]. */
export function decodeHistoryArg(arg: unknown, max: number): HistoryArg {
  const r = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
  const raw = r['limit'];
  const wanted = typeof raw === 'number' && Number.isFinite(raw) ? Math.floor(raw) : DEFAULT_HISTORY_LIMIT;
  const limit = Math.max(1, Math.min(max, wanted));
  return typeof r['broker'] === 'string' ? { broker: r['broker'], limit } : { limit };
}
