// The report of a replay job: what the actors committed (the broker's fill log since the job
// started) folded into the replayed file's ticks by the same ledger a backtest uses, so the replay
// job prints the backtest's summary and its figures mean the same thing. PURE.
//
// Merge rule: a fill is applied after the last tick whose event time is ≤ the fill's time (every
// paper fill is made on a tick and carries that tick's time). Several ticks in one millisecond
// make the rule ambiguous only between ticks of that millisecond, which can move a curve sample
// by one tick; totals, trips and every fill figure are exact whatever the merge.
import type { Broker, Fill, Paise, Tick } from '../domain/types.js';
import { eventTimeOf, RunLedger } from './ledger.js';
import type { ReportableRun } from './report/model.js';
import { reportEquityEvery } from './report/model.js';

export interface ReplayRunInput {
  readonly broker: Broker;
  /** The replayed ticks, in file order. */
  readonly ticks: Iterable<Tick>;
  /** Number of ticks (sizes the curve sampling). */
  readonly tickCount: number;
  /** The job's fills in fillSeq order. */
  readonly fills: readonly Fill[];
  /** Strategies that ran (each starts with startingCash); strategies with fills are added. */
  readonly strategies: readonly string[];
  readonly startingCash: Paise;
}

/** Folds the job's fills into its ticks; see the file header. */
export function replayRun(input: ReplayRunInput): ReportableRun {
  const runnable = [...input.strategies];
  for (const f of input.fills) if (!runnable.includes(f.strategyId)) runnable.push(f.strategyId);
  const ledger = new RunLedger({
    broker: input.broker,
    runnable,
    startingCash: input.startingCash,
    equityEvery: reportEquityEvery(input.tickCount),
    equityByStrategy: true,
    sampleDayEnds: true,
    keepFills: true,
  });
  const fills = input.fills;
  let next = 0;
  let n = 0;
  let prevTs = 0;
  let lastI = -1;
  for (const tick of input.ticks) {
    const i = n++;
    const ts = eventTimeOf(tick, prevTs);
    prevTs = ts;
    lastI = i;
    ledger.tick(i, tick.token, tick.ltp, ts);
    while (next < fills.length && fills[next]!.ts <= ts) ledger.fill(fills[next++]!);
    ledger.settle(i, ts);
  }
  // Fills stamped after the last tick (a session end on the clock): they belong to the last tick
  if (next < fills.length) {
    while (next < fills.length) ledger.fill(fills[next++]!);
    if (lastI >= 0) ledger.settle(lastI, prevTs);
  }
  return { ticks: n, ticksGated: 0, strategies: runnable, skipped: [], ...ledger.finish() };
}
