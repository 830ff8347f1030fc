// The bench workload's tick number `s`, written into a reused tick: token = tokens[s % n], a small
// deterministic walk around ₹1,000.00 (well inside the 10 % price-deviation rule), event time
// t0 + floor(s / n) so every (token, ts) is distinct. The injector and the in-thread floor share it.
import type { Tick } from '../../src/domain/types.js';

export type MutableBenchTick = { -readonly [K in keyof Tick]: Tick[K] };

/** A fresh reusable tick. */
export function newBenchTick(): MutableBenchTick {
  const level = () => ({ price: 0, quantity: 0, orders: 0 });
  return {
    token: 0, ltp: 0, lastQty: 1, avgPrice: 0, volume: 0, buyQty: 0, sellQty: 0, open: 0, high: 0, low: 0, close: 0,
    oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: 0, lastTradeTs: 0,
    depthBuy: Array.from({ length: 5 }, level), depthSell: Array.from({ length: 5 }, level),
  };
}

/** Writes tick number `s` into `tick`. */
export function fillBenchTick(tick: MutableBenchTick, s: number, tokens: readonly number[], eventT0: number): void {
  const n = tokens.length;
  tick.token = tokens[s % n]!;
  const ltp = 100_000 + ((s * 7919) % 2_000) - 1_000;
  tick.ltp = ltp;
  tick.avgPrice = ltp;
  tick.open = tick.high = tick.low = tick.close = ltp;
  tick.volume = s;
  tick.exchangeTs = eventT0 + Math.floor(s / n);
  tick.lastTradeTs = tick.exchangeTs;
}
