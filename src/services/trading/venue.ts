// The trading engine of one broker as a behaviour: the broker's adapter (a deterministic venue
// model for paper) driven by ticks, validated signals and cancels, with the session end run on the
// ticks' own clock (so a replay expires DAY orders at the same tick in every run and topology).
import type { SessionCalendar } from '../../domain/market-hours/index.js';
import { SessionClock } from '../../domain/market-hours/index.js';
import { tradabilityProblem, type TradableLookup } from '../../domain/instruments/index.js';
import type { Broker, Paise } from '../../domain/types.js';
import type { VenueIn, VenueOut } from '../../protocol/trading.js';
import { err } from '../../errors.js';
import { paperError } from '../../domain/paper/events.js';
import type { Behaviour } from '../../runtime/behaviour.js';
import { createAdapter, type AdapterConfig, type BrokerAdapter } from '../engine/adapter.js';

export interface VenueConfig {
  readonly broker: Broker;
  readonly adapter: AdapterConfig;
  readonly calendar: SessionCalendar;
  /** Run session ends (DAY orders expire) on tick time. */
  readonly endOfDay: boolean;
  /** Tick size per instrument token, paise (the registry's); others use the venue's default. */
  readonly tickSizes: ReadonlyMap<number, Paise>;
  /** The registry's tradability; absent: nothing is refused for tradability. */
  readonly tradable?: TradableLookup;
}

export interface VenueState {
  readonly adapter: BrokerAdapter;
  readonly sessions: SessionClock | null;
  readonly tickSizes: ReadonlyMap<number, Paise>;
  readonly tradable: TradableLookup | undefined;
}

export interface VenueSnapshot {
  /** The adapter's exported state (the paper book, for paper). */
  readonly adapter: unknown;
  /** IST day of the last session end run, null before the first. */
  readonly lastEodDay: number | null;
}

/** Runs the session end due at `ts`, if any (the session clock checks at most once per second of its time). */
function endOfDay(state: VenueState, ts: number, emit: (out: VenueOut) => void): void {
  const eod = state.sessions?.due(ts) ?? null;
  if (eod === null) return;
  emit({ kind: 'venue-events', cause: 'end-of-day', events: state.adapter.endOfDay(eod.ts), signal: null });
}

export const venueBehaviour: Behaviour<VenueConfig, VenueState, VenueIn, VenueOut, VenueSnapshot> = {
  name: 'trading-engine',
  init: (config, restored) => ({
    adapter: createAdapter(config.broker, config.adapter, restored?.adapter),
    sessions: config.endOfDay ? new SessionClock(config.calendar, restored?.lastEodDay ?? null) : null,
    tickSizes: config.tickSizes,
    tradable: config.tradable,
  }),
  handle(state, msg, emit) {
    switch (msg.kind) {
      case 'tick': {
        // A session end that fell before this tick runs first: its expiries precede the tick's fills
        endOfDay(state, msg.ts, emit);
        const events = state.adapter.onTick(msg.tick.token, msg.tick.ltp, msg.ts);
        if (events.length > 0) emit({ kind: 'venue-events', cause: 'tick', events, signal: null });
        return;
      }
      case 'clock':
        endOfDay(state, msg.ts, emit);
        return;
      case 'submit': {
        const tickSize = state.tickSizes.get(msg.signal.token);
        const notTradable = tradabilityProblem(state.tradable, msg.signal.token);
        const input = {
          signal: msg.signal,
          validatedQty: msg.validatedQty,
          validatedPrice: msg.validatedPrice,
          ...(tickSize !== undefined ? { tickSize } : {}),
          ...(notTradable !== null ? { notTradable } : {}),
        };
        // Orders carry the signal's event time: the same ids and timestamps in every replay
        const r = state.adapter.submit(input, msg.signal.ts);
        emit(r.ok ? { kind: 'venue-events', cause: 'submit', events: r.value, signal: msg.signal } : { kind: 'venue-refused', cause: 'submit', error: r.error, signal: msg.signal });
        return;
      }
      case 'cancel': {
        const r = state.adapter.cancel(msg.orderId, msg.ts);
        emit(r.ok ? { kind: 'venue-events', cause: 'cancel', events: r.value, signal: null } : { kind: 'venue-refused', cause: 'cancel', error: r.error, signal: null });
        return;
      }
      case 'modify': {
        const r =
          state.adapter.modify === undefined
            ? err(paperError('ERR_ORDER_MODIFY_UNSUPPORTED', { broker: state.adapter.broker }))
            : state.adapter.modify(msg.orderId, msg.change, msg.ts);
        emit(r.ok ? { kind: 'venue-events', cause: 'modify', events: r.value, signal: null } : { kind: 'venue-refused', cause: 'modify', error: r.error, signal: null });
        return;
      }
    }
  },
  snapshot: (state) => ({ adapter: state.adapter.exportState(), lastEodDay: state.sessions?.lastDay ?? null }),
};
