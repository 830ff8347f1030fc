// The `inline` topology: the pipeline's own trading step (src/services/trading/step.ts: venue and
// risk see the tick, then strategies → risk → venue, fills back to risk) run synchronously in one
// thread over a tick stream, on the ticks' own clock, with the portfolio, equity curve and
// counters fed from what the step emits. The fused topology runs the same step in one worker per
// broker, so a backtest and a live run decide identically on the same ticks. PURE, deterministic.
import { appError, type Result } from '../errors.js';
import { positionOf } from '../domain/risk/index.js';
import type { StrategyConfigError } from '../domain/strategy/index.js';
import type { Tick } from '../domain/types.js';
import type { StepOut, TickMsg } from '../protocol/trading.js';
import { tradingStepBehaviour } from '../services/trading/index.js';
import { Counters } from './counters.js';
import { eventTimeOf, RunLedger } from './ledger.js';
import { prepareBacktest } from './setup.js';
import type { BacktestCalendar, BacktestInput, BacktestResult, SignalTrace } from './types.js';

const BROKER = 'paper';
const DEFAULT_CALENDAR: BacktestCalendar = { market24x7: true };
const DEFAULT_EQUITY_EVERY = 1000;
const NO_TICK_SIZES: ReadonlyMap<number, number> = new Map();
/** Ticks between two progress reports (a power of two: the check is a mask). */
const PROGRESS_EVERY = 16_384;

function iteratorOf(input: BacktestInput): Iterator<Tick> {
  if ((input.ticks === undefined) === (input.tickIterator === undefined)) {
    throw appError('ERR_CONFIG_INVALID', { summary: 'runBacktest: pass exactly one of ticks or tickIterator' });
  }
  return input.tickIterator ?? input.ticks![Symbol.iterator]();
}

/**
 * Runs one backtest. Strategy configuration problems come back as values (all of them at once);
 * a broken internal invariant (venue ledger or equity disagreeing with the portfolio) throws.
 */
export function runBacktest(input: BacktestInput): Result<BacktestResult, StrategyConfigError[]> {
  const prepared = prepareBacktest(input);
  if (!prepared.ok) return prepared;
  const { strategies, runnable, skipped, paper, startingCash, limits } = prepared.value;
  const it = iteratorOf(input);
  const calendar = input.calendar ?? DEFAULT_CALENDAR;
  const trace: SignalTrace[] | null = input.traceSignals === true ? [] : null;

  const step = tradingStepBehaviour.init(
    {
      broker: BROKER,
      strategy: { strategies, calendar },
      risk: { limits },
      venue: { adapter: { paper }, calendar, endOfDay: input.endOfDay ?? true, tickSizes: input.tickSizes ?? NO_TICK_SIZES },
    },
    undefined,
  );
  const ledger = new RunLedger({
    broker: BROKER,
    runnable,
    startingCash,
    equityEvery: input.equityEvery ?? DEFAULT_EQUITY_EVERY,
    equityByStrategy: input.equityByStrategy === true,
    sampleDayEnds: input.sampleDayEnds === true,
    keepFills: input.keepFills ?? true,
  });
  const onProgress = input.onProgress;
  const counters = new Counters(runnable);
  let endOfDays = 0;
  let tickIndex = 0;
  let riskPosition = 0;

  const traceBase = (s: { strategyId: string; token: number; side: 'BUY' | 'SELL'; ts: number; feedSeq?: number }) => ({
    tick: tickIndex,
    strategyId: s.strategyId,
    token: s.token,
    side: s.side,
    ts: s.ts,
    ...(s.feedSeq !== undefined ? { feedSeq: s.feedSeq } : {}),
    riskPosition,
  });

  // Everything the step emits, in order
  const onOut = (out: StepOut): void => {
    switch (out.kind) {
      case 'signal':
        // The risk position the verdict will see (before the verdict is recorded)
        if (trace !== null) riskPosition = positionOf(step.risk.state, out.signal.strategyId, out.signal.token).qty;
        return;
      case 'verdict':
        counters.verdict(out.signal.strategyId, out.verdict);
        if (out.verdict.outcome === 'rejected') trace?.push({ ...traceBase(out.signal), outcome: 'rejected', rules: out.verdict.reasons.map((x) => x.rule) });
        return;
      case 'venue-events': {
        if (out.cause === 'end-of-day') endOfDays++;
        if (out.signal !== null && trace !== null) {
          const first = out.events[0];
          trace.push({ ...traceBase(out.signal), outcome: 'validated', ...(first !== undefined && 'order' in first ? { orderId: first.order.orderId } : {}) });
        }
        for (const e of out.events) {
          if (e.type === 'fill') ledger.fill(e.fill);
          else counters.event(e);
        }
        return;
      }
      case 'venue-refused':
        // The only refusal of a submit is a known signal key; anything else is an order event
        counters.duplicate();
        if (out.signal !== null) trace?.push({ ...traceBase(out.signal), outcome: 'duplicate' });
        return;
      case 'fill-duplicate':
        throw appError('ERR_FILL_INVALID', { tradeId: out.fill.tradeId, reason: 'the venue emitted a fill twice' });
      case 'strategy-failed':
      case 'signal-invalid':
        return;
    }
  };

  let n = 0;
  let prevTs = 0;
  for (let r = it.next(); r.done !== true; r = it.next()) {
    const tick = r.value;
    const i = n++;
    tickIndex = i;
    const ts = eventTimeOf(tick, prevTs);
    prevTs = ts;
    ledger.tick(i, tick.token, tick.ltp, ts);
    // A tick's feed position defaults to its index: what the replay feed stamps for a file replayed from its start
    const msg: TickMsg = { kind: 'tick', tick, seq: i, ts, feedSeq: tick.feedSeq ?? i };
    tradingStepBehaviour.handle(step, msg, onOut);
    ledger.settle(i, ts);
    if (onProgress !== undefined && (i & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) onProgress(i + 1);
  }
  onProgress?.(n);
  const accounts = ledger.finish();
  return {
    ok: true,
    value: {
      ticks: n,
      ticksGated: step.strategy.gated,
      strategies: runnable,
      skipped,
      ...accounts,
      orders: counters.orders(),
      signals: counters.signalCounts(step.strategy.engine.stats()),
      endOfDays,
      ...(trace !== null ? { trace } : {}),
    },
  };
}
