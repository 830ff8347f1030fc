// Shared well-formedness check of a synthetic tick (test helper, not a test file). Plain
// comparisons rather than expect() so property tests over many thousands of ticks stay fast.
import { expect } from 'vitest';
import type { DepthLevel, Tick } from '../../../src/domain/types.js';

/** First violated invariant of `t` (prices on the `tick` grid), or undefined. */
export function tickProblem(t: Tick, tick: number): string | undefined {
  if (!Number.isSafeInteger(t.ltp) || t.ltp <= 0) return `ltp ${t.ltp} not a positive integer`;
  if (t.ltp % tick !== 0) return `ltp ${t.ltp} off the ${tick} grid`;
  if (!(t.low > 0 && t.low <= t.ltp && t.ltp <= t.high)) return `ltp ${t.ltp} outside [${t.low}, ${t.high}]`;
  if (!(t.low <= t.open && t.open <= t.high)) return `open ${t.open} outside [${t.low}, ${t.high}]`;
  if (t.divisor !== 100 || t.exchangeTs <= 0) return 'divisor or exchangeTs';
  if (!t.tradable) return undefined;
  if (t.lastQty <= 0 || t.volume < t.lastQty) return `lastQty ${t.lastQty} / volume ${t.volume}`;
  if (t.avgPrice < t.low || t.avgPrice > t.high) return `avgPrice ${t.avgPrice} outside [${t.low}, ${t.high}]`;
  if (t.lastTradeTs !== t.exchangeTs) return 'lastTradeTs';
  if (t.depthSell.length !== 5 || t.depthBuy.length === 0) return `depth sizes ${t.depthBuy.length}/${t.depthSell.length}`;
  const bids = t.depthBuy.map((l) => l.price);
  const asks = t.depthSell.map((l) => l.price);
  for (let i = 1; i < bids.length; i++) if ((bids[i] ?? 0) >= (bids[i - 1] ?? 0)) return `bids not descending ${bids}`;
  for (let i = 1; i < asks.length; i++) if ((asks[i] ?? 0) <= (asks[i - 1] ?? 0)) return `asks not ascending ${asks}`;
  const bestBid = bids[0] ?? 0;
  const bestAsk = asks[0] ?? 0;
  if (!(bestBid < bestAsk && bestBid <= t.ltp && t.ltp <= bestAsk)) return `book ${bestBid}/${bestAsk} vs ltp ${t.ltp}`;
  const levelBad = (l: DepthLevel) => l.price <= 0 || l.price % tick !== 0 || l.orders < 1 || l.orders > l.quantity;
  if (t.depthBuy.some(levelBad) || t.depthSell.some(levelBad)) return 'bad depth level';
  const sum = (ls: readonly DepthLevel[]) => ls.reduce((a, l) => a + l.quantity, 0);
  if (t.buyQty <= sum(t.depthBuy) || t.sellQty <= sum(t.depthSell)) return 'total quantities below visible depth';
  return undefined;
}

/** Asserts that `t` is well-formed. */
export function checkTick(t: Tick, tick: number): void {
  expect(tickProblem(t, tick)).toBeUndefined();
}
