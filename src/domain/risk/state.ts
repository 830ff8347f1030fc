// Risk state of ONE broker (paper and zerodha never share counters: the original's quirk 3).
// PURE, mutated in place (per tick / fill / signal). Positions come from real fills (quirk 1
// fixed); daily trade counters are keyed by (strategy, IST day) and read with the same key they
// are written with (quirk 2 fixed); the daily net realized PnL covers the broker's fills of one day.

import { err, ok, appError, type Result } from '../../errors.js';
import type { Broker, Fill, Paise, TradingSignal } from '../types.js';
import { createDedup, isDuplicateFill, recordFill, DEFAULT_DEDUP_WINDOW, type FillDedup } from '../portfolio/dedup.js';
import { addExact } from '../portfolio/money.js';
import { applyTrade, type Lot } from '../portfolio/position-math.js';
import { assertValidFill, type FillDuplicateError } from '../portfolio/apply.js';
import { istDay } from './limits.js';

/** Validated-signal count of one strategy on one IST day. */
export interface DayCount {
  day: number;
  count: number;
}

/** Kill-switch status. */
export interface KillSwitch {
  engaged: boolean;
  /** Why it was engaged (empty when released). */
  reason: string;
}

/** Mutable risk state of one broker. */
export interface RiskState {
  readonly broker: Broker;
  /** strategyId → token → lot built from fills (cost basis needed for realized PnL). */
  readonly positions: Map<string, Map<number, Lot>>;
  /** token → last tick price, paise. */
  readonly lastPrices: Map<number, Paise>;
  /** strategyId → validated signals on the most recent day seen for that strategy. */
  readonly dailyTrades: Map<string, DayCount>;
  /** Broker-wide net realized PnL (realized − fees) of fills on IST day `day`. */
  readonly dailyPnl: { day: number; netRealized: Paise };
  readonly killSwitch: KillSwitch;
  readonly dedup: FillDedup;
}

/** A fresh risk state for `broker`. */
export function createRiskState(broker: Broker, dedupWindow: number = DEFAULT_DEDUP_WINDOW): RiskState {
  return {
    broker,
    positions: new Map(),
    lastPrices: new Map(),
    dailyTrades: new Map(),
    dailyPnl: { day: 0, netRealized: 0 },
    killSwitch: { engaged: false, reason: '' },
    dedup: createDedup(dedupWindow),
  };
}

/** Records a tick's last price; ignored (returns false) unless it is a positive integer. */
export function onTick(state: RiskState, token: number, ltp: Paise): boolean {
  if (!Number.isSafeInteger(ltp) || ltp <= 0) return false;
  state.lastPrices.set(token, ltp);
  return true;
}

/** Net position of (strategy, token) from applied fills. */
export function positionOf(state: RiskState, strategyId: string, token: number): Lot {
  return state.positions.get(strategyId)?.get(token) ?? { qty: 0, costBasis: 0 };
}

/**
 * Applies a real fill: updates the (strategy, token) position and, for a fill on the current
 * or a later IST day, the broker's daily net realized PnL (a later day starts a new total).
 * Duplicates (same dedup rule as the portfolio) change nothing and return ERR_FILL_DUPLICATE.
 * Throws ERR_FILL_INVALID for a malformed fill or a fill of another broker (mis-routing).
 */
export function onFill(state: RiskState, fill: Fill): Result<RiskState, FillDuplicateError> {
  assertValidFill(fill);
  if (fill.broker !== state.broker) {
    throw appError('ERR_FILL_INVALID', { tradeId: fill.tradeId, reason: `broker ${fill.broker} routed to ${state.broker} risk` });
  }
  if (isDuplicateFill(state.dedup, fill)) {
    return err({ code: 'ERR_FILL_DUPLICATE', tradeId: fill.tradeId, broker: fill.broker, fillSeq: fill.fillSeq });
  }
  const trade = applyTrade(positionOf(state, fill.strategyId, fill.token), fill.side, fill.quantity, fill.price, fill.tradeId);
  const net = addExact(trade.realized, -fill.fees, fill.tradeId);
  const day = istDay(fill.ts);
  const daily = state.dailyPnl;
  const nextDaily = day > daily.day ? net : day === daily.day ? addExact(daily.netRealized, net, fill.tradeId) : daily.netRealized;

  let byToken = state.positions.get(fill.strategyId);
  if (byToken === undefined) {
    byToken = new Map();
    state.positions.set(fill.strategyId, byToken);
  }
  byToken.set(fill.token, { qty: trade.qty, costBasis: trade.costBasis });
  // a fill of an earlier day (late replay) moves the position but not today's loss
  if (day >= daily.day) {
    daily.day = day;
    daily.netRealized = nextDaily;
  }
  recordFill(state.dedup, fill);
  return ok(state);
}

/** Engages (with a reason) or releases the kill switch. */
export function setKillSwitch(state: RiskState, engaged: boolean, reason: string): void {
  state.killSwitch.engaged = engaged;
  state.killSwitch.reason = engaged ? reason : '';
}

/** Validated signals of `strategyId` on IST day `day`. */
export function dailyTradeCount(state: RiskState, strategyId: string, day: number): number {
  const c = state.dailyTrades.get(strategyId);
  return c !== undefined && c.day === day ? c.count : 0;
}

/**
 * Counts a validated signal against its strategy's daily limit (day from `signal.ts` in IST).
 * A signal of an older day than the one held changes nothing: counters only move forward.
 */
export function recordValidated(state: RiskState, signal: TradingSignal): void {
  const day = istDay(signal.ts);
  const c = state.dailyTrades.get(signal.strategyId);
  if (c === undefined || day > c.day) state.dailyTrades.set(signal.strategyId, { day, count: 1 });
  else if (day === c.day) c.count += 1;
}

/** Broker-wide net realized PnL (fees included) of IST day `day` (0 when no fill that day). */
export function dailyNetRealized(state: RiskState, day: number): Paise {
  return state.dailyPnl.day === day ? state.dailyPnl.netRealized : 0;
}
