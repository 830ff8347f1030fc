// Per-broker pipeline validation (original PipelineValidator, docs/original-system.md §9.5) as a pure
// function of stage counters and time. Same order of checks and thresholds as the original:
// startup grace ⇒ `startup`; market closed ⇒ `idle`; else five stages judged by event age, and the
// overall grade from the share of healthy stages (all / ≥80 % / ≥60 % / less).
// Fixed: given what each stage owes (AwaitingView), risk, orders and portfolio are late only while
// input waits for them too long; a stage with nothing to answer is `idle`, and a pipeline whose
// orders are idle (e.g. every signal rejected by a daily limit) is `idle`, not a latency warning.
import type { AwaitingView } from './awaiting.js';
import type { BrokerStage, StageCounter } from './stages.js';

/** Overall grade of one broker's pipeline. */
export type OverallHealth = 'startup' | 'idle' | 'healthy' | 'warning' | 'degraded' | 'critical';

/** Validation stages, in pipeline order. */
export const VALIDATION_STAGES = ['market_data', 'signal_generation', 'risk_validation', 'order_execution', 'portfolio_updates'] as const;
export type ValidationStage = (typeof VALIDATION_STAGES)[number];

/** Maximum event ages (ms). Defaults are the original's fixed thresholds; market data is configurable. */
export interface Thresholds {
  readonly marketDataMs: number;
  readonly signalMs: number;
  readonly riskMs: number;
  readonly orderMs: number;
  readonly portfolioMs: number;
}

/** The original's thresholds (`market_data_latency` 1 s, signals 5 s, risk 2 s, orders 10 s, portfolio 3 s). */
export const DEFAULT_THRESHOLDS: Thresholds = { marketDataMs: 1000, signalMs: 5000, riskMs: 2000, orderMs: 10_000, portfolioMs: 3000 };

/** Why a stage was not judged; `idle`: it had no input to answer lately. */
export type SkipReason = 'market_closed' | 'trading_disabled' | 'idle';

/** The verdict on one stage. */
export interface StageResult {
  readonly healthy: boolean;
  readonly count: number;
  readonly lastMs: number | null;
  /** now − lastMs (never negative: producers on other threads may run slightly ahead); null before any event. */
  readonly ageMs: number | null;
  readonly thresholdMs: number;
  readonly skipped?: SkipReason;
  readonly issue?: string;
  readonly recommendation?: string;
  readonly info?: string;
}

/** A stage that is not healthy, with the reason. */
export interface Bottleneck {
  readonly stage: ValidationStage;
  readonly issue: string;
  readonly recommendation?: string;
}

/** Everything the validator needs, all as plain values. */
export interface ValidationInput {
  readonly broker: string;
  readonly nowMs: number;
  /** Time since the monitor started (the startup grace is measured from it). */
  readonly uptimeMs: number;
  readonly startupGraceMs: number;
  /** isMarketOpen(now): regular session or pre-open, as in the original. */
  readonly marketOpen: boolean;
  readonly tradingEnabled: boolean;
  /** Enabled strategies targeting the broker; undefined when unknown (then no signal is unhealthy). */
  readonly strategies: number | undefined;
  readonly market: StageCounter;
  readonly stages: Readonly<Record<BrokerStage, StageCounter>>;
  readonly thresholds: Thresholds;
  /**
   * Oldest unanswered input per answering stage (StageBook.awaitingView). When absent, those
   * stages are judged by the age of their last event, as the original did.
   */
  readonly awaiting?: AwaitingView;
}

/** The result for one broker at one instant. */
export interface BrokerValidation {
  readonly broker: string;
  readonly ts: number;
  readonly overall: OverallHealth;
  readonly message?: string;
  /** Empty during startup (validation deferred, as in the original). */
  readonly stages: Partial<Record<ValidationStage, StageResult>>;
  readonly bottlenecks: readonly Bottleneck[];
  readonly healthyStages: number;
  readonly totalStages: number;
}

/** Overall grade from counts: all healthy, ≥80 %, ≥60 %, else critical (integer arithmetic, no float edge). */
export function classifyOverall(healthy: number, total: number): 'healthy' | 'warning' | 'degraded' | 'critical' {
  if (healthy >= total) return 'healthy';
  if (healthy * 10 >= total * 8) return 'warning';
  if (healthy * 10 >= total * 6) return 'degraded';
  return 'critical';
}

const ageOf = (c: { lastMs: number | null }, nowMs: number): number | null => (c.lastMs === null ? null : Math.max(0, nowMs - c.lastMs));

function judged(c: Pick<StageCounter, 'count' | 'lastMs'>, nowMs: number, thresholdMs: number): StageResult {
  return { healthy: true, count: c.count, lastMs: c.lastMs, ageMs: ageOf(c, nowMs), thresholdMs };
}

function skipped(c: Pick<StageCounter, 'count' | 'lastMs'>, nowMs: number, thresholdMs: number, reason: SkipReason): StageResult {
  return { ...judged(c, nowMs, thresholdMs), skipped: reason };
}

function unhealthy(r: StageResult, issue: string, recommendation: string): StageResult {
  return { ...r, healthy: false, issue, recommendation };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

/** Market data is healthy iff a tick was seen no longer than the threshold ago. */
function marketData(i: ValidationInput): StageResult {
  const r = judged(i.market, i.nowMs, i.thresholds.marketDataMs);
  if (r.ageMs === null) return unhealthy(r, 'No market data ticks found', 'Check market feed service and authentication');
  if (r.ageMs > r.thresholdMs) return unhealthy(r, `Market data latency too high: ${secs(r.ageMs)}`, 'Check market feed service connectivity and performance');
  return r;
}

function signalGeneration(i: ValidationInput): StageResult {
  const r = judged(i.stages.signals, i.nowMs, i.thresholds.signalMs);
  if (!i.tradingEnabled) return r;
  if (i.strategies === 0) return { ...r, info: `No active strategies configured for ${i.broker}` };
  if (r.ageMs === null) {
    return unhealthy(r, `No signals generated for ${i.broker} during market hours`, `Check strategy runner and ${i.broker} broker configuration`);
  }
  if (r.ageMs > r.thresholdMs) {
    return unhealthy(r, `Signal generation latency too high for ${i.broker}: ${secs(r.ageMs)}`, `Check strategy runner performance for ${i.broker}`);
  }
  return r;
}

/**
 * Risk output is a validated OR a rejected signal, so the stage's activity is the newer of the two
 * (the original looked at validated signals only and flagged a risk manager that rejects everything).
 */
function riskCounter(i: ValidationInput): Pick<StageCounter, 'count' | 'lastMs'> {
  const v = i.stages.signals_validated;
  const x = i.stages.signals_rejected;
  const lastMs = v.lastMs === null ? x.lastMs : x.lastMs === null ? v.lastMs : Math.max(v.lastMs, x.lastMs);
  return { count: v.count + x.count, lastMs };
}

/**
 * A downstream stage. With `awaitingSince` known (not undefined): unhealthy only when an input has
 * waited longer than the threshold; idle when nothing is owed and its last event is older than the
 * threshold. Without it: unhealthy when its last event is too old (the original's rule).
 */
function ageStage(
  c: Pick<StageCounter, 'count' | 'lastMs'>,
  i: ValidationInput,
  thresholdMs: number,
  what: string,
  service: string,
  awaitingSince: number | null | undefined,
  idleInfo: string,
): StageResult {
  const r = judged(c, i.nowMs, thresholdMs);
  const late = (waitedMs: number): StageResult =>
    unhealthy(r, `${what} latency too high for ${i.broker}: ${secs(waitedMs)}`, `Check ${service} performance for ${i.broker}`);
  if (awaitingSince === undefined) return r.ageMs !== null && r.ageMs > thresholdMs ? late(r.ageMs) : r;
  if (awaitingSince !== null) {
    const waited = Math.max(0, i.nowMs - awaitingSince);
    return waited > thresholdMs ? late(waited) : r;
  }
  return r.ageMs === null || r.ageMs > thresholdMs ? { ...r, skipped: 'idle', info: idleInfo } : r;
}

/** Validates one broker's pipeline. */
export function validateBroker(i: ValidationInput): BrokerValidation {
  const base = { broker: i.broker, ts: i.nowMs };
  if (i.uptimeMs < i.startupGraceMs) {
    return { ...base, overall: 'startup', message: 'Service starting up, validation deferred', stages: {}, bottlenecks: [], healthyStages: 0, totalStages: 0 };
  }
  const t = i.thresholds;
  if (!i.marketOpen) {
    const tradeSkip: SkipReason = i.tradingEnabled ? 'market_closed' : 'trading_disabled';
    const stages: Record<ValidationStage, StageResult> = {
      market_data: { ...judged(i.market, i.nowMs, t.marketDataMs), info: 'Market closed: skipping market-data latency checks' },
      signal_generation: skipped(i.stages.signals, i.nowMs, t.signalMs, 'market_closed'),
      risk_validation: skipped(riskCounter(i), i.nowMs, t.riskMs, 'market_closed'),
      order_execution: skipped(i.stages.orders, i.nowMs, t.orderMs, tradeSkip),
      portfolio_updates: skipped(i.stages.portfolio_updates, i.nowMs, t.portfolioMs, tradeSkip),
    };
    return { ...base, overall: 'idle', message: 'Market closed; validator in idle mode', stages, bottlenecks: [], healthyStages: 5, totalStages: 5 };
  }
  const stages: Record<ValidationStage, StageResult> = {
    market_data: marketData(i),
    signal_generation: signalGeneration(i),
    risk_validation: ageStage(riskCounter(i), i, t.riskMs, 'Risk validation', 'risk manager service', i.awaiting?.risk_validation, 'Idle: no signals to validate'),
    order_execution: i.tradingEnabled
      ? ageStage(i.stages.orders, i, t.orderMs, 'Order execution', 'trading engine service', i.awaiting?.order_execution, 'Idle: no validated signals to execute')
      : skipped(i.stages.orders, i.nowMs, t.orderMs, 'trading_disabled'),
    portfolio_updates: i.tradingEnabled
      ? ageStage(i.stages.portfolio_updates, i, t.portfolioMs, 'Portfolio update', 'portfolio manager service', i.awaiting?.portfolio_updates, 'Idle: no fills to book')
      : skipped(i.stages.portfolio_updates, i.nowMs, t.portfolioMs, 'trading_disabled'),
  };
  const bottlenecks: Bottleneck[] = [];
  let healthy = 0;
  for (const name of VALIDATION_STAGES) {
    const s = stages[name];
    if (s.healthy) healthy++;
    else bottlenecks.push({ stage: name, issue: s.issue ?? 'Unknown issue', ...(s.recommendation !== undefined ? { recommendation: s.recommendation } : {}) });
  }
  const total = VALIDATION_STAGES.length;
  const overall = classifyOverall(healthy, total);
  // Everything that is judged is fine but no orders flow: say so instead of "healthy"
  if (overall === 'healthy' && stages.order_execution.skipped === 'idle') {
    return { ...base, overall: 'idle', message: 'No orders flowing: no validated signals to execute', stages, bottlenecks, healthyStages: healthy, totalStages: total };
  }
  return { ...base, overall, stages, bottlenecks, healthyStages: healthy, totalStages: total };
}
