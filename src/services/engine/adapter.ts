// Pluggable broker adapters of the trading engine: one per broker namespace. An adapter is a
// synchronous, deterministic venue model whose whole state is exportable as JSON, so the engine can
// persist it in the same LMDB transaction as the fills and orders it produced (restart safety).
// Unknown or not yet implemented brokers are refused with ERR_BROKER_UNSUPPORTED (startup).
import { appError, type Result } from '../../errors.js';
import type { TradabilityProblem } from '../../domain/instruments/tradability.js';
import type { OrderRecord } from '../../domain/order/order.js';
import type { PaperConfig } from '../../domain/paper/index.js';
import type { OrderChange, VenueError, VenueEvent } from '../../protocol/trading.js';
import type { Broker, Paise, TradingSignal } from '../../domain/types.js';
import { createPaperAdapter } from './paper-adapter.js';
import { createZerodhaAdapter, type ZerodhaVenueConfig } from './zerodha-venue.js';

/** What an adapter reports, in the order it happened (the paper broker's event vocabulary). */
export type AdapterEvent = VenueEvent;

/** A catalogued domain outcome of an adapter call (ERR_ORDER_DUPLICATE, ERR_ORDER_UNKNOWN ...). */
export type AdapterError = VenueError;

/** A risk-validated signal as handed to an adapter. */
export interface AdapterSubmit {
  readonly signal: TradingSignal;
  readonly validatedQty: number;
  /** Paise; 0 = none. */
  readonly validatedPrice: Paise;
  /** Instrument tick size in paise, when the instrument is known. */
  readonly tickSize?: Paise;
  /** Set when the instrument registry refuses the instrument: the venue rejects the order. */
  readonly notTradable?: TradabilityProblem;
}

/** The venue seen by the engine. Every call is synchronous and mutates only the adapter. */
export interface BrokerAdapter {
  readonly broker: Broker;
  /** Places the order for a validated signal; a replayed signal is ERR_ORDER_DUPLICATE. */
  submit(input: AdapterSubmit, nowMs: number): Result<readonly AdapterEvent[], AdapterError>;
  /** Market data: works resting orders, brackets and stops of `token`. */
  onTick(token: number, ltp: Paise, ts: number): readonly AdapterEvent[];
  /** Session end: expires DAY orders and trims per-session memory. */
  endOfDay(ts: number): readonly AdapterEvent[];
  /** Cancels a working order. */
  cancel(orderId: string, ts: number): Result<readonly AdapterEvent[], AdapterError>;
  /**
   * Modifies a working order's quantity or prices, where the venue supports it (zerodha: a request
   * sent to Kite after its commit; the order changes when Kite reports it). Absent: unsupported.
   */
  modify?(orderId: string, change: OrderChange, ts: number): Result<readonly AdapterEvent[], AdapterError>;
  /** JSON state; `createAdapter(broker, config, state)` continues from it. */
  exportState(): unknown;
  /** Working orders, in creation order. */
  openOrders(): readonly OrderRecord[];
}

/** Settings an adapter may need; each adapter reads its own section. */
export interface AdapterConfig {
  /** Paper broker settings in config units (rupees, percent). */
  readonly paper: Partial<PaperConfig>;
  /**
   * The zerodha venue's settings. Only the split topology's trading engine passes them (it is the
   * shell that performs the venue's Kite calls); without them zerodha is refused at start.
   */
  readonly zerodha?: ZerodhaVenueConfig;
}

type AdapterFactory = (config: AdapterConfig, state: unknown) => BrokerAdapter;

const ADAPTERS: Readonly<Partial<Record<string, AdapterFactory>>> = {
  paper: (config, state) => createPaperAdapter(config.paper, state),
  zerodha: (config, state) => {
    // The venue's effects need an I/O shell: the fused trading core (replays) has none
    if (config.zerodha === undefined) {
      throw appError('ERR_BROKER_UNSUPPORTED', { broker: 'zerodha', supported: 'paper (zerodha trades only in the split topology: RUNTIME__TOPOLOGY=split)' });
    }
    return createZerodhaAdapter(config.zerodha, state);
  },
};

/** Brokers that have an adapter. */
export function supportedBrokers(): string[] {
  return Object.keys(ADAPTERS);
}

/** Throws ERR_BROKER_UNSUPPORTED unless `broker` has an adapter: the engine must not start for it. */
export function assertBrokerSupported(broker: unknown): asserts broker is Broker {
  if (typeof broker !== 'string' || !Object.hasOwn(ADAPTERS, broker)) {
    throw appError('ERR_BROKER_UNSUPPORTED', { broker: String(broker), supported: supportedBrokers().join(', ') });
  }
}

/** Creates the adapter of `broker`, restoring `state` (undefined = fresh); see assertBrokerSupported. */
export function createAdapter(broker: unknown, config: AdapterConfig, state: unknown): BrokerAdapter {
  assertBrokerSupported(broker);
  return ADAPTERS[broker]!(config, state);
}
