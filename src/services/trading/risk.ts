// The risk manager of one broker as a behaviour: ticks feed the price-deviation rule, fills build
// positions and the daily loss, every signal gets a verdict from the pure rules (src/domain/risk).
import { createRiskState, evaluateAndRecord, exportRiskState, importRiskState, onFill, onTick, setKillSwitch, type RiskLimits, type RiskReference, type RiskState, type RiskStateJson } from '../../domain/risk/index.js';
import type { Broker } from '../../domain/types.js';
import type { RiskIn, RiskOut } from '../../protocol/trading.js';
import type { Behaviour } from '../../runtime/behaviour.js';

export interface RiskConfig {
  readonly broker: Broker;
  /** Limits in paise (see riskLimitsFromConfig for the application's units). */
  readonly limits: RiskLimits;
  /** The registry's facts (tradability); absent: nothing is refused for tradability. */
  readonly reference?: RiskReference;
}

export interface RiskBook {
  readonly state: RiskState;
  readonly limits: RiskLimits;
  readonly reference: RiskReference;
}

export const riskBehaviour: Behaviour<RiskConfig, RiskBook, RiskIn, RiskOut, RiskStateJson> = {
  name: 'risk-manager',
  init: (config, restored) => ({
    state: restored !== undefined ? importRiskState(restored) : createRiskState(config.broker),
    limits: config.limits,
    reference: config.reference ?? {},
  }),
  handle(book, msg, emit) {
    switch (msg.kind) {
      case 'tick':
        onTick(book.state, msg.tick.token, msg.tick.ltp);
        return;
      case 'fill':
        if (!onFill(book.state, msg.fill).ok) emit({ kind: 'fill-duplicate', fill: msg.fill });
        return;
      case 'signal':
        emit({ kind: 'verdict', signal: msg.signal, verdict: evaluateAndRecord(book.state, msg.signal, book.limits, book.reference) });
        return;
      case 'kill-switch':
        setKillSwitch(book.state, msg.engaged, msg.reason);
        return;
    }
  },
  snapshot: (book) => exportRiskState(book.state),
};
