// Backtest set-up: validates the strategies (every problem at once, as the strategy runner does),
// keeps those of the paper broker (the only venue a backtest simulates) and resolves the paper,
// risk and portfolio settings to the exact values the actor pipeline would use. PURE.
import { err, ok, type Result } from '../errors.js';
import { defaultPaperConfig, rupeesToPaise, type PaperConfig } from '../domain/paper/index.js';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../domain/risk/index.js';
import {
  createStrategyEngine,
  parseStrategies,
  parseStrategiesDocument,
  type StrategyConfig,
  type StrategyConfigError,
} from '../domain/strategy/index.js';
import type { Paise } from '../domain/types.js';
import type { BacktestInput } from './types.js';

/** Everything runBacktest derives from its input before the first tick. */
export interface BacktestSetup {
  /** The paper strategies, validated (the trading step builds its engine from them). */
  readonly strategies: readonly StrategyConfig[];
  /** Runnable strategy ids, config order. */
  readonly runnable: readonly string[];
  readonly skipped: readonly { readonly strategyId: string; readonly reason: string }[];
  readonly paper: Partial<PaperConfig>;
  /** Starting cash per strategy, paise (portfolio and venue agree on it). */
  readonly startingCash: Paise;
  readonly limits: RiskLimits;
}

/** Validated strategy configs from either input form (a list, or a document `{ strategies }`). */
export function resolveStrategies(strategies: BacktestInput['strategies']): Result<StrategyConfig[], StrategyConfigError[]> {
  if (Array.isArray(strategies)) {
    const r = parseStrategies(strategies as readonly unknown[]);
    return r.ok ? ok(r.value.map((s) => s.config)) : r;
  }
  return parseStrategiesDocument(strategies);
}

/** Validates the paper strategies and resolves the settings. */
export function prepareBacktest(input: BacktestInput): Result<BacktestSetup, StrategyConfigError[]> {
  const configs = resolveStrategies(input.strategies);
  if (!configs.ok) return configs;
  const runnable: StrategyConfig[] = [];
  const skipped: { strategyId: string; reason: string }[] = [];
  for (const c of configs.value) {
    // Only the paper venue is simulated; a live-broker strategy is skipped as the runner skips
    // strategies of inactive brokers (ERR_STRATEGY_BROKER_INACTIVE), never silently re-routed
    if (c.broker === 'paper') runnable.push(c);
    else skipped.push({ strategyId: c.id, reason: `broker "${c.broker}" is not simulated (paper only)` });
  }
  // Built once here only to report every parameter problem as a value before the run starts
  const engine = createStrategyEngine(runnable);
  if (!engine.ok) return err(engine.error);
  const paper: Partial<PaperConfig> = input.startingCash === undefined ? { ...input.paper } : { ...input.paper, startingCash: input.startingCash };
  return ok({
    strategies: runnable,
    runnable: runnable.filter((c) => c.enabled).map((c) => c.id),
    skipped,
    paper,
    startingCash: rupeesToPaise(paper.startingCash ?? defaultPaperConfig.startingCash),
    limits: { ...DEFAULT_RISK_LIMITS, ...input.risk },
  });
}

/**
 * `--no-risk-caps`: the limits without the daily caps of live trading (validated signals per day,
 * daily loss), which otherwise clip a long backtest silently; position, notional and price checks stay.
 */
export function liftDailyCaps(limits: RiskLimits): RiskLimits {
  return { ...limits, maxDailyTrades: Number.MAX_SAFE_INTEGER, dailyLossLimit: Number.MAX_SAFE_INTEGER };
}
