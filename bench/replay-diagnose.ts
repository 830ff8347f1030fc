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
  /** Risk's market.ticks consumer minus the engine's, in ticks, over the run. */
  readonly riskAheadTicks: { readonly max: number; readonly mean: number };
  /** IST day of the risk state's daily PnL after the run (keyed by fill timestamps). */
  readonly riskPnlDay: number | null;
  /** IST day of the last replayed tick: the day that daily PnL must belong to. */
  readonly lastTickDay: number;
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
    const lag = ` (its market.ticks position led the engine's by up to ${ev.riskAheadTicks.max} ticks, ${ev.riskAheadTicks.mean.toFixed(0)} on average)`;
    causes.push(
      `the pipeline's risk manager judges a signal against the fills the engine has COMMITTED by then, not against the fills of all earlier ticks: it runs ahead of the venue${lag}, so the fill-dependent rules (${dependent.join(', ')}) see stale positions and daily PnL`,
    );
  }
  if (ev.riskPnlDay !== null && ev.riskPnlDay !== ev.lastTickDay) {
    causes.push(
      `the pipeline's daily realized PnL ends on IST day ${istDate(ev.riskPnlDay)} while the replay ends on ${istDate(ev.lastTickDay)}: fills are not stamped with tick time, so DailyLossLimit reads another day's total`,
    );
  }
  if (causes.length === 0) causes.push(first !== null ? 'risk verdicts differ for another reason (see the details)' : 'same orders, different fills (see the first differing fill)');
  return { causes, details };
}
