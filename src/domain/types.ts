// Core value types shared by every pure domain module. PURE: no node:* imports, no I/O, no clock.
// Money and prices are integers in minor units (paise for NSE: price divisor 100), exactly as the
// Kite wire format carries them, so no float ever touches a balance.

/** Integer amount in minor currency units (paise). */
export type Paise = number;

export type Side = 'BUY' | 'SELL';
export type SignalType = Side | 'HOLD';
export type Broker = 'paper' | 'zerodha';
export const BROKERS: readonly Broker[] = ['paper', 'zerodha'];

export interface DepthLevel {
  readonly price: Paise;
  readonly quantity: number;
  readonly orders: number;
}

/** One market tick, as decoded from the tick ring (prices in minor units of `divisor`). */
export interface Tick {
  readonly token: number;
  readonly ltp: Paise;
  readonly lastQty: number;
  readonly avgPrice: Paise;
  readonly volume: number;
  readonly buyQty: number;
  readonly sellQty: number;
  readonly open: Paise;
  readonly high: Paise;
  readonly low: Paise;
  readonly close: Paise;
  readonly oi: number;
  readonly oiDayHigh: number;
  readonly oiDayLow: number;
  /** Price divisor (100 = paise). */
  readonly divisor: number;
  readonly tradable: boolean;
  /** Exchange timestamp, epoch milliseconds (0 = unknown). */
  readonly exchangeTs: number;
  /** Last trade time, epoch milliseconds (0 = unknown). */
  readonly lastTradeTs: number;
  readonly depthBuy: readonly DepthLevel[];
  readonly depthSell: readonly DepthLevel[];
  /**
   * Position of the tick in its feed (replay: record index in the file; synthetic: ticks emitted
   * by this feed run). Disambiguates ticks that share a millisecond; part of the signal key.
   */
  readonly feedSeq?: number;
}

export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit';
export type TimeInForce = 'DAY' | 'IOC' | 'FOK';

/** Paper-order instructions a strategy may attach to a signal (docs/original-system.md §3.5, §6). */
export interface OrderInstructions {
  readonly orderType?: OrderType;
  readonly tif?: TimeInForce;
  readonly limitPrice?: Paise;
  readonly stopPrice?: Paise;
  /** Bracket exits in basis points of the entry price (1% = 100 bp). */
  readonly takeProfitBps?: number;
  readonly stopLossBps?: number;
}

/** A strategy's trading intent (original TradingSignal, HOLD never leaves the strategy). */
export interface TradingSignal {
  readonly strategyId: string;
  readonly token: number;
  readonly side: Side;
  readonly quantity: number;
  /** Reference price (the tick's last price), minor units. */
  readonly price: Paise;
  /** Timestamp of the tick that produced the signal, epoch ms. */
  readonly ts: number;
  /** In [0, 1]. */
  readonly confidence: number;
  readonly order: OrderInstructions;
  /** Free-form strategy metadata (indicator values, ML prediction). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Sequence of the market.ticks record that produced the signal (event-time ordering). */
  readonly tickSeq?: number;
  /** Tick.feedSeq of that tick (part of the signal's idempotency key). */
  readonly feedSeq?: number;
  /**
   * Set only by the flatten command (src/domain/risk/flatten.ts), never by a strategy: the signal
   * closes an open position. Risk lets it through the kill switch and the daily trade limit only
   * while it reduces that position; it is part of the idempotency key (`…:flatten`).
   */
  readonly reduceOnly?: true;
}

/** Fill of (part of) an order. `tradeId` is unique and deterministic: the dedup key. */
export interface Fill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly broker: Broker;
  readonly strategyId: string;
  readonly token: number;
  readonly side: Side;
  readonly quantity: number;
  readonly price: Paise;
  /** Explicit fees charged for this fill (the original forgot them in PnL). */
  readonly fees: Paise;
  readonly ts: number;
  /** Position in the broker's fill log; folds apply fills in this order. */
  readonly fillSeq: number;
}
