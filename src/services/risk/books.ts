// The risk manager's state: one RiskState per broker (never shared: the original's quirk 3), stored
// at `K.riskState(broker)` and advanced from the broker's fill log exactly like the portfolio. The
// fill watermark is the state's dedup watermark, so it persists atomically with the positions,
// the daily PnL, the daily trade counters and the kill switch.
import { createRiskState, exportRiskState, importRiskState, onFill, type RiskState, type RiskStateJson } from '../../domain/risk/index.js';
import type { Broker } from '../../domain/types.js';
import { K } from '../../store/keyspace.js';
import { readFillsAfter, type StoreReader, type StoreWrite } from '../portfolio/fill-log.js';
import type { CatchUp } from '../portfolio/books.js';

/** broker → its risk state. */
export type RiskBooks = Map<Broker, RiskState>;

/** Loads each broker's stored risk state, or a fresh one. */
export function loadRiskBooks(db: StoreReader, brokers: readonly Broker[]): RiskBooks {
  const books: RiskBooks = new Map();
  for (const b of brokers) {
    const json = db.get(K.riskState(b)) as RiskStateJson | undefined;
    books.set(b, json === undefined ? createRiskState(b) : importRiskState(json));
  }
  return books;
}

/** Applies every logged fill of the state's broker after its watermark, in fillSeq order. */
export function catchUpRiskFills(db: StoreReader, state: RiskState): CatchUp {
  let applied = 0;
  let duplicates = 0;
  for (const fill of readFillsAfter(db, state.broker, state.dedup.watermark)) {
    if (onFill(state, fill).ok) applied += 1;
    else duplicates += 1;
  }
  return { applied, duplicates };
}

/** The writes that persist every broker's risk state (exported now: the caller's snapshot instant), and its kill-switch read model. */
export function riskWrites(books: RiskBooks): StoreWrite[] {
  return [...books.values()].flatMap((s): StoreWrite[] => [
    { kind: 'put', key: K.riskState(s.broker), value: exportRiskState(s) },
    { kind: 'put', key: K.killSwitchView(s.broker), value: { ...s.killSwitch } },
  ]);
}
