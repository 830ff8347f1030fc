// The trader's views of one broker's fill log: closed trades (round trips) and live performance
// per strategy, per instrument and in total. PURE: the routes (routes-trader.ts) read the fills and
// the portfolio, this file only shapes them. Every figure comes from the metrics domain that the
// backtest report uses (src/domain/metrics): round trips are matched FIFO by `roundTrips`, trade
// figures by `tradeStats` inside `backtestMetrics`; nothing here folds fills a second way.
//
// Conventions of the live figures (they differ from a backtest's only where a live run must):
// - realized PnL, fees and unrealized PnL are the portfolio manager's own average-cost numbers
//   (its positions, marked at the last tick), summed over the scope's positions;
// - the curve behind max drawdown, Sharpe and Sortino is the scope's CLOSED-TRADE equity: the
//   starting capital plus the cumulative net PnL of its round trips at their exit times (no
//   per-strategy marked curve is stored live; the broker's marked curve is the Equity panel's);
// - the period runs from the scope's first fill in the window to `nowMs`;
// - a strategy scope starts from that strategy's starting cash, an instrument scope and the total
//   from the sum over every strategy of the broker (an instrument has no capital of its own).
import { backtestMetrics, roundTrips, type BacktestMetrics, type EquitySample, type OpenLot, type RoundTrip } from '../domain/metrics/index.js';
import { addExact } from '../domain/portfolio/money.js';
import type { Broker, Fill, Paise } from '../domain/types.js';

/** The part of a portfolio position the views use (the portfolio manager's PositionView). */
export interface PositionFigures {
  readonly strategyId: string;
  readonly token: number;
  readonly qty: number;
  readonly realizedPnl: Paise;
  readonly unrealizedPnl: Paise;
  readonly fees: Paise;
}

/** The part of the portfolio manager's broker view the views use. */
export interface PortfolioFigures {
  readonly strategies: readonly { readonly strategyId: string; readonly totals: { readonly startingCash: Paise } }[];
  readonly positions: readonly PositionFigures[];
}

/** Which part of the fill log the figures cover. */
export interface FillWindow {
  /** Fills read (the newest `cap` of the log at most). */
  readonly fills: number;
  readonly cap: number;
  /**
   * True when older fills exist outside the window: a trip whose entry is older is then not
   * matched (its exit reads as a new lot), so the first trips of each book may be missing.
   */
  readonly partial: boolean;
}

/** A closed trade with its broker. */
export interface TradeRow extends RoundTrip {
  readonly broker: Broker;
}

export interface TradesQuery {
  readonly strategyId?: string;
  readonly token?: number;
  readonly offset: number;
  readonly limit: number;
}

export interface TradesView {
  readonly broker: Broker;
  /** Newest exit first. */
  readonly items: readonly TradeRow[];
  readonly total: number;
  /** Lots still open (their PnL is the positions' unrealized figure). */
  readonly open: readonly OpenLot[];
  readonly window: FillWindow;
}

const matches = (q: { strategyId?: string; token?: number }, x: { strategyId: string; token: number }): boolean =>
  (q.strategyId === undefined || x.strategyId === q.strategyId) && (q.token === undefined || x.token === q.token);

/** Closed trades of `fills` (one broker's log window, fillSeq order) filtered and paged, newest first. */
export function tradesView(broker: Broker, fills: readonly Fill[], window: FillWindow, q: TradesQuery): TradesView {
  const log = roundTrips(fills);
  const trips = log.trips.filter((t) => matches(q, t));
  const items: TradeRow[] = [];
  // Newest first without copying the whole list: walk from the end, skipping `offset`
  for (let i = trips.length - 1 - q.offset; i >= 0 && items.length < q.limit; i--) items.push({ ...trips[i]!, broker });
  return { broker, items, total: trips.length, open: log.open.filter((l) => matches(q, l)), window };
}

/** The figures of one scope. */
export interface PerformanceRow {
  /** The strategy id, the instrument token as a string, or "total". */
  readonly key: string;
  readonly strategyId: string | null;
  readonly token: number | null;
  readonly startEquity: Paise;
  readonly openPositions: number;
  readonly metrics: Omit<BacktestMetrics, 'daily'>;
}

export interface PerformanceView {
  readonly broker: Broker;
  readonly asOf: number;
  readonly total: PerformanceRow;
  readonly strategies: readonly PerformanceRow[];
  readonly instruments: readonly PerformanceRow[];
  readonly window: FillWindow;
  readonly conventions: readonly string[];
}

export const LIVE_CONVENTIONS: readonly string[] = [
  'Realized PnL, fees and unrealized PnL are the portfolio\'s average-cost figures; unrealized is marked at the last tick and never part of realized.',
  'Round trips are matched FIFO per strategy and instrument, each fill\'s fees split over its trips exactly; a win is a trip with net PnL > 0.',
  'Max drawdown, Sharpe and Sortino are over the closed-trade equity: capital plus the cumulative net PnL of the round trips at their exit times.',
  'A strategy starts from its starting cash; an instrument and the total from the broker\'s capital (every strategy\'s starting cash).',
];

function closedCurve(start: Paise, trips: readonly RoundTrip[]): EquitySample[] {
  const out: EquitySample[] = [];
  let equity = start;
  // Trips are in exit-fill order, so exit times never go backwards within one broker's log
  for (const t of trips) {
    equity = addExact(equity, t.netPnl, 'closedCurve');
    out.push({ ts: t.exitTs, equity });
  }
  return out;
}

function scopeRow(
  key: string,
  who: { strategyId: string | null; token: number | null },
  fills: readonly Fill[],
  trips: readonly RoundTrip[],
  open: readonly OpenLot[],
  positions: readonly PositionFigures[],
  startEquity: Paise,
  nowMs: number,
): PerformanceRow {
  let realizedPnl = 0;
  let unrealizedPnl = 0;
  let fees = 0;
  let openPositions = 0;
  for (const p of positions) {
    realizedPnl = addExact(realizedPnl, p.realizedPnl, key);
    unrealizedPnl = addExact(unrealizedPnl, p.unrealizedPnl, key);
    fees = addExact(fees, p.fees, key);
    if (p.qty !== 0) openPositions++;
  }
  const firstTs = fills.length === 0 ? null : fills[0]!.ts;
  const curve = closedCurve(startEquity, trips);
  // The end of the closed-trade curve is the capital plus closed business; the period ends now
  const { daily: _daily, ...metrics } = backtestMetrics({
    fills,
    trips,
    openLots: open.length,
    curve,
    startEquity,
    firstTs,
    lastTs: firstTs === null ? null : Math.max(firstTs, nowMs),
    realizedPnl,
    unrealizedPnl,
    fees,
  });
  return { key, strategyId: who.strategyId, token: who.token, startEquity, openPositions, metrics };
}

interface Bucket {
  readonly fills: Fill[];
  readonly trips: RoundTrip[];
  readonly open: OpenLot[];
  readonly positions: PositionFigures[];
}

function bucket<K>(m: Map<K, Bucket>, k: K): Bucket {
  let b = m.get(k);
  if (b === undefined) m.set(k, (b = { fills: [], trips: [], open: [], positions: [] }));
  return b;
}

/**
 * Live performance of one broker: one row per strategy that has a book or a fill, one per
 * instrument that has a position or a fill, and the total.
 */
export function performanceView(broker: Broker, fills: readonly Fill[], window: FillWindow, portfolio: PortfolioFigures, nowMs: number): PerformanceView {
  const ordered = fills.slice().sort((a, b) => a.fillSeq - b.fillSeq);
  const log = roundTrips(ordered);
  const capital = new Map(portfolio.strategies.map((s) => [s.strategyId, s.totals.startingCash]));
  let brokerCapital = 0;
  for (const c of capital.values()) brokerCapital = addExact(brokerCapital, c, 'capital');

  // One pass per list into per-strategy and per-instrument buckets (order kept), so each scope
  // costs its own size: a filter per scope would cost scopes × fills on the gateway's event loop
  const byStrategy = new Map<string, Bucket>();
  const byToken = new Map<number, Bucket>();
  for (const id of capital.keys()) bucket(byStrategy, id);
  const put = <K>(m: Map<K, Bucket>, k: K, f: (b: Bucket) => void): void => f(bucket(m, k));
  for (const f of ordered) {
    put(byStrategy, f.strategyId, (b) => b.fills.push(f));
    put(byToken, f.token, (b) => b.fills.push(f));
  }
  for (const t of log.trips) {
    put(byStrategy, t.strategyId, (b) => b.trips.push(t));
    put(byToken, t.token, (b) => b.trips.push(t));
  }
  for (const l of log.open) {
    put(byStrategy, l.strategyId, (b) => b.open.push(l));
    put(byToken, l.token, (b) => b.open.push(l));
  }
  for (const p of portfolio.positions) {
    put(byStrategy, p.strategyId, (b) => b.positions.push(p));
    put(byToken, p.token, (b) => b.positions.push(p));
  }
  const strategies = [...byStrategy]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([id, b]) => scopeRow(id, { strategyId: id, token: null }, b.fills, b.trips, b.open, b.positions, capital.get(id) ?? 0, nowMs));
  const instruments = [...byToken]
    .sort((a, b) => a[0] - b[0])
    .map(([token, b]) => scopeRow(String(token), { strategyId: null, token }, b.fills, b.trips, b.open, b.positions, brokerCapital, nowMs));
  const total = scopeRow('total', { strategyId: null, token: null }, ordered, log.trips, log.open, portfolio.positions, brokerCapital, nowMs);
  return { broker, asOf: nowMs, total, strategies, instruments, window, conventions: LIVE_CONVENTIONS };
}
