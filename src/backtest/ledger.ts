// The accounting side of a run: the portfolio, the total and per-strategy equity curves and the
// fill statistics, fed tick by tick and fill by fill. It does not care where the fills come from:
// the inline topology (runBacktest) feeds the fills its trading step emits; the replay job
// (replay-report.ts) feeds the fills the actors committed, merged into the same file's ticks. So
// a report of either run is the same fold. PURE, deterministic.
//
// Protocol per tick i (in this order): tick(i, …) → fill(f) for each fill of that tick → settle(i).
// Invariant (checked by finish): the tracked equity equals the portfolio's own totals, for the
// whole run and for every strategy.
import { appError } from '../errors.js';
import { istDayNumber } from '../domain/market-hours/index.js';
import { applyFill, brokerTotals, createPortfolio, isReducing, markToMarket, strategyIds, strategyTotals, type PortfolioState, type PnlTotals } from '../domain/portfolio/index.js';
import type { Broker, Fill, Paise } from '../domain/types.js';
import { EquityTracker } from './equity.js';
import type { BacktestResult, BacktestStats } from './types.js';

export interface LedgerOptions {
  readonly broker: Broker;
  /** Strategies that run, in config order: each starts with `startingCash`. */
  readonly runnable: readonly string[];
  readonly startingCash: Paise;
  /** Sample the curves every this many ticks (0: only day ends and the last tick). */
  readonly equityEvery: number;
  /** Keep one curve per strategy besides the total. */
  readonly equityByStrategy: boolean;
  /** Sample the last tick of each IST day (daily returns need exact closes). */
  readonly sampleDayEnds: boolean;
  /** Keep every fill in the result (a sweep does without). */
  readonly keepFills: boolean;
}

/** What the ledger contributes to a BacktestResult. */
export type LedgerResult = Pick<BacktestResult, 'firstTs' | 'lastTs' | 'fills' | 'totals' | 'equity' | 'equityByStrategy'> & { readonly stats: BacktestStats };

/**
 * A tick's event time as every actor takes it (never clamped: a late tick keeps its stamp); a tick
 * without any timestamp inherits the previous one's (the actors would use their clock).
 */
export function eventTimeOf(tick: { readonly exchangeTs: number; readonly lastTradeTs: number }, prevTs: number): number {
  return tick.exchangeTs > 0 ? tick.exchangeTs : tick.lastTradeTs > 0 ? tick.lastTradeTs : prevTs;
}

export class RunLedger {
  private readonly portfolio: PortfolioState;
  private readonly equity: EquityTracker;
  private readonly perStrategy: ReadonlyMap<string, EquityTracker> | null;
  private readonly trackers: readonly EquityTracker[];
  private readonly fills: Fill[] = [];
  private fillCount = 0;
  private closedTrades = 0;
  private wins = 0;
  private prevTs = 0;
  private firstTs: number | null = null;
  private ticks = 0;

  constructor(private readonly o: LedgerOptions) {
    this.portfolio = createPortfolio({ startingCash: o.startingCash });
    this.equity = new EquityTracker(o.startingCash * o.runnable.length);
    this.perStrategy = o.equityByStrategy ? new Map(o.runnable.map((id) => [id, new EquityTracker(o.startingCash)])) : null;
    this.trackers = this.perStrategy === null ? [] : [...this.perStrategy.values()];
  }

  /** Tick `i` (0-based, consecutive) at event time `ts`: marks the books, closes a day on the curves. */
  tick(i: number, token: number, ltp: Paise, ts: number): void {
    if (this.o.sampleDayEnds && i > 0 && istDayNumber(ts) !== istDayNumber(this.prevTs)) {
      this.equity.sample(i - 1, this.prevTs);
      for (const t of this.trackers) t.sample(i - 1, this.prevTs);
    }
    this.prevTs = ts;
    this.firstTs ??= ts;
    this.ticks = i + 1;
    this.equity.onTick(token, ltp);
    for (const t of this.trackers) t.onTick(token, ltp);
    markToMarket(this.portfolio, token, ltp);
  }

  /** A fill of the current tick. A fill applied twice breaks the venue's promise: it throws. */
  fill(f: Fill): void {
    const book = this.portfolio.brokers.get(this.o.broker)?.strategies.get(f.strategyId)?.positions.get(f.token);
    const prevQty = book?.qty ?? 0;
    const prevRealized = book?.realizedPnl ?? 0;
    if (!applyFill(this.portfolio, f).ok) {
      throw appError('ERR_FILL_INVALID', { tradeId: f.tradeId, reason: 'the venue emitted a fill twice' });
    }
    this.equity.onFill(f);
    this.perStrategy?.get(f.strategyId)?.onFill(f);
    this.fillCount++;
    if (this.o.keepFills) this.fills.push(f);
    if (prevQty !== 0 && isReducing(prevQty, f.side, Math.min(f.quantity, Math.abs(prevQty)))) {
      // A closing fill: its realized PnL net of its own fees decides the win
      this.closedTrades++;
      const realized = (this.portfolio.brokers.get(this.o.broker)?.strategies.get(f.strategyId)?.positions.get(f.token)?.realizedPnl ?? 0) - prevRealized;
      if (realized - f.fees > 0) this.wins++;
    }
  }

  /** Closes tick `i` after its fills: drawdown, and a curve sample every `equityEvery` ticks. */
  settle(i: number, ts: number): void {
    const sample = this.o.equityEvery > 0 && (i + 1) % this.o.equityEvery === 0;
    this.equity.settle(i, ts, sample);
    for (const t of this.trackers) t.settle(i, ts, sample);
  }

  /** The run's accounts after its last tick (see the file header for the invariant it checks). */
  finish(): LedgerResult {
    const n = this.ticks;
    const lastTs = n === 0 ? null : this.prevTs;
    if (n > 0) {
      this.equity.sample(n - 1, this.prevTs);
      for (const t of this.trackers) t.sample(n - 1, this.prevTs);
    }
    const { broker, runnable, startingCash } = this.o;
    const byStrategy: Record<string, PnlTotals> = {};
    for (const id of strategyIds(this.portfolio, broker)) byStrategy[id] = strategyTotals(this.portfolio, broker, id);
    const all = brokerTotals(this.portfolio, broker);
    const untraded = runnable.filter((id) => byStrategy[id] === undefined).length;
    if (this.equity.equity !== all.equity + untraded * startingCash) {
      throw appError('ERR_FILL_INVALID', { tradeId: '*', reason: `tracked equity ${this.equity.equity} differs from the portfolio's ${all.equity + untraded * startingCash}` });
    }
    if (this.perStrategy !== null) {
      for (const [id, t] of this.perStrategy) {
        const expected = byStrategy[id]?.equity ?? startingCash;
        if (t.equity !== expected) throw appError('ERR_FILL_INVALID', { tradeId: '*', reason: `tracked equity of ${id} ${t.equity} differs from the portfolio's ${expected}` });
      }
    }
    const dd = this.equity.maxDrawdown;
    return {
      firstTs: this.firstTs,
      lastTs,
      fills: this.fills,
      totals: { byStrategy, all },
      equity: this.equity.points,
      stats: {
        netPnl: all.netPnl,
        fees: all.fees,
        fills: this.fillCount,
        closedTrades: this.closedTrades,
        wins: this.wins,
        winRate: this.closedTrades === 0 ? 0 : this.wins / this.closedTrades,
        maxDrawdown: dd.amount,
        maxDrawdownPct: dd.peak > 0 ? dd.amount / dd.peak : 0,
        startEquity: this.equity.start,
        endEquity: this.equity.equity,
      },
      ...(this.perStrategy !== null ? { equityByStrategy: Object.fromEntries([...this.perStrategy].map(([id, t]) => [id, t.points])) } : {}),
    };
  }
}
