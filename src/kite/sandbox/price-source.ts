// Where the Kite sandbox gets its prices: anything that knows a last price per instrument token and
// announces new ones. The ticker half's seeded market plugs in through marketPriceSource(); tests
// drive ManualPriceSource. Prices are integer minor units of the instrument's divisor (paise for NSE).
import type { SandboxMarket } from './market.js';

export type TickListener = (token: number, price: number) => void;

export interface PriceSource {
  /** Last known price of `token`, or undefined before its first tick. */
  lastPrice(token: number): number | undefined;
  /** Calls `fn` after every new price; returns the unsubscribe function. */
  onTick(fn: TickListener): () => void;
}

/** A PriceSource moved by hand: set() records the price, then notifies listeners synchronously. */
export class ManualPriceSource implements PriceSource {
  private readonly prices = new Map<number, number>();
  private readonly listeners = new Set<TickListener>();

  lastPrice(token: number): number | undefined {
    return this.prices.get(token);
  }

  onTick(fn: TickListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  set(token: number, price: number): void {
    if (!Number.isSafeInteger(price) || price <= 0) throw new RangeError(`ManualPriceSource: expected a positive integer price, was ${price}`);
    this.prices.set(token, price);
    for (const fn of [...this.listeners]) fn(token, price);
  }
}

/** The seeded sandbox market as a PriceSource: orders match against the very ticks the ticker server streams. */
export function marketPriceSource(market: SandboxMarket): PriceSource {
  return {
    lastPrice: (token) => market.lastPrice(token),
    onTick: (fn) => market.onTick((t) => fn(t.token, t.ltp)),
  };
}
