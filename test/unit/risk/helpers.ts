// Test helpers for the risk rules: signals and fills with defaults, IST-aware timestamps.
import type { Broker, Fill, TradingSignal } from '../../../src/domain/types.js';

/** 2024-01-15 10:00 IST (04:30 UTC). */
export const T0 = Date.UTC(2024, 0, 15, 4, 30);
/** Last millisecond of 2024-01-15 in IST, and the first of the 16th. */
export const DAY_END = Date.UTC(2024, 0, 15, 18, 29, 59, 999);
export const NEXT_DAY = Date.UTC(2024, 0, 15, 18, 30);

export function mkSignal(over: Partial<TradingSignal> = {}): TradingSignal {
  return {
    strategyId: 's1',
    token: 100,
    side: 'BUY',
    quantity: 10,
    price: 1000,
    ts: T0,
    confidence: 1,
    order: {},
    metadata: {},
    ...over,
  };
}

let seq = 0;

export function mkRiskFill(over: Partial<Fill> & { side: Fill['side']; quantity: number; price: number; broker?: Broker }): Fill {
  seq += 1;
  return {
    tradeId: `rt${seq}`,
    orderId: `ro${seq}`,
    broker: 'paper',
    strategyId: 's1',
    token: 100,
    fees: 0,
    ts: T0,
    fillSeq: seq,
    ...over,
  };
}
