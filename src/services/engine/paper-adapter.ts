// The paper adapter: the pure PaperBroker (src/domain/paper) behind the BrokerAdapter interface.
// Its exported state is the broker's PaperState; a stored state of another schema version is a
// failure (ERR_STORE_SCHEMA), never silently replaced by a fresh book.
import { appError } from '../../errors.js';
import { createPaperBroker, type PaperConfig, type PaperState } from '../../domain/paper/index.js';
import type { AdapterSubmit, BrokerAdapter } from './adapter.js';

function asPaperState(state: unknown): PaperState | undefined {
  if (state === undefined || state === null) return undefined;
  const v = typeof state === 'object' ? (state as { v?: unknown }).v : undefined;
  if (v !== 1) throw appError('ERR_STORE_SCHEMA', { key: 'engine/paper', version: String(v), expected: 1 });
  return state as PaperState;
}

/** Wraps a PaperBroker configured with `config`, restored from `state` when given. */
export function createPaperAdapter(config: Partial<PaperConfig>, state: unknown): BrokerAdapter {
  const broker = createPaperBroker(config, asPaperState(state));
  return {
    broker: 'paper',
    submit: (input: AdapterSubmit, nowMs: number) => broker.submit(input, nowMs),
    onTick: (token, ltp, ts) => broker.onTick(token, ltp, ts),
    endOfDay: (ts) => broker.endOfDay(ts),
    cancel: (orderId, ts) => broker.cancel(orderId, ts),
    exportState: () => broker.exportState(),
    openOrders: () => broker.openOrders(),
  };
}
