// Read views of the portfolio manager's books for the control plane (gateway, main job summary):
// plain JSON built from the pure domain views, plus the validation of command arguments (the
// gateway forwards client input, so arguments are untrusted: bad ones are ERR_COMMAND_INVALID).
import { appError } from '../../errors.js';
import {
  brokerPnlSnapshot,
  brokerTotals,
  CURRENCY_DIVISOR,
  fillWatermark,
  listPositions,
  strategyIds,
  sumTotals,
  type BrokerPnlSnapshot,
  type PnlTotals,
  type PositionView,
} from '../../domain/portfolio/index.js';
import type { Broker } from '../../domain/types.js';
import type { EquitySummary, PortfolioQuery, PositionsQuery } from '../../protocol/portfolio.js';
import type { Books } from './books.js';

/** Reply of `call('portfolio', {broker})`. */
export interface PortfolioView extends BrokerPnlSnapshot {
  readonly positions: readonly PositionView[];
  readonly fillWatermark: number;
}

/** What `snapshot()` returns: totals per broker plus their sum. */
export interface PortfolioManagerSnapshot {
  readonly divisor: number;
  readonly brokers: Readonly<Partial<Record<Broker, { readonly totals: PnlTotals; readonly strategies: number; readonly fillWatermark: number }>>>;
  readonly totals: PnlTotals;
}

/** Equity and net PnL summed over brokers (paise). */
export function equitySummary(books: Books): EquitySummary {
  const t = sumTotals([...books].map(([b, s]) => brokerTotals(s, b)));
  return { equity: t.equity, netPnl: t.netPnl, divisor: 100 };
}

/** Positions (flat ones included) filtered by broker and/or strategy, ordered by broker, strategy, token. */
export function positionsOf(books: Books, q: PositionsQuery): PositionView[] {
  const out: PositionView[] = [];
  for (const [b, state] of [...books].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    if (q.broker !== undefined && q.broker !== b) continue;
    for (const id of strategyIds(state, b)) {
      if (q.strategyId === undefined || q.strategyId === id) out.push(...listPositions(state, b, id));
    }
  }
  return out;
}

/** One broker's portfolio: per-strategy totals, broker totals and every position. */
export function portfolioOf(books: Books, q: PortfolioQuery, ts: number): PortfolioView {
  const state = books.get(q.broker);
  if (state === undefined) throw appError('ERR_COMMAND_INVALID', { command: 'portfolio', reason: `broker ${q.broker} is not active` });
  return { ...brokerPnlSnapshot(state, q.broker, ts), positions: positionsOf(books, { broker: q.broker }), fillWatermark: fillWatermark(state, q.broker) };
}

/** Totals per broker for `snapshot()`. */
export function managerSnapshot(books: Books): PortfolioManagerSnapshot {
  const brokers: Partial<Record<Broker, { totals: PnlTotals; strategies: number; fillWatermark: number }>> = {};
  for (const [b, state] of books) {
    brokers[b] = { totals: brokerTotals(state, b), strategies: strategyIds(state, b).length, fillWatermark: fillWatermark(state, b) };
  }
  return { divisor: CURRENCY_DIVISOR, brokers, totals: sumTotals([...books].map(([b, s]) => brokerTotals(s, b))) };
}

const rec = (v: unknown): Readonly<Record<string, unknown>> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Checks a broker argument against the manager's brokers. */
export function parseBroker(command: string, v: unknown, brokers: readonly Broker[]): Broker {
  if (typeof v === 'string' && (brokers as readonly string[]).includes(v)) return v as Broker;
  throw appError('ERR_COMMAND_INVALID', { command, reason: `expected broker one of ${brokers.join(', ')}, was ${JSON.stringify(v)}` });
}

/** Parses the argument of `positions` (null/undefined = no filter). */
export function parsePositionsQuery(arg: unknown, brokers: readonly Broker[]): PositionsQuery {
  const a = rec(arg);
  const strategyId = a['strategyId'];
  if (strategyId !== undefined && typeof strategyId !== 'string') {
    throw appError('ERR_COMMAND_INVALID', { command: 'positions', reason: `expected strategyId to be a string, was ${JSON.stringify(strategyId)}` });
  }
  return {
    ...(a['broker'] !== undefined ? { broker: parseBroker('positions', a['broker'], brokers) } : {}),
    ...(strategyId !== undefined ? { strategyId } : {}),
  };
}
