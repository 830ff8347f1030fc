// THE pipeline step, written once: for each tick of one broker,
//
//   tick ──► venue (session end, resting orders, brackets) ──fills──► risk
//        └─► risk (last price)
//        └─► strategies ──signals──► risk ──verdict──► venue (submit) ──fills──► risk
//
// in exactly this order (event time: the venue and risk see a tick before any signal it produces;
// every fill reaches risk before the next signal is judged). Because the fills are known
// synchronously, position and daily-loss limits decide identically in every run: exact replay by
// construction, with no watermark round trip. `inline` (the backtest, sweeps) and `fused` (one
// worker per broker) both run this behaviour; so does `split`, whose strategies run on their own
// thread: their signals enter here as `signal` messages, after the ticks before them; every emitted message goes to the caller, which
// turns it into stored orders, published events or backtest counters.
//
// A flatten command (an operator's, journaled by the shell) runs the same path: the venue cancels
// the resting orders first, then each closing signal (src/domain/risk/flatten.ts) is emitted like a
// strategy's and goes risk → venue, its fills back to risk before the next one is judged.
import { closingSignals } from '../../domain/risk/index.js';
import type { Broker, TradingSignal } from '../../domain/types.js';
import type { StepIn, StepOut, VenueOut } from '../../protocol/trading.js';
import type { Behaviour } from '../../runtime/behaviour.js';
import { riskBehaviour, type RiskBook, type RiskConfig } from './risk.js';
import { strategyBehaviour, type StrategyConfigSet, type StrategySnapshot, type StrategyState } from './strategy.js';
import { venueBehaviour, type VenueConfig, type VenueSnapshot, type VenueState } from './venue.js';
import type { RiskStateJson } from '../../domain/risk/index.js';

export interface StepConfig {
  readonly broker: Broker;
  readonly strategy: StrategyConfigSet;
  readonly risk: Omit<RiskConfig, 'broker'>;
  readonly venue: Omit<VenueConfig, 'broker'>;
}

export interface StepState {
  readonly strategy: StrategyState;
  readonly risk: RiskBook;
  readonly venue: VenueState;
}

/**
 * The step's state. On restore a missing part starts fresh: a shell that persists the parts under
 * the split actors' own keys restores the strategy part through the runner's age-checked restore.
 */
export interface StepSnapshot {
  readonly v: 1;
  readonly strategy?: StrategySnapshot;
  readonly risk?: RiskStateJson;
  readonly venue?: VenueSnapshot;
}

export const STEP_SNAPSHOT_VERSION = 1;

/** Venue output → the fills it carries reach risk, then the caller sees the output. */
function venueTo(state: StepState, emit: (out: StepOut) => void): (out: VenueOut) => void {
  return (out) => {
    if (out.kind === 'venue-events') {
      for (const e of out.events) if (e.type === 'fill') riskBehaviour.handle(state.risk, { kind: 'fill', fill: e.fill }, emit);
    }
    emit(out);
  };
}

/** A signal through risk; a validated one on to the venue (whose fills reach risk at once). */
function judge(state: StepState, signal: TradingSignal, emit: (out: StepOut) => void, toVenue: (out: VenueOut) => void): void {
  riskBehaviour.handle(state.risk, { kind: 'signal', signal }, (r) => {
    emit(r);
    if (r.kind === 'verdict' && r.verdict.outcome === 'validated') {
      venueBehaviour.handle(state.venue, { kind: 'submit', signal: r.signal, validatedQty: r.verdict.validatedQty, validatedPrice: r.verdict.validatedPrice }, toVenue);
    }
  });
}

export const tradingStepBehaviour: Behaviour<StepConfig, StepState, StepIn, StepOut, StepSnapshot> = {
  name: 'trading-core',
  init: (config, restored) => ({
    strategy: strategyBehaviour.init(config.strategy, restored?.strategy),
    risk: riskBehaviour.init({ broker: config.broker, ...config.risk }, restored?.risk),
    venue: venueBehaviour.init({ broker: config.broker, ...config.venue }, restored?.venue),
  }),
  handle(state, msg, emit) {
    const toVenue = venueTo(state, emit);
    switch (msg.kind) {
      case 'tick':
        venueBehaviour.handle(state.venue, msg, toVenue);
        riskBehaviour.handle(state.risk, msg, emit);
        strategyBehaviour.handle(state.strategy, msg, (out) => {
          emit(out);
          if (out.kind === 'signal') judge(state, out.signal, emit, toVenue);
        });
        return;
      case 'signal':
        judge(state, msg.signal, emit, toVenue);
        return;
      case 'kill-switch':
        riskBehaviour.handle(state.risk, msg, emit);
        return;
      case 'cancel':
      case 'modify':
        venueBehaviour.handle(state.venue, msg, toVenue);
        return;
      case 'flatten': {
        // Resting orders go first: none of them can fill, or reopen a position, after the closes
        for (const o of [...state.venue.adapter.openOrders()]) {
          if ((msg.strategyId !== undefined && o.strategyId !== msg.strategyId) || (msg.token !== undefined && o.token !== msg.token)) continue;
          venueBehaviour.handle(state.venue, { kind: 'cancel', orderId: o.orderId, ts: msg.ts }, toVenue);
        }
        for (const signal of closingSignals(state.risk.state, state.risk.limits, msg)) {
          emit({ kind: 'signal', signal });
          judge(state, signal, emit, toVenue);
        }
        return;
      }
    }
  },
  snapshot: (state): Required<StepSnapshot> => ({
    v: STEP_SNAPSHOT_VERSION,
    strategy: strategyBehaviour.snapshot(state.strategy),
    risk: riskBehaviour.snapshot(state.risk),
    venue: venueBehaviour.snapshot(state.venue),
  }),
};
