// Paper-order instructions a strategy attaches to its signals (docs/original-system.md §3.5, §6).
// Config speaks percent and basis points; the signal carries integer paise and integer bps.
// Rounding rule (one rule everywhere): half-up to the nearest integer paisa / basis point.
import type { OrderInstructions, OrderType, Paise, Side, TimeInForce } from '../types.js';

/** Order instructions as configured, before the tick price is known. */
export interface OrderSpec {
  readonly orderType?: OrderType;
  readonly tif?: TimeInForce;
  /** Absolute limit price, minor units. Exclusive with `limitOffsetBps`. */
  readonly limitPrice?: Paise;
  /** Limit relative to the tick price; positive = more aggressive (BUY above, SELL below ltp). */
  readonly limitOffsetBps?: number;
  /** Absolute stop trigger price, minor units. */
  readonly stopPrice?: Paise;
  readonly takeProfitBps?: number;
  readonly stopLossBps?: number;
}

/** Rounds a non-negative rational `num / den` half-up, exact for num < 2^53. */
function divRoundHalfUp(num: number, den: number): number {
  return Math.floor((num + den / 2) / den);
}

/** Percent → integer basis points (1% = 100 bp), rounded half-up. */
export function pctToBps(pct: number): number {
  return Math.round(pct * 100);
}

/**
 * Limit price for an offset: BUY ltp·(1 + bps/10⁴), SELL ltp·(1 − bps/10⁴), rounded half-up to
 * a paisa and never below 1 paisa. ltp·(10⁴ ± bps) stays exact below 2^53 for any NSE price.
 */
export function offsetLimitPrice(side: Side, ltp: Paise, bps: number): Paise {
  const factor = side === 'BUY' ? 10_000 + bps : 10_000 - bps;
  return Math.max(1, divRoundHalfUp(ltp * Math.max(0, factor), 10_000));
}

/** Resolves a spec against the signal's side and the tick price. Omits absent fields. */
export function resolveOrder(spec: OrderSpec, side: Side, ltp: Paise): OrderInstructions {
  const limitPrice =
    spec.limitPrice ?? (spec.limitOffsetBps !== undefined ? offsetLimitPrice(side, ltp, spec.limitOffsetBps) : undefined);
  return {
    ...(spec.orderType !== undefined ? { orderType: spec.orderType } : {}),
    ...(spec.tif !== undefined ? { tif: spec.tif } : {}),
    ...(limitPrice !== undefined ? { limitPrice } : {}),
    ...(spec.stopPrice !== undefined ? { stopPrice: spec.stopPrice } : {}),
    ...(spec.takeProfitBps !== undefined ? { takeProfitBps: spec.takeProfitBps } : {}),
    ...(spec.stopLossBps !== undefined ? { stopLossBps: spec.stopLossBps } : {}),
  };
}

/** True when the spec carries nothing (the common case): the engine then shares one empty object. */
export function isEmptyOrderSpec(spec: OrderSpec): boolean {
  return Object.keys(spec).length === 0;
}
