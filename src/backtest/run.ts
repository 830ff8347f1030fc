// In-process, transport-free replay of the pipeline's own domain code: strategy engine → risk
// (evaluateAndRecord) → paper broker → portfolio (applyFill), driven by a simulated clock (tick
// time). Event-time semantics are the actor pipeline's (strategy runner stamps tickSeq, risk and
// engine gate their ticks by it): for each tick, risk and the venue see the tick first, then that
// tick's signals are judged and submitted in strategy order. Fills reach risk and the portfolio
// at once (the split pipeline's risk manager reads them from the engine's log when committed, so
// its position and daily-loss verdicts can differ: BENCHMARKS.md, replay). PURE, deterministic.
import { appError, type Result } from '../errors.js';
import { createPaperBroker, type PaperEvent } from '../domain/paper/index.js';
import { applyFill, brokerTotals, createPortfolio, isReducing, markToMarket, strategyIds, strategyTotals, type PnlTotals } from '../domain/portfolio/index.js';
import { createRiskState, evaluateAndRecord, onFill, onTick as riskOnTick, positionOf } from '../domain/risk/index.js';
import type { StrategyConfigError } from '../domain/strategy/index.js';
import type { Fill, Tick, TradingSignal } from '../domain/types.js';
import { Counters } from './counters.js';
import { EquityTracker } from './equity.js';
import { createSessionGate, SessionClock } from './session.js';
import { prepareBacktest } from './setup.js';
import type { BacktestCalendar, BacktestInput, BacktestResult, SignalTrace } from './types.js';

const BROKER = 'paper';
const DEFAULT_CALENDAR: BacktestCalendar = { market24x7: true };
const DEFAULT_EQUITY_EVERY = 1000;

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
  const { engine, runnable, skipped, paper, startingCash, limits } = prepared.value;
  const it = iteratorOf(input);
  const calendar = input.calendar ?? DEFAULT_CALENDAR;
  const gate = createSessionGate(calendar);
  const runEndOfDay = input.endOfDay ?? true;
  const equityEvery = input.equityEvery ?? DEFAULT_EQUITY_EVERY;
  const keepFills = input.keepFills ?? true;
  const tickSizes = input.tickSizes;
  const trace: SignalTrace[] | null = input.traceSignals === true ? [] : null;

  const broker = createPaperBroker(paper);
  const portfolio = createPortfolio({ startingCash });
  const risk = createRiskState(BROKER);
  const equity = new EquityTracker(startingCash * runnable.length);
  const counters = new Counters(runnable);
  const fills: Fill[] = [];
  let fillCount = 0;
  let closedTrades = 0;
  let wins = 0;

  const onFillEvent = (f: Fill): void => {
    const pos = portfolio.brokers.get(BROKER)?.strategies.get(f.strategyId)?.positions.get(f.token);
    const prevQty = pos?.qty ?? 0;
    const prevRealized = pos?.realizedPnl ?? 0;
    if (!applyFill(portfolio, f).ok || !onFill(risk, f).ok) {
      throw appError('ERR_FILL_INVALID', { tradeId: f.tradeId, reason: 'the venue emitted a fill twice' });
    }
    equity.onFill(f);
    fillCount++;
    if (keepFills) fills.push(f);
    if (prevQty !== 0 && isReducing(prevQty, f.side, Math.min(f.quantity, Math.abs(prevQty)))) {
      // A closing fill: its realized PnL net of its own fees decides the win
      closedTrades++;
      const realized = (portfolio.brokers.get(BROKER)?.strategies.get(f.strategyId)?.positions.get(f.token)?.realizedPnl ?? 0) - prevRealized;
      if (realized - f.fees > 0) wins++;
    }
  };
  const handle = (events: readonly PaperEvent[]): void => {
    for (const e of events) {
      if (e.type === 'fill') onFillEvent(e.fill);
      else counters.event(e);
    }
  };

  let n = 0;
  let gated = 0;
  let prevTs = 0;
  let firstTs: number | null = null;
  const sessions = runEndOfDay ? new SessionClock(calendar) : null;
  let endOfDays = 0;
  for (let r = it.next(); r.done !== true; r = it.next()) {
    const tick = r.value;
    const i = n++;
    // Each tick's own time, as every actor uses it (never clamped: a late tick keeps its stamp);
    // a tick without any timestamp inherits the previous one (the actors would use their clock)
    const ts = tick.exchangeTs > 0 ? tick.exchangeTs : tick.lastTradeTs > 0 ? tick.lastTradeTs : prevTs;
    prevTs = ts;
    firstTs ??= ts;
    // Session end on the venue's tick clock; one run expires everything, even after a gap of days
    const eod = sessions?.due(ts) ?? null;
    if (eod !== null) {
      handle(broker.endOfDay(eod.ts));
      endOfDays++;
    }
    // The venue and risk see the tick before any signal it produces (event time)
    equity.onTick(tick.token, tick.ltp);
    markToMarket(portfolio, tick.token, tick.ltp);
    riskOnTick(risk, tick.token, tick.ltp);
    const venue = broker.onTick(tick.token, tick.ltp, ts);
    if (venue.length > 0) handle(venue);
    if (!gate(ts)) {
      gated++;
    } else {
      const out = engine.onTick(tick, ts);
      if (out.signals.length > 0) {
        // As the strategy runner stamps them: tickSeq (event time) and the tick's feed position,
        // which is part of the signal key and so of every order and trade id
        const feedSeq = tick.feedSeq ?? i;
        for (const s of out.signals) submitSignal(feedSeq >= 0 ? { ...s, tickSeq: i, feedSeq } : { ...s, tickSeq: i }, i);
      }
    }
    equity.settle(i, ts, equityEvery > 0 && (i + 1) % equityEvery === 0);
  }

  function submitSignal(signal: TradingSignal, tickIndex: number): void {
    const riskPosition = trace === null ? 0 : positionOf(risk, signal.strategyId, signal.token).qty;
    const verdict = evaluateAndRecord(risk, signal, limits);
    counters.verdict(signal.strategyId, verdict);
    const base = {
      tick: tickIndex,
      strategyId: signal.strategyId,
      token: signal.token,
      side: signal.side,
      ts: signal.ts,
      ...(signal.feedSeq !== undefined ? { feedSeq: signal.feedSeq } : {}),
      riskPosition,
    };
    if (verdict.outcome === 'rejected') {
      trace?.push({ ...base, outcome: 'rejected', rules: verdict.reasons.map((x) => x.rule) });
      return;
    }
    const tickSize = tickSizes?.get(signal.token);
    const submitted = broker.submit(
      { signal, validatedQty: verdict.validatedQty, validatedPrice: verdict.validatedPrice, ...(tickSize !== undefined ? { tickSize } : {}) },
      signal.ts,
    );
    if (!submitted.ok) {
      // The only refusal of submit is a known signal key; anything else is an order event
      counters.duplicate();
      trace?.push({ ...base, outcome: 'duplicate' });
      return;
    }
    const first = submitted.value[0];
    trace?.push({ ...base, outcome: 'validated', ...(first !== undefined && 'order' in first ? { orderId: first.order.orderId } : {}) });
    handle(submitted.value);
  }

  const lastTs = n === 0 ? null : prevTs;
  if (n > 0 && (equity.points.length === 0 || equity.points[equity.points.length - 1]!.tick !== n - 1)) {
    equity.points.push({ tick: n - 1, ts: lastTs ?? 0, equity: equity.equity });
  }
  const byStrategy: Record<string, PnlTotals> = {};
  for (const id of strategyIds(portfolio, BROKER)) {
    byStrategy[id] = strategyTotals(portfolio, BROKER, id);
    if (broker.cash(id) !== byStrategy[id].cash) {
      throw appError('ERR_FILL_INVALID', { tradeId: '*', reason: `venue cash ${broker.cash(id)} of ${id} differs from the portfolio's ${byStrategy[id].cash}` });
    }
  }
  const all = brokerTotals(portfolio, BROKER);
  const untraded = runnable.length - Object.keys(byStrategy).length;
  if (equity.equity !== all.equity + untraded * startingCash) {
    throw appError('ERR_FILL_INVALID', { tradeId: '*', reason: `tracked equity ${equity.equity} differs from the portfolio's ${all.equity + untraded * startingCash}` });
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
      signals: counters.signalCounts(engine.stats()),
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
      ...(trace !== null ? { trace } : {}),
    },
  };
}
