// The backtest report as data: every figure of the run, per strategy and in total, computed by
// the metrics domain from what runBacktest returned (fills, curves, portfolio totals). The
// terminal summary, the `--json` document and the HTML report all render this one value. PURE.
import {
  backtestMetrics,
  byDay,
  byInstrument,
  roundTrips,
  type BacktestMetrics,
  type BreakdownRow,
  type OpenLot,
  type RoundTrip,
} from '../../domain/metrics/index.js';
import type { PnlTotals } from '../../domain/portfolio/index.js';
import type { Paise } from '../../domain/types.js';
import type { BacktestResult, OrdersSummary, SignalCounts } from '../types.js';

/** How the run was set up, as the report states it. */
export interface ReportContext {
  /** The tick source as given (a path, or synthetic:SEED:N). */
  readonly ticks: string;
  /** The --from / --to window, epoch ms (null = open). */
  readonly from: number | null;
  readonly to: number | null;
  /** Live risk caps (daily trades, daily loss) applied. */
  readonly riskCaps: boolean;
}

/** One scope: a strategy, or all of them ("total"). */
export interface ScopeReport {
  readonly id: string;
  readonly metrics: BacktestMetrics;
  readonly byInstrument: readonly BreakdownRow[];
  readonly byDay: readonly BreakdownRow[];
}

export interface BacktestReport {
  readonly kind: 'alpha-panda/backtest-report';
  readonly version: 1;
  readonly context: ReportContext;
  readonly run: {
    readonly ticks: number;
    readonly ticksGated: number;
    readonly firstTs: number | null;
    readonly lastTs: number | null;
    /** Starting cash of each strategy, paise. */
    readonly startingCashPerStrategy: Paise;
    /** What the venue did with the orders, and each strategy's signal counts: absent in a replay
     *  job's report (the actors keep these counts in their own snapshots, not in the fill log). */
    readonly orders?: OrdersSummary;
    readonly signals?: readonly SignalCounts[];
    readonly skipped: readonly { readonly strategyId: string; readonly reason: string }[];
  };
  /** The conventions behind the figures, in words (printed under the tables). */
  readonly conventions: readonly string[];
  readonly total: ScopeReport;
  readonly strategies: readonly ScopeReport[];
  /** Every closed trip, in closing order. */
  readonly trips: readonly RoundTrip[];
  /** Lots still open at the end (their PnL is the unrealized figure). */
  readonly open: readonly OpenLot[];
}

export const METRIC_CONVENTIONS: readonly string[] = [
  'Money in integer paise (shown as rupees). Realized PnL, fees and unrealized PnL are the portfolio\'s own average-cost totals; unrealized (open positions at the last price) is never part of realized.',
  'Round trips are matched FIFO per strategy and instrument: one trip is the part of one entry fill closed by one exit fill; each fill\'s fees are split over its trips exactly. A win is a trip with net PnL (after fees) > 0.',
  'Daily returns: the last equity of each IST day that has ticks, against the previous close (the starting equity for the first day).',
  'Sharpe and Sortino: mean daily return / sample standard deviation (n − 1) or downside deviation √(Σ min(r,0)² / (n − 1)), × √252, risk-free rate 0; shown as — with fewer than 2 days.',
  'CAGR: (end / start)^(365.25 days / period) − 1 over the first to the last tick; — for a period under one day. Calmar = CAGR / max drawdown %.',
  'Max drawdown: largest peak-to-trough fall of the equity curve (sampled at least every few ticks and at each day\'s last tick); its duration runs from the peak to the recovery, or to the end.',
  'Exposure: share of the period during which the scope held any open position.',
];

/** Equity samples a report's run keeps (plus one per day close): enough for drawdowns, small in memory. */
export const REPORT_CURVE_POINTS = 50_000;

/** `equityEvery` for a run of `ticks` ticks that feeds a report (sweeps and --top use the same). */
export function reportEquityEvery(ticks: number): number {
  return Math.max(1, Math.ceil(ticks / REPORT_CURVE_POINTS));
}

/** What a report is built from: a backtest's result, or a replay job's (without the decision counts). */
export type ReportableRun = Omit<BacktestResult, 'orders' | 'signals' | 'endOfDays' | 'trace'> & Partial<Pick<BacktestResult, 'orders' | 'signals'>>;

const ZERO_TOTALS: Pick<PnlTotals, 'realizedPnl' | 'unrealizedPnl' | 'fees'> = { realizedPnl: 0, unrealizedPnl: 0, fees: 0 };

/** Builds the report of one run (run it with `equityByStrategy` for per-strategy curve figures). */
export function buildReport(result: ReportableRun, context: ReportContext): BacktestReport {
  const { trips, open } = roundTrips(result.fills);
  const n = result.strategies.length;
  const perStrategyStart = n === 0 ? 0 : result.stats.startEquity / n;
  const scope = (
    id: string,
    fills: BacktestResult['fills'],
    scopeTrips: readonly RoundTrip[],
    openLots: number,
    curve: BacktestResult['equity'],
    startEquity: Paise,
    totals: Pick<PnlTotals, 'realizedPnl' | 'unrealizedPnl' | 'fees'>,
  ): ScopeReport => ({
    id,
    metrics: backtestMetrics({
      fills,
      trips: scopeTrips,
      openLots,
      curve,
      startEquity,
      firstTs: result.firstTs,
      lastTs: result.lastTs,
      realizedPnl: totals.realizedPnl,
      unrealizedPnl: totals.unrealizedPnl,
      fees: totals.fees,
    }),
    byInstrument: byInstrument(scopeTrips),
    byDay: byDay(scopeTrips),
  });
  const strategies = result.strategies.map((id) =>
    scope(
      id,
      result.fills.filter((f) => f.strategyId === id),
      trips.filter((t) => t.strategyId === id),
      open.filter((l) => l.strategyId === id).length,
      result.equityByStrategy?.[id] ?? [],
      perStrategyStart,
      result.totals.byStrategy[id] ?? ZERO_TOTALS,
    ),
  );
  return {
    kind: 'alpha-panda/backtest-report',
    version: 1,
    context,
    run: {
      ticks: result.ticks,
      ticksGated: result.ticksGated,
      firstTs: result.firstTs,
      lastTs: result.lastTs,
      startingCashPerStrategy: perStrategyStart,
      ...(result.orders !== undefined ? { orders: result.orders } : {}),
      ...(result.signals !== undefined ? { signals: result.signals } : {}),
      skipped: result.skipped,
    },
    conventions: METRIC_CONVENTIONS,
    total: scope('total', result.fills, trips, open.length, result.equity, result.stats.startEquity, result.totals.all),
    strategies,
    trips,
    open,
  };
}
