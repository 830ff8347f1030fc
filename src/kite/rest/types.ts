// Kite Connect REST shapes at our boundary: camelCase, every amount in integer minor units (paise for
// divisor-100 exchanges; see money.ts), timestamps as Kite's IST strings "YYYY-MM-DD HH:MM:SS".
// These are views of Kite's answers, decoded by decode.ts; the wire names are in the reference §1.5–1.7.
import type { Paise } from '../../domain/types.js';

export const KITE_VARIETIES = ['regular', 'amo', 'co', 'iceberg', 'auction'] as const;
export type KiteVariety = (typeof KITE_VARIETIES)[number];
export const KITE_ORDER_TYPES = ['MARKET', 'LIMIT', 'SL', 'SL-M'] as const;
export type KiteOrderType = (typeof KITE_ORDER_TYPES)[number];
export const KITE_PRODUCTS = ['CNC', 'MIS', 'NRML'] as const;
export type KiteProduct = (typeof KITE_PRODUCTS)[number];
export const KITE_VALIDITIES = ['DAY', 'IOC'] as const;
export type KiteValidity = (typeof KITE_VALIDITIES)[number];
export const KITE_SIDES = ['BUY', 'SELL'] as const;
export type KiteSide = (typeof KITE_SIDES)[number];

/** Terminal order statuses: nothing changes an order after these. */
export const KITE_TERMINAL_STATUSES: ReadonlySet<string> = new Set(['COMPLETE', 'CANCELLED', 'REJECTED']);

/** POST /session/token's answer, minus the fields we never keep. Secret: never log it. */
export interface KiteSession {
  readonly userId: string;
  readonly userName: string;
  readonly apiKey: string;
  readonly accessToken: string;
  readonly publicToken: string;
  readonly loginTime: string | null;
}

export interface KiteProfile {
  readonly userId: string;
  readonly userName: string;
  readonly userShortname: string;
  readonly email: string;
  readonly userType: string;
  readonly broker: string;
  readonly exchanges: readonly string[];
  readonly products: readonly string[];
  readonly orderTypes: readonly string[];
}

/** One segment of GET /user/margins: every numeric leaf of `available` and `utilised` in paise. */
export interface KiteSegmentMargins {
  readonly enabled: boolean;
  readonly net: Paise;
  readonly available: Readonly<Record<string, Paise>>;
  readonly utilised: Readonly<Record<string, Paise>>;
}

export interface KiteMargins {
  readonly equity?: KiteSegmentMargins;
  readonly commodity?: KiteSegmentMargins;
}

/** One state of an order (GET /orders lists the latest, GET /orders/{id} every state). */
export interface KiteOrder {
  readonly orderId: string;
  readonly exchangeOrderId: string | null;
  readonly parentOrderId: string | null;
  readonly status: string;
  readonly statusMessage: string | null;
  readonly tag: string | null;
  readonly variety: string;
  readonly exchange: string;
  readonly tradingsymbol: string;
  readonly instrumentToken: number;
  readonly orderType: string;
  readonly transactionType: string;
  readonly validity: string;
  readonly product: string;
  readonly quantity: number;
  readonly filledQuantity: number;
  readonly pendingQuantity: number;
  readonly cancelledQuantity: number;
  /** Minor units of the exchange's divisor. */
  readonly price: number;
  readonly triggerPrice: number;
  readonly averagePrice: number;
  readonly orderTimestamp: string | null;
  readonly exchangeTimestamp: string | null;
}

export interface KiteTrade {
  readonly tradeId: string;
  readonly orderId: string;
  readonly exchangeOrderId: string | null;
  readonly exchange: string;
  readonly tradingsymbol: string;
  readonly instrumentToken: number;
  readonly product: string;
  readonly transactionType: string;
  readonly quantity: number;
  /** The fill price, minor units. */
  readonly averagePrice: number;
  readonly fillTimestamp: string | null;
  readonly orderTimestamp: string | null;
  readonly exchangeTimestamp: string | null;
}

export interface KitePosition {
  readonly tradingsymbol: string;
  readonly exchange: string;
  readonly instrumentToken: number;
  readonly product: string;
  /** Net quantity, negative when short. */
  readonly quantity: number;
  readonly overnightQuantity: number;
  readonly multiplier: number;
  readonly averagePrice: number;
  readonly lastPrice: number;
  readonly pnl: number;
  readonly realised: number;
  readonly unrealised: number;
  readonly m2m: number;
  readonly buyQuantity: number;
  readonly buyPrice: number;
  readonly buyValue: number;
  readonly sellQuantity: number;
  readonly sellPrice: number;
  readonly sellValue: number;
}

export interface KitePositions {
  readonly net: readonly KitePosition[];
  readonly day: readonly KitePosition[];
}

/** Parameters of POST /orders/{variety}. Prices in minor units of the exchange's divisor. */
export interface PlaceOrderParams {
  readonly variety?: KiteVariety;
  readonly exchange: string;
  readonly tradingsymbol: string;
  readonly transactionType: KiteSide;
  readonly orderType: KiteOrderType;
  readonly quantity: number;
  readonly product: KiteProduct;
  readonly validity?: KiteValidity;
  /** Required for LIMIT and SL, refused for MARKET and SL-M. */
  readonly price?: number;
  /** Required for SL and SL-M, refused otherwise. */
  readonly triggerPrice?: number;
  readonly disclosedQuantity?: number;
  /** Required: orderTag(signalKey) (tag.ts), so reconciliation can find the order after a crash. */
  readonly tag: string;
}

/** Parameters of PUT /orders/{variety}/{order_id}; omitted fields are left as they are. */
export interface ModifyOrderParams {
  readonly variety?: KiteVariety;
  readonly orderId: string;
  /** Exchange of the order: decides the price divisor. */
  readonly exchange: string;
  readonly orderType?: KiteOrderType;
  readonly quantity?: number;
  readonly price?: number;
  readonly triggerPrice?: number;
  readonly validity?: KiteValidity;
  readonly disclosedQuantity?: number;
}
