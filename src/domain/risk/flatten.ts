// Flatten: the signals that close every open position of one broker (optionally one strategy),
// built from the risk state's own positions (which come from real fills). PURE: the caller gives
// the time (event time of the command), so a journaled flatten replays to the same signals.
//
// Each signal is a market IOC order on the opposite side, marked `reduceOnly`: the risk rules let
// it through the kill switch and the daily trade limit while it reduces the position, and every
// other rule still judges it (so it is risk-checked and shows up as a normal verdict, order and
// fill). IOC: a venue that holds less than risk believes fills what it holds and cancels the rest,
// instead of refusing the whole order. A position too large for one order under the
// max-order-notional limit is closed in several chunks, numbered in `feedSeq` (part of the key).

import type { Paise, TradingSignal } from '../types.js';
import type { RiskLimits } from './limits.js';
import type { RiskState } from './state.js';

/** What to flatten, and when (event time, epoch ms: every signal's `ts`). */
export interface FlattenRequest {
  readonly ts: number;
  /** Only this strategy's positions; all strategies when absent. */
  readonly strategyId?: string;
  /** Only positions in this instrument; all instruments when absent. */
  readonly token?: number;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Reference price of a closing order: the last tick risk saw for the instrument (so the price
 * deviation rule passes), else the position's average cost, else 0 (no reference).
 */
export function closingPrice(state: RiskState, token: number, qty: number, costBasis: Paise): Paise {
  const last = state.lastPrices.get(token);
  if (last !== undefined && last > 0) return last;
  const avg = Math.round(Math.abs(costBasis / qty));
  return Number.isSafeInteger(avg) && avg > 0 ? avg : 0;
}

/** Largest quantity at `price` within the max order notional (≥ 1 unless even one unit exceeds it). */
export function maxChunkQty(price: Paise, maxOrderNotional: Paise): number {
  if (price <= 0) return Number.MAX_SAFE_INTEGER;
  let q = Math.floor(maxOrderNotional / price);
  // Float division can round up across an integer: correct it so q · price ≤ max holds exactly
  while (q > 0 && q * price > maxOrderNotional) q--;
  return q;
}

/**
 * The closing signals of every non-zero position (strategies in name order, instruments in token
 * order, chunks in order). A position whose single unit already exceeds the notional limit gets one
 * signal of its whole size, which risk then rejects with the notional reason: reported, not hidden.
 */
export function closingSignals(state: RiskState, limits: RiskLimits, req: FlattenRequest): TradingSignal[] {
  const out: TradingSignal[] = [];
  for (const strategyId of [...state.positions.keys()].sort(byString)) {
    if (req.strategyId !== undefined && strategyId !== req.strategyId) continue;
    const byToken = state.positions.get(strategyId)!;
    for (const [token, lot] of [...byToken].sort((a, b) => a[0] - b[0])) {
      if (lot.qty === 0 || (req.token !== undefined && token !== req.token)) continue;
      const side = lot.qty > 0 ? 'SELL' : 'BUY';
      const price = closingPrice(state, token, lot.qty, lot.costBasis);
      const total = Math.abs(lot.qty);
      const chunk = maxChunkQty(price, limits.maxOrderNotional);
      const step = chunk >= 1 ? chunk : total;
      for (let left = total, n = 0; left > 0; left -= step, n++) {
        out.push({
          strategyId,
          token,
          side,
          quantity: Math.min(step, left),
          price,
          ts: req.ts,
          confidence: 1,
          order: { orderType: 'market', tif: 'IOC' },
          metadata: { flatten: true },
          feedSeq: n,
          reduceOnly: true,
        });
      }
    }
  }
  return out;
}
