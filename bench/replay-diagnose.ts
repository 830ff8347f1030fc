// Explains a fill divergence between the in-process backtest and the actor pipeline: walks the
// backtest's signal trace in event order and finds the first signal whose fate differs (an order
// exists in the pipeline's LMDB but the backtest's risk rejected it, or the reverse), with the
// risk position the backtest judged it against; otherwise reports the first differing fill.
import type { BacktestResult, FillComparison } from '../src/backtest/index.js';
import { clientOrderIdFor, signalKey } from '../src/domain/order/ids.js';
import type { StoredOrder } from '../src/protocol/engine.js';

export interface Divergence {
  readonly summary: string;
  readonly details: readonly string[];
}

export function diagnose(bt: BacktestResult, orders: readonly StoredOrder[], cmp: FillComparison): Divergence {
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  const details: string[] = [];
  let first: string | null = null;
  let backtestOnly = 0;
  let pipelineOnly = 0;
  for (const s of bt.trace ?? []) {
    if (s.outcome === 'duplicate') continue;
    const id = clientOrderIdFor('paper', signalKey(s));
    const inPipe = byId.get(id);
    const inBt = s.outcome === 'validated';
    if (inBt === (inPipe !== undefined)) continue;
    if (inBt) backtestOnly++;
    else pipelineOnly++;
    if (first === null) {
      const bts = inBt ? `validated (order ${id})` : `rejected by ${(s.rules ?? []).join(', ')}`;
      const pps = inPipe === undefined ? 'no order (rejected by risk)' : `order ${id} ${inPipe.status} ${inPipe.filledQty}/${inPipe.qty}`;
      first = `first divergent signal: tick #${s.tick} ${s.strategyId} ${s.side} ${s.token} ts ${s.ts}: backtest ${bts} with risk position ${s.riskPosition}; pipeline ${pps}`;
    }
  }
  if (first !== null) {
    details.push(first);
    details.push(`signals with an order only in the backtest: ${backtestOnly}; only in the pipeline: ${pipelineOnly}`);
  }
  const m = cmp.firstMismatch;
  if (m !== undefined) {
    const f = (x: typeof m.a): string => (x === undefined ? '(none)' : `${x.tradeId} ${x.strategyId} ${x.side} ${x.token} ${x.quantity}@${x.price} fees ${x.fees}`);
    details.push(`first differing fill #${m.index + 1} (of ${cmp.countA} backtest / ${cmp.countB} pipeline): backtest ${f(m.a)}; pipeline ${f(m.b)}`);
  }
  const summary =
    first !== null
      ? 'risk verdicts differ: the pipeline judges each signal against the fills the engine had COMMITTED when the signal arrived (risk catches up from the LMDB fill log, not in event time), the backtest against every fill of earlier ticks'
      : 'same orders, different fills';
  return { summary, details };
}
