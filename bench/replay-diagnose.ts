// Explains a fill divergence between the in-process backtest and the actor pipeline: walks the
// backtest's signal trace in event order and finds the first signal whose fate differs (an order
// exists in the pipeline's LMDB but the backtest's risk rejected it, or the reverse), with the
// risk position the backtest judged it against; then states the causes the run's own evidence
// supports (risk running ahead of the venue's fill log; daily PnL keyed to another day).
import type { BacktestResult, FillComparison } from '../src/backtest/index.js';
import { clientOrderIdFor, signalKey } from '../src/domain/order/ids.js';
import { istDate } from '../src/domain/risk/index.js';

export interface Divergence {
  readonly causes: readonly string[];
  readonly details: readonly string[];
}

/** What the pipeline run measured that bears on a divergence. */
export interface PipelineEvidence {
  /** orderId → `Status filled/qty` of the pipeline's stored orders. */
  readonly orders: ReadonlyMap<string, string>;
  readonly fills: number;
  readonly fillsLoggedWhenRiskDone: number | null;
  readonly riskPnlDay: number | null;
  /** IST day of the replayed ticks. */
  readonly signalDay: number;
}

const FILL_DEPENDENT = new Set(['MaxPositionSize', 'DailyLossLimit']);

export function diagnose(bt: BacktestResult, ev: PipelineEvidence, cmp: FillComparison): Divergence {
  const byId = ev.orders;
  const details: string[] = [];
  const causes: string[] = [];
  let first: string | null = null;
  let firstRules: readonly string[] = [];
  let backtestOnly = 0;
  let pipelineOnly = 0;
  const onlyPipelineByRule: Record<string, number> = {};
  for (const s of bt.trace ?? []) {
    if (s.outcome === 'duplicate') continue;
    const id = clientOrderIdFor('paper', signalKey(s));
    const inPipe = byId.get(id);
    const inBt = s.outcome === 'validated';
    if (inBt === (inPipe !== undefined)) continue;
    if (inBt) backtestOnly++;
    else {
      pipelineOnly++;
      for (const r of s.rules ?? []) onlyPipelineByRule[r] = (onlyPipelineByRule[r] ?? 0) + 1;
    }
    if (first === null) {
      firstRules = s.rules ?? [];
      const bts = inBt ? `validated (order ${id})` : `rejected by ${firstRules.join(', ')}`;
      const pps = inPipe === undefined ? 'no order (rejected by risk)' : `order ${id} ${inPipe}`;
      first = `first divergent signal: tick #${s.tick} ${s.strategyId} ${s.side} ${s.token} ts ${s.ts}: backtest ${bts} at risk position ${s.riskPosition}; pipeline ${pps}`;
    }
  }
  if (first !== null) {
    details.push(first);
    details.push(`signals with an order only in the backtest: ${backtestOnly}; only in the pipeline: ${pipelineOnly} (backtest rejections among them: ${JSON.stringify(onlyPipelineByRule)})`);
  }
  const m = cmp.firstMismatch;
  if (m !== undefined) {
    const f = (x: typeof m.a): string => (x === undefined ? '(none)' : `${x.tradeId} ${x.strategyId} ${x.side} ${x.token} ${x.quantity}@${x.price} fees ${x.fees}`);
    details.push(`first differing fill #${m.index + 1} (of ${cmp.countA} backtest / ${cmp.countB} pipeline): backtest ${f(m.a)}; pipeline ${f(m.b)}`);
  }
  const dependent = [...new Set([...firstRules, ...Object.keys(onlyPipelineByRule)])].filter((r) => FILL_DEPENDENT.has(r));
  if (dependent.length > 0) {
    const lag = ev.fillsLoggedWhenRiskDone === null ? '' : ` (it had judged every signal when the engine had logged ${ev.fillsLoggedWhenRiskDone} of its ${ev.fills} fills)`;
    causes.push(
      `the pipeline's risk manager judges a signal against the fills the engine has COMMITTED by then, not against the fills of all earlier ticks: it runs ahead of the venue${lag}, so the fill-dependent rules (${dependent.join(', ')}) see stale positions and daily PnL`,
    );
  }
  if (ev.riskPnlDay !== null && ev.riskPnlDay !== ev.signalDay) {
    causes.push(
      `the pipeline's daily realized PnL is kept for IST day ${istDate(ev.riskPnlDay)} (fills carry the engine's validation wall-clock time) while signals are judged for their tick day ${istDate(ev.signalDay)}: DailyLossLimit never fires when replaying another day`,
    );
  }
  if (causes.length === 0) causes.push(first !== null ? 'risk verdicts differ for another reason (see the details)' : 'same orders, different fills (see the first differing fill)');
  return { causes, details };
}
