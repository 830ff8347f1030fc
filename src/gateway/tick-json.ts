// Tick → the JSON shape WebSocket clients receive (TickJson). Prices stay integers in minor units
// with their divisor (the client divides), so nothing is rounded on the way out. `change` is
// ltp − close in minor units; `changeBps` is that change in basis points of close (rounded half
// away from zero, 0 when close is 0), so the client needs no float maths for the sign and size.
import type { DepthLevel, Tick } from '../domain/types.js';

/** One depth level as sent to clients. */
export interface DepthJson {
  readonly price: number;
  readonly quantity: number;
  readonly orders: number;
}

/** The tick as clients see it. */
export interface TickJson {
  readonly token: number;
  readonly ltp: number;
  readonly divisor: number;
  readonly volume: number;
  readonly lastQty: number;
  readonly avgPrice: number;
  readonly buyQty: number;
  readonly sellQty: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly change: number;
  readonly changeBps: number;
  readonly oi: number;
  readonly tradable: boolean;
  /** Epoch ms, 0 = unknown. */
  readonly exchangeTs: number;
  readonly lastTradeTs: number;
  readonly depth?: { readonly buy: readonly DepthJson[]; readonly sell: readonly DepthJson[] };
}

/** Basis points of `change` relative to `close`, integer. */
export function changeBps(ltp: number, close: number): number {
  if (close === 0) return 0;
  const bps = ((ltp - close) * 10_000) / close;
  return Math.sign(bps) * Math.round(Math.abs(bps));
}

const level = (d: DepthLevel): DepthJson => ({ price: d.price, quantity: d.quantity, orders: d.orders });

/** Converts a tick; `withDepth` adds the five-level book. */
export function tickToJson(t: Tick, withDepth: boolean): TickJson {
  const base = {
    token: t.token,
    ltp: t.ltp,
    divisor: t.divisor,
    volume: t.volume,
    lastQty: t.lastQty,
    avgPrice: t.avgPrice,
    buyQty: t.buyQty,
    sellQty: t.sellQty,
    open: t.open,
    high: t.high,
    low: t.low,
    close: t.close,
    change: t.ltp - t.close,
    changeBps: changeBps(t.ltp, t.close),
    oi: t.oi,
    tradable: t.tradable,
    exchangeTs: t.exchangeTs,
    lastTradeTs: t.lastTradeTs,
  };
  return withDepth ? { ...base, depth: { buy: t.depthBuy.map(level), sell: t.depthSell.map(level) } } : base;
}
