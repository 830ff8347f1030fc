// Running day statistics for CSV replays, which carry only prices and volumes: per token and IST
// day, open = first price, high/low running, close = last price of the previous day seen (0 when
// unknown), cumulative volume and VWAP (turnover summed as BigInt, VWAP rounded half-up). PURE.

import { tradingDay } from '../market-hours/ist.js';
import type { Paise } from '../types.js';

/** Day fields a CSV-derived tick gets. */
export interface SessionFields {
  readonly open: Paise;
  readonly high: Paise;
  readonly low: Paise;
  readonly close: Paise;
  readonly volume: number;
  readonly avgPrice: Paise;
}

interface Day {
  day: string;
  open: Paise;
  high: Paise;
  low: Paise;
  close: Paise;
  last: Paise;
  volume: number;
  turnover: bigint;
}

/** Accumulates day statistics across the lines of one replay file. */
export interface SessionTracker {
  /**
   * Records a trade of `qty` at `price` for `token` at `ts` and returns the updated day fields.
   * A timestamp on an earlier day than the token's current one is folded into the current day.
   */
  apply(token: number, ts: number, price: Paise, qty: number): SessionFields;
  /** Cumulative volume of `token` on the day containing `ts` (0 if none yet). */
  volumeOn(token: number, ts: number): number;
}

/** A fresh tracker (one per replay file). */
export function createSessionTracker(): SessionTracker {
  const days = new Map<number, Day>();
  return {
    apply(token, ts, price, qty) {
      const key = tradingDay(ts);
      let d = days.get(token);
      if (d === undefined) {
        d = { day: key, open: price, high: price, low: price, close: 0, last: price, volume: 0, turnover: 0n };
        days.set(token, d);
      } else if (key > d.day) {
        d.close = d.last;
        d.day = key;
        d.open = price;
        d.high = price;
        d.low = price;
        d.volume = 0;
        d.turnover = 0n;
      }
      d.high = Math.max(d.high, price);
      d.low = Math.min(d.low, price);
      d.last = price;
      d.volume += qty;
      d.turnover += BigInt(price) * BigInt(qty);
      const avgPrice = d.volume === 0 ? 0 : Number((2n * d.turnover + BigInt(d.volume)) / (2n * BigInt(d.volume)));
      return { open: d.open, high: d.high, low: d.low, close: d.close, volume: d.volume, avgPrice };
    },
    volumeOn(token, ts) {
      const d = days.get(token);
      return d !== undefined && d.day === tradingDay(ts) ? d.volume : 0;
    },
  };
}
