// The seven pre-trade risk rules as pure predicates over (signal, risk state, limits, reference
// data). PURE. Each returns null when the rule passes or the catalogued reason when it fails;
// evaluate.ts runs all of them. The position and daily-loss rules never block an order that only
// reduces an existing position. The kill switch and the daily trade limit block every strategy
// signal, but let a flatten signal (`reduceOnly`, built by the flatten command) through while it
// reduces the position: an operator must always be able to get flat. The tradable-instrument rule
// blocks everything.

import { formatMessage, type ErrorCode, type ErrorDetail } from '../../errors.js';
import type { TradingSignal } from '../types.js';
import { describeTradability, tradabilityProblem, type TradableLookup } from '../instruments/tradability.js';
import { formatPaise, productGreater } from '../portfolio/money.js';
import { isReducing } from '../portfolio/position-math.js';
import { istDate, istDay, type RiskLimits, type RuleName } from './limits.js';
import { dailyNetRealized, dailyTradeCount, positionOf, type RiskState } from './state.js';

/** Error codes a risk rejection can carry. */
export type RiskErrorCode = Extract<ErrorCode, `ERR_RISK_${string}`>;

/** Why one rule rejected a signal. */
export interface RiskReason {
  readonly rule: RuleName;
  readonly code: RiskErrorCode;
  readonly message: string;
  readonly detail: ErrorDetail;
}

/** What every rule needs, computed once per signal by evaluate.ts. */
export interface RuleContext {
  readonly state: RiskState;
  readonly signal: TradingSignal;
  readonly limits: RiskLimits;
  /** IST trading day of `signal.ts`. */
  readonly day: number;
  /** Current net position of (signal.strategyId, signal.token) from fills. */
  readonly currentQty: number;
  /** The registry's tradability; undefined when no registry is known (the rule then passes). */
  readonly tradable: TradableLookup | undefined;
}

/** Reference data the rules read besides state and limits (instrument facts from the registry). */
export interface RiskReference {
  readonly tradable?: TradableLookup;
}

/** Builds the {@link RuleContext} of a signal. */
export function ruleContext(state: RiskState, signal: TradingSignal, limits: RiskLimits, ref: RiskReference = {}): RuleContext {
  const currentQty = positionOf(state, signal.strategyId, signal.token).qty;
  return { state, signal, limits, day: istDay(signal.ts), currentQty, tradable: ref.tradable };
}

function reason(rule: RuleName, code: RiskErrorCode, detail: ErrorDetail): RiskReason {
  return { rule, code, message: formatMessage(code, detail), detail };
}

/**
 * MaxPositionSize: fails when |position ± qty| > max, unless the order only shrinks the position
 * toward zero (never trap a strategy in an over-limit position).
 */
export function checkMaxPosition({ signal: s, limits, currentQty: current }: RuleContext): RiskReason | null {
  const projected = current + (s.side === 'BUY' ? s.quantity : -s.quantity);
  if (Math.abs(projected) <= limits.maxPosition || isReducing(current, s.side, s.quantity)) return null;
  return reason('MaxPositionSize', 'ERR_RISK_MAX_POSITION', { position: projected, current, max: limits.maxPosition });
}

/**
 * True for a flatten signal that only shrinks its (strategy, instrument) position toward zero. A
 * `reduceOnly` marker on a signal that would open or grow a position buys nothing.
 */
export function isReducingExit({ signal: s, currentQty }: RuleContext): boolean {
  return s.reduceOnly === true && isReducing(currentQty, s.side, s.quantity);
}

/**
 * MaxDailyTrades: fails when the strategy already has `max` validated signals on the signal's IST
 * day, except for a reducing flatten exit (which is not counted either, see evaluateAndRecord).
 */
export function checkMaxDailyTrades(ctx: RuleContext): RiskReason | null {
  const { state, signal: s, limits, day } = ctx;
  const count = dailyTradeCount(state, s.strategyId, day);
  if (count < limits.maxDailyTrades || isReducingExit(ctx)) return null;
  return reason('MaxDailyTrades', 'ERR_RISK_MAX_DAILY_TRADES', {
    max: limits.maxDailyTrades,
    count,
    strategyId: s.strategyId,
    broker: state.broker,
    date: istDate(day),
  });
}

/**
 * PriceLimit: fails when |signal price − last tick| / last tick > max deviation, compared exactly
 * as |diff| × 10⁶ > ppm × last. Passes (skipped) when no positive last price is known.
 */
export function checkPriceLimit({ state, signal: s, limits }: RuleContext): RiskReason | null {
  const last = state.lastPrices.get(s.token);
  if (last === undefined || last <= 0) return null;
  const diff = Math.abs(s.price - last);
  const ppm = Math.round(limits.maxPriceDeviation * 1_000_000);
  if (!productGreater(diff, 1_000_000, ppm, last)) return null;
  return reason('PriceLimit', 'ERR_RISK_PRICE_DEVIATION', {
    deviationPct: ((diff / last) * 100).toFixed(2),
    limitPct: (limits.maxPriceDeviation * 100).toFixed(2),
    price: s.price,
    lastPrice: last,
  });
}

/** MaxOrderNotional: fails when quantity × price > max notional (exact past 2^53). */
export function checkMaxNotional({ signal: s, limits }: RuleContext): RiskReason | null {
  if (!productGreater(s.quantity, s.price, limits.maxOrderNotional, 1)) return null;
  const notional = BigInt(s.quantity) * BigInt(s.price);
  return reason('MaxOrderNotional', 'ERR_RISK_MAX_NOTIONAL', {
    notional: formatBigPaise(notional),
    max: formatPaise(limits.maxOrderNotional),
    notionalPaise: notional.toString(),
    maxPaise: limits.maxOrderNotional,
  });
}

/**
 * DailyLossLimit: once the broker's net realized PnL of the signal's IST day is ≤ −limit, only
 * orders that reduce an existing position (opposite side, not crossing zero) pass.
 */
export function checkDailyLoss({ state, signal: s, limits, day, currentQty }: RuleContext): RiskReason | null {
  const net = dailyNetRealized(state, day);
  if (net > -limits.dailyLossLimit) return null;
  if (isReducing(currentQty, s.side, s.quantity)) return null;
  return reason('DailyLossLimit', 'ERR_RISK_DAILY_LOSS', {
    loss: formatPaise(-net),
    max: formatPaise(limits.dailyLossLimit),
    broker: state.broker,
    lossPaise: -net,
    date: istDate(day),
  });
}

/**
 * KillSwitch: while engaged, every signal fails except a flatten exit that reduces its position
 * (the switch stops new exposure; it must not trap the operator in the exposure already held).
 */
export function checkKillSwitch(ctx: RuleContext): RiskReason | null {
  const { state } = ctx;
  if (!state.killSwitch.engaged || isReducingExit(ctx)) return null;
  return reason('KillSwitch', 'ERR_RISK_KILL_SWITCH', { reason: state.killSwitch.reason, broker: state.broker });
}

/**
 * TradableInstrument: fails when the registry marks the signal's instrument not tradable (an
 * index such as BANKNIFTY) or does not know it. Passes when no registry is given.
 */
export function checkTradable({ signal: s, tradable }: RuleContext): RiskReason | null {
  const problem = tradabilityProblem(tradable, s.token);
  if (problem === null) return null;
  return reason('TradableInstrument', 'ERR_RISK_NOT_TRADABLE', { token: s.token, reason: describeTradability(problem), problem });
}

function formatBigPaise(p: bigint): string {
  const neg = p < 0n;
  const abs = neg ? -p : p;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
