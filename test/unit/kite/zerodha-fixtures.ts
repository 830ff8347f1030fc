// Shared builders of the zerodha venue's unit tests: one instrument, signals, and Kite's order and
// trade views as the REST client decodes them (camelCase, paise).
import type { TradingSignal } from '../../../src/domain/types.js';
import type { KiteOrder, KiteTrade } from '../../../src/kite/rest/types.js';

export const INFY = 408065;
export const config = { instruments: new Map([[INFY, { exchange: 'NSE', tradingsymbol: 'INFY' }]]) };

export function signal(ts: number, over: Partial<TradingSignal> = {}): TradingSignal {
  return { strategyId: 'momo', token: INFY, side: 'BUY', quantity: 10, price: 157_315, ts, confidence: 1, order: {}, metadata: {}, ...over };
}

/** A MARKET BUY of 10 INFY; `filled` sets the filled quantity, `over` any other field. */
export function kiteOrder(orderId: string, tag: string | null, status: string, filled = 0, over: Partial<KiteOrder> = {}): KiteOrder {
  return {
    orderId, exchangeOrderId: null, parentOrderId: null, status, statusMessage: null, tag, variety: 'regular', exchange: 'NSE',
    tradingsymbol: 'INFY', instrumentToken: INFY, orderType: 'MARKET', transactionType: 'BUY', validity: 'DAY', product: 'MIS',
    quantity: 10, filledQuantity: filled, pendingQuantity: 10 - filled, cancelledQuantity: 0, price: 0, triggerPrice: 0, averagePrice: 0,
    orderTimestamp: null, exchangeTimestamp: null, ...over,
  };
}

export function kiteTrade(tradeId: string, orderId: string, quantity: number, price = 157_320): KiteTrade {
  return {
    tradeId, orderId, exchangeOrderId: null, exchange: 'NSE', tradingsymbol: 'INFY', instrumentToken: INFY, product: 'MIS',
    transactionType: 'BUY', quantity, averagePrice: price, fillTimestamp: '2026-12-02 10:15:00', orderTimestamp: null, exchangeTimestamp: null,
  };
}
