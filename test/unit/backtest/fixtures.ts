// Shared fixtures of the backtest unit tests: the default strategies, a synthetic series, a tick
// series from explicit prices, and a portfolio rebuilt from fills with the final marks.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SYNTHETIC_T0, syntheticTicks, type BacktestResult } from '../../../src/backtest/index.js';
import { brokerTotals, foldFills, markToMarket, strategyTotals, type PnlTotals } from '../../../src/domain/portfolio/index.js';
import type { Tick } from '../../../src/domain/types.js';

/** src/defaults/strategies.yaml as a parsed document. */
export const DEFAULT_DOC = parse(readFileSync(new URL('../../../src/defaults/strategies.yaml', import.meta.url), 'utf8')) as { strategies: unknown[] };

/** Fresh Tick objects of a synthetic series (default instruments, 100 ms apart from 09:15 IST). */
export function synthetic(seed: string, n: number): Tick[] {
  return [...syntheticTicks({ seed, n })];
}

/** One instrument's ticks at the given prices (paise), `gapMs` apart from `t0`. */
export function series(token: number, prices: readonly number[], gapMs = 1000, t0 = SYNTHETIC_T0): Tick[] {
  return prices.map((ltp, i) => ({
    token, ltp, lastQty: 0, avgPrice: 0, volume: 0, buyQty: 0, sellQty: 0, open: 0, high: 0, low: 0, close: 0,
    oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: t0 + i * gapMs, lastTradeTs: 0, depthBuy: [], depthSell: [],
  }));
}

/** Totals of a portfolio rebuilt from the result's fills alone, marked at the last tick prices. */
export function refold(r: BacktestResult, ticks: readonly Tick[], startingCash: number): { byStrategy: Record<string, PnlTotals>; all: PnlTotals } {
  const p = foldFills(r.fills, { startingCash });
  for (const t of ticks) markToMarket(p, t.token, t.ltp);
  const byStrategy: Record<string, PnlTotals> = {};
  for (const id of Object.keys(r.totals.byStrategy)) byStrategy[id] = strategyTotals(p, 'paper', id);
  return { byStrategy, all: brokerTotals(p, 'paper') };
}
