// Test helpers for the strategy engine: tick and context builders.
import type { Tick } from '../../../src/domain/types.js';
import type { StrategyContext } from '../../../src/domain/strategy/types.js';
import { arraySeries } from '../../../src/domain/strategy/window.js';

/** A tick with only the fields strategies use set meaningfully. */
export function makeTick(token: number, ltp: number, exchangeTs = 0, lastTradeTs = 0): Tick {
  return {
    token,
    ltp,
    lastQty: 0,
    avgPrice: 0,
    volume: 0,
    buyQty: 0,
    sellQty: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    oi: 0,
    oiDayHigh: 0,
    oiDayLow: 0,
    divisor: 100,
    tradable: true,
    exchangeTs,
    lastTradeTs,
    depthBuy: [],
    depthSell: [],
  };
}

/** Context whose history is `prices` (current tick = last price). */
export function ctxOf(prices: readonly number[], token = 1, ts = 0, warnings: string[] = []): StrategyContext {
  return {
    token,
    ltp: prices[prices.length - 1] ?? 0,
    ts,
    history: arraySeries(prices),
    warn: (m) => warnings.push(m),
  };
}
