// The `inline` topology: the pipeline's own trading step (src/services/trading/step.ts: venue and
// risk see the tick, then strategies → risk → venue, fills back to risk) run synchronously in one
// thread over a tick stream, on the ticks' own clock, with the portfolio, equity curve and
// counters fed from what the step emits. The fused topology runs the same step in one worker per
// broker, so a backtest and a live run decide identically on the same ticks. PURE, deterministic.
import { appError, type Result } from '../errors.js';
import { istDayNumber } from '../domain/market-hours/index.js';
import { applyFill, brokerTotals, createPortfolio, isReducing, markToMarket, strategyIds, strategyTotals, type PnlTotals } from '../domain/portfolio/index.js';
import { positionOf } from '../domain/risk/index.js';
import type { StrategyConfigError } from '../domain/strategy/index.js';
import type { Fill, Tick } from '../domain/types.js';
import type { StepOut, TickMsg } from '../protocol/trading.js';
import { tradingStepBehaviour } from '../services/trading/index.js';
import { Counters } from './counters.js';
import { EquityTracker } from './equity.js';
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
  const equityEvery = input.equityEvery ?? DEFAULT_EQUITY_EVERY;
  const keepFills = input.keepFills ?? true;
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
  const portfolio = createPortfolio({ startingCash });
  const equity = new EquityTracker(startingCash * runnable.length);
  // One curve per strategy (each from its own starting cash), sampled with the total curve
  const perStrategy: ReadonlyMap<string, EquityTracker> | null =
    input.equityByStrategy === true ? new Map(runnable.map((id) => [id, new EquityTracker(startingCash)])) : null;
  const trackers = perStrategy === null ? [] : [...perStrategy.values()];
  const sampleDayEnds = input.sampleDayEnds === true;
  const onProgress = input.onProgress;
  const counters = new Counters(runnable);
  const fills: Fill[] = [];
  let fillCount = 0;
  let closedTrades = 0;
  let wins = 0;
  let endOfDays = 0;
  let tickIndex = 0;
  let riskPosition = 0;

  const onFill = (f: Fill): void => {
    const pos = portfolio.brokers.get(BROKER)?.strategies.get(f.strategyId)?.positions.get(f.token);
    const prevQty = pos?.qty ?? 0;
    const prevRealized = pos?.realizedPnl ?? 0;
    if (!applyFill(portfolio, f).ok) {
      throw appError('ERR_FILL_INVALID', { tradeId: f.tradeId, reason: 'the venue emitted a fill twice' });
    }
    equity.onFill(f);
    perStrategy?.get(f.strategyId)?.onFill(f);
    fillCount++;
    if (keepFills) fills.push(f);
    if (prevQty !== 0 && isReducing(prevQty, f.side, Math.min(f.quantity, Math.abs(prevQty)))) {
      // A closing fill: its realized PnL net of its own fees decides the win
      closedTrades++;
      const realized = (portfolio.brokers.get(BROKER)?.strategies.get(f.strategyId)?.positions.get(f.token)?.realizedPnl ?? 0) - prevRealized;
      if (realized - f.fees > 0) wins++;
    }
  };

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
          if (e.type === 'fill') onFill(e.fill);
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
  let firstTs: number | null = null;
  for (let r = it.next(); r.done !== true; r = it.next()) {
    const tick = r.value;
    const i = n++;
    tickIndex = i;
    // Each tick's own time, as every actor uses it (never clamped: a late tick keeps its stamp);
    // a tick without any timestamp inherits the previous one (the actors would use their clock)
    const ts = tick.exchangeTs > 0 ? tick.exchangeTs : tick.lastTradeTs > 0 ? tick.lastTradeTs : prevTs;
    // The last tick of each IST day closes the day on the curves (daily returns need exact closes)
    if (sampleDayEnds && i > 0 && istDayNumber(ts) !== istDayNumber(prevTs)) {
      equity.sample(i - 1, prevTs);
      for (const t of trackers) t.sample(i - 1, prevTs);
    }
    prevTs = ts;
    firstTs ??= ts;
    equity.onTick(tick.token, tick.ltp);
    for (const t of trackers) t.onTick(tick.token, tick.ltp);
    markToMarket(portfolio, tick.token, tick.ltp);
    // A tick's feed position defaults to its index: what the replay feed stamps for a file replayed from its start
    const msg: TickMsg = { kind: 'tick', tick, seq: i, ts, feedSeq: tick.feedSeq ?? i };
    tradingStepBehaviour.handle(step, msg, onOut);
    const sample = equityEvery > 0 && (i + 1) % equityEvery === 0;
    equity.settle(i, ts, sample);
    for (const t of trackers) t.settle(i, ts, sample);
    if (onProgress !== undefined && (i & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) onProgress(i + 1);
  }
  onProgress?.(n);
  const gated = step.strategy.gated;

  const lastTs = n === 0 ? null : prevTs;
  if (n > 0) {
    equity.sample(n - 1, lastTs ?? 0);
    for (const t of trackers) t.sample(n - 1, lastTs ?? 0);
  }
  const byStrategy: Record<string, PnlTotals> = {};
  for (const id of strategyIds(portfolio, BROKER)) {
    byStrategy[id] = strategyTotals(portfolio, BROKER, id);
  }
  const all = brokerTotals(portfolio, BROKER);
  const untraded = runnable.length - Object.keys(byStrategy).length;
  if (equity.equity !== all.equity + untraded * startingCash) {
    throw appError('ERR_FILL_INVALID', { tradeId: '*', reason: `tracked equity ${equity.equity} differs from the portfolio's ${all.equity + untraded * startingCash}` });
  }
  if (perStrategy !== null) {
    for (const [id, t] of perStrategy) {
      const expected = byStrategy[id]?.equity ?? startingCash;
      if (t.equity !== expected) throw appError('ERR_FILL_INVALID', { tradeId: '*', reason: `tracked equity of ${id} ${t.equity} differs from the portfolio's ${expected}` });
    }
  }
  const dd = equity.maxDrawdown;
  return {
    ok: true,
    value: {
      ticks: n,
      ticksGated: gated,
      firstTs,
      lastTs,
      strategies: runnable,
      skipped,
      fills,
      orders: counters.orders(),
      signals: counters.signalCounts(step.strategy.engine.stats()),
      totals: { byStrategy, all },
      equity: equity.points,
      stats: {
        netPnl: all.netPnl,
        fees: all.fees,
        fills: fillCount,
        closedTrades,
        wins,
        winRate: closedTrades === 0 ? 0 : wins / closedTrades,
        maxDrawdown: dd.amount,
        maxDrawdownPct: dd.peak > 0 ? dd.amount / dd.peak : 0,
        startEquity: equity.start,
        endEquity: equity.equity,
      },
      endOfDays,
      ...(perStrategy !== null ? { equityByStrategy: Object.fromEntries([...perStrategy].map(([id, t]) => [id, t.points])) } : {}),
      ...(trace !== null ? { trace } : {}),
    },
  };
}
