// Input and output contracts of the in-process backtest (runBacktest). PURE types only.
// Money is integer paise everywhere in the results; the inputs keep the config's units (paper
// settings and starting cash in rupees, risk limits in paise as the risk domain takes them).
import type { SessionCalendar } from '../domain/market-hours/index.js';
import type { OrderStatus } from '../domain/order/status.js';
import type { PaperConfig } from '../domain/paper/index.js';
import type { RiskLimits, RuleName } from '../domain/risk/index.js';
import type { PnlTotals } from '../domain/portfolio/index.js';
import type { Fill, Paise, Side, Tick } from '../domain/types.js';

/** Session calendar of the simulated clock (the strategies' gate and the venue's session end). */
export type BacktestCalendar = SessionCalendar;

/** Everything one backtest needs. Exactly one of `ticks` / `tickIterator` must be given. */
export interface BacktestInput {
  /**
   * The tick stream in event order. The object may be reused between items: nothing keeps it.
   * A tick's `feedSeq` (part of every signal key, hence of order and trade ids) defaults to its
   * 0-based position in the stream: what the replay feed stamps for a file replayed from its start.
   */
  readonly ticks?: Iterable<Tick>;
  /** Same as `ticks`, as an iterator (e.g. a streaming file decoder). */
  readonly tickIterator?: Iterator<Tick>;
  /** Strategy configs (untrusted: validated here), or a parsed strategies document `{ strategies }`. */
  readonly strategies: readonly unknown[] | { readonly strategies: readonly unknown[]; readonly version?: unknown };
  /** Risk limits in paise (missing fields take the risk domain defaults). */
  readonly risk?: Partial<RiskLimits>;
  /** Paper venue settings in config units (percent, rupees), as the trading engine passes them. */
  readonly paper?: Partial<PaperConfig>;
  /** Starting cash per strategy in RUPEES; overrides `paper.startingCash` (default 1,000,000). */
  readonly startingCash?: number;
  /** Default: 24x7 (no gate; session end at IST midnight). Replays of NSE files pass the NSE calendar. */
  readonly calendar?: BacktestCalendar;
  /** Run the paper venue's session ends (DAY orders expire) on tick time, as the engine does in a replay. Default true. */
  readonly endOfDay?: boolean;
  /** Tick size per instrument token, paise (the registry's); others use the paper default tick. */
  readonly tickSizes?: ReadonlyMap<number, Paise>;
  /** One equity-curve point every this many ticks (plus the last tick). Default 1000; 0 = last only. */
  readonly equityEvery?: number;
  /** Keep every fill in the result (default true). Sweeps turn it off to save memory. */
  readonly keepFills?: boolean;
  /** Record the outcome of every signal (for diagnosing divergences). Default false. */
  readonly traceSignals?: boolean;
  /** Also keep one equity curve per runnable strategy (`equityByStrategy`), sampled with the total. Default false. */
  readonly equityByStrategy?: boolean;
  /** Also sample the curves at the last tick of every IST day (exact daily closes). Default false. */
  readonly sampleDayEnds?: boolean;
  /** Called with the number of ticks processed, every 16 384 ticks and once at the end. */
  readonly onProgress?: (ticksDone: number) => void;
}

/** One sampled point of the equity curve (all runnable strategies together). */
export interface EquityPoint {
  /** 0-based index of the tick after which the point was taken. */
  readonly tick: number;
  /** Simulated time (the tick's timestamp), epoch ms. */
  readonly ts: number;
  /** Σ cash + Σ qty × last price over every runnable strategy, paise. */
  readonly equity: Paise;
}

/** Counters of one strategy's signals through risk and the venue. */
export interface SignalCounts {
  readonly strategyId: string;
  /** Signals the strategy emitted (after its own validator). */
  readonly generated: number;
  readonly validated: number;
  readonly rejected: number;
  /** Failed risk rules (a rejected signal may fail several). */
  readonly rejectedByRule: Readonly<Partial<Record<RuleName, number>>>;
  /** Decisions the strategy's own validator refused, and evaluation failures (engine stats). */
  readonly invalid: number;
  readonly errors: number;
}

/** What happened to the orders the venue created. */
export interface OrdersSummary {
  /** Orders created (signal orders and bracket exits). */
  readonly created: number;
  /** Validated signals the venue refused as ERR_ORDER_DUPLICATE (no order). */
  readonly duplicates: number;
  /** Final status → count. */
  readonly byStatus: Readonly<Partial<Record<OrderStatus, number>>>;
  /** Rejection / expiry / cancel error code → count. */
  readonly failedByCode: Readonly<Record<string, number>>;
  readonly bracketsArmed: number;
}

/** Why one signal ended where it did (only with `traceSignals`). */
export interface SignalTrace {
  readonly tick: number;
  readonly strategyId: string;
  readonly token: number;
  readonly side: Side;
  readonly ts: number;
  /** The signal's feed position (part of its key), when it has one. */
  readonly feedSeq?: number;
  /** Position the risk state held for (strategy, token) when the signal was judged. */
  readonly riskPosition: number;
  readonly outcome: 'validated' | 'rejected' | 'duplicate';
  /** Failed rules of a rejected signal. */
  readonly rules?: readonly RuleName[];
  /** Order created for a validated signal. */
  readonly orderId?: string;
}

/** Figures that summarise one backtest (the sweep's table row). Money in paise. */
export interface BacktestStats {
  /** realized + unrealized − fees over every runnable strategy. */
  readonly netPnl: Paise;
  readonly fees: Paise;
  readonly fills: number;
  /** Fills that reduced a position (they realize PnL). */
  readonly closedTrades: number;
  /** Closed trades whose realized PnL exceeded their own fees. */
  readonly wins: number;
  /** wins / closedTrades (0 when none). */
  readonly winRate: number;
  /** Largest peak-to-trough fall of the tick-by-tick equity, paise (≥ 0). */
  readonly maxDrawdown: Paise;
  /** maxDrawdown ÷ the peak it fell from. */
  readonly maxDrawdownPct: number;
  readonly startEquity: Paise;
  readonly endEquity: Paise;
}

/** The outcome of one backtest. */
export interface BacktestResult {
  readonly ticks: number;
  /** Ticks the market-hours gate kept from the strategies (risk and venue still saw them). */
  readonly ticksGated: number;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** Strategies that ran, in config order, and those skipped (broker other than paper). */
  readonly strategies: readonly string[];
  readonly skipped: readonly { readonly strategyId: string; readonly reason: string }[];
  /** Every fill in fillSeq order (empty when `keepFills` is false). */
  readonly fills: readonly Fill[];
  readonly orders: OrdersSummary;
  readonly signals: readonly SignalCounts[];
  /** Portfolio totals of every strategy that traded, and their sum. */
  readonly totals: { readonly byStrategy: Readonly<Record<string, PnlTotals>>; readonly all: PnlTotals };
  readonly equity: readonly EquityPoint[];
  readonly stats: BacktestStats;
  /** Session ends the venue ran (the first tick also closes the session before it, as the engine does). */
  readonly endOfDays: number;
  /** Present with `equityByStrategy`: each strategy's cash + marked positions, from its own starting cash. */
  readonly equityByStrategy?: Readonly<Record<string, readonly EquityPoint[]>>;
  /** Present with `traceSignals`. */
  readonly trace?: readonly SignalTrace[];
}
