// Pre-trade verdict on a strategy signal: every rule is evaluated (like the original), the signal
// is validated iff all pass. PURE: evaluateSignal reads the state only; recording the validated
// signal against the daily counter is a separate, explicit step (evaluateAndRecord does both).

import type { Paise, TradingSignal } from '../types.js';
import { DEFAULT_RISK_LIMITS, type RiskLimits, type RuleName } from './limits.js';
import {
  checkDailyLoss,
  checkKillSwitch,
  checkMaxDailyTrades,
  checkMaxNotional,
  checkMaxPosition,
  checkPriceLimit,
  checkTradable,
  ruleContext,
  type RiskReason,
  type RiskReference,
} from './rules.js';
import { recordValidated, type RiskState } from './state.js';

/** rule name → passed, for every rule. */
export type RiskChecks = Readonly<Record<RuleName, boolean>>;

/** The outcome of {@link evaluateSignal}. */
export type RiskVerdict =
  | {
      readonly outcome: 'validated';
      readonly validatedQty: number;
      readonly validatedPrice: Paise;
      readonly checks: RiskChecks;
    }
  | {
      readonly outcome: 'rejected';
      readonly checks: RiskChecks;
      /** One entry per failed rule, in rule order. */
      readonly reasons: readonly RiskReason[];
    };

/** Runs all seven rules against `signal` without changing `state`; `ref` carries registry facts. */
export function evaluateSignal(
  state: RiskState,
  signal: TradingSignal,
  limits: RiskLimits = DEFAULT_RISK_LIMITS,
  ref: RiskReference = {},
): RiskVerdict {
  const ctx = ruleContext(state, signal, limits, ref);
  const maxPosition = checkMaxPosition(ctx);
  const maxDailyTrades = checkMaxDailyTrades(ctx);
  const priceLimit = checkPriceLimit(ctx);
  const maxNotional = checkMaxNotional(ctx);
  const dailyLoss = checkDailyLoss(ctx);
  const killSwitch = checkKillSwitch(ctx);
  const tradable = checkTradable(ctx);
  const checks: RiskChecks = {
    MaxPositionSize: maxPosition === null,
    MaxDailyTrades: maxDailyTrades === null,
    PriceLimit: priceLimit === null,
    MaxOrderNotional: maxNotional === null,
    DailyLossLimit: dailyLoss === null,
    KillSwitch: killSwitch === null,
    TradableInstrument: tradable === null,
  };
  // rule order (RULE_NAMES) is the order of the reasons
  const all = [maxPosition, maxDailyTrades, priceLimit, maxNotional, dailyLoss, killSwitch, tradable];
  const reasons = all.filter((r): r is RiskReason => r !== null);
  if (reasons.length > 0) return { outcome: 'rejected', checks, reasons };
  return { outcome: 'validated', validatedQty: signal.quantity, validatedPrice: signal.price, checks };
}

/**
 * {@link evaluateSignal}, then {@link recordValidated} when the signal passed. A flatten exit
 * (`reduceOnly`) is not counted: the daily limit is on the strategy's own decisions, and an
 * operator's flatten must not use up the strategy's day.
 */
export function evaluateAndRecord(
  state: RiskState,
  signal: TradingSignal,
  limits: RiskLimits = DEFAULT_RISK_LIMITS,
  ref: RiskReference = {},
): RiskVerdict {
  const verdict = evaluateSignal(state, signal, limits, ref);
  if (verdict.outcome === 'validated' && signal.reduceOnly !== true) recordValidated(state, signal);
  return verdict;
}
