// Shared builders for the paper broker tests (not a test file itself).
import type { Result } from '../../../src/errors.js';
import type { PaperEvent, PaperSubmitInput } from '../../../src/domain/paper/index.js';
import type { Fill, OrderInstructions, Side, TradingSignal } from '../../../src/domain/types.js';

export const TOKEN = 256265;
export const T0 = 1_700_000_000_000;

/** A signal with sensible defaults (price in paise). */
export function sig(
  over: Partial<Omit<TradingSignal, 'order'>> & { order?: OrderInstructions } = {},
): TradingSignal {
  return {
    strategyId: 's1',
    token: TOKEN,
    side: 'BUY' as Side,
    quantity: 10,
    price: 10_000,
    ts: T0,
    confidence: 1,
    order: {},
    metadata: {},
    ...over,
  };
}

/** Submit input with validated qty/price taken from the signal unless given. */
export function input(signal: TradingSignal, validatedQty = signal.quantity, validatedPrice = signal.price): PaperSubmitInput {
  return { signal, validatedQty, validatedPrice };
}

export function unwrap<T, E>(r: Result<T, E>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

export const types = (events: readonly PaperEvent[]): string[] => events.map((e) => e.type);

export const fillsOf = (events: readonly PaperEvent[]): Fill[] =>
  events.flatMap((e) => (e.type === 'fill' ? [e.fill] : []));

/** The error of the (single) rejected / expired event. */
export function errorCode(events: readonly PaperEvent[]): string | undefined {
  for (const e of events) {
    if (e.type === 'order-rejected' || e.type === 'order-expired') return e.error.code;
    if (e.type === 'order-canceled' && e.error !== null) return e.error.code;
  }
  return undefined;
}

/** Statuses in the last order snapshot's history. */
export function lastHistory(events: readonly PaperEvent[]): string[] {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if ('order' in e) return e.order.history.map((h) => h.status);
  }
  return [];
}

/** Zero slippage and commission, so prices in routing tests are the tick prices. */
export const FRICTIONLESS = { slippagePercent: 0, commissionPercent: 0 } as const;
