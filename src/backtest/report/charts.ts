// Chart series of the HTML report, in lightweight-charts' shapes: time in whole seconds shifted
// to IST (the library shows UTC, so IST wall time reads right), values in rupees for display.
// Every series is bucketed onto one grid of `bucketS` seconds (≤ ~MAX_POINTS buckets over the
// period), so a 2 M-tick run still makes a small page, and markers land on a bucket that has a
// price point. PURE.
import { IST_OFFSET_MS } from '../../domain/market-hours/index.js';
import type { Fill } from '../../domain/types.js';
import type { TickColumns } from '../columns.js';
import type { EquityPoint } from '../types.js';
import type { BacktestReport } from './model.js';

export interface LinePoint {
  readonly time: number;
  readonly value: number;
}

export interface ChartMarker {
  readonly time: number;
  readonly position: 'belowBar' | 'aboveBar';
  readonly shape: 'arrowUp' | 'arrowDown';
  readonly color: string;
  readonly text: string;
}

export interface InstrumentChart {
  readonly token: number;
  readonly prices: readonly LinePoint[];
  readonly markers: readonly ChartMarker[];
  /** Fills that had no marker because of MAX_MARKERS. */
  readonly markersDropped: number;
}

export interface ReportCharts {
  readonly bucketS: number;
  /** All strategies' equity, ₹. */
  readonly equity: readonly LinePoint[];
  /** Fall from the running peak, % (≤ 0); each bucket keeps its deepest point. */
  readonly drawdown: readonly LinePoint[];
  /** Net PnL of each strategy (equity − its start), ₹. */
  readonly strategies: readonly { readonly id: string; readonly pnl: readonly LinePoint[] }[];
  /** Instruments that had fills, ascending token. */
  readonly instruments: readonly InstrumentChart[];
}

/** A tick as the price charts need it. */
export interface PriceTick {
  readonly token: number;
  readonly ts: number;
  readonly ltp: number;
}

/** The price ticks of columns [start, end). */
export function* columnPrices(cols: TickColumns, start = 0, end = cols.length): Generator<PriceTick> {
  for (let i = start; i < end; i++) yield { token: cols.token[i]!, ts: cols.ts[i]!, ltp: cols.ltp[i]! };
}

export const MAX_POINTS = 2000;
/** Markers per instrument chart (the first ones in time order are kept). */
export const MAX_MARKERS = 1500;
/** Above this many markers on one chart the arrows go without labels (the labels would overlap). */
export const MAX_LABELLED_MARKERS = 150;

/** The bucket width, whole seconds (≥ 1), that keeps a period under about MAX_POINTS buckets. */
export function bucketSeconds(firstTs: number, lastTs: number): number {
  return Math.max(1, Math.ceil((lastTs - firstTs) / 1000 / MAX_POINTS));
}

/** The chart time of an epoch-ms timestamp: the start of its bucket, IST-shifted seconds. */
export function chartTime(ts: number, bucketS: number): number {
  const s = Math.floor((ts + IST_OFFSET_MS) / 1000);
  return s - (((s % bucketS) + bucketS) % bucketS);
}

/** Last value per bucket (or the minimum with `keepMin`), in time order; input in time order. */
function bucketed(points: Iterable<{ readonly ts: number; readonly value: number }>, bucketS: number, keepMin = false): LinePoint[] {
  const out: { time: number; value: number }[] = [];
  for (const p of points) {
    const time = chartTime(p.ts, bucketS);
    const last = out[out.length - 1];
    if (last !== undefined && last.time === time) last.value = keepMin ? Math.min(last.value, p.value) : p.value;
    else if (last === undefined || time > last.time) out.push({ time, value: p.value });
  }
  return out;
}

function* drawdownPct(start: number, curve: readonly EquityPoint[]): Generator<{ ts: number; value: number }> {
  let peak = start;
  for (const p of curve) {
    if (p.equity > peak) peak = p.equity;
    yield { ts: p.ts, value: peak > 0 ? ((p.equity - peak) / peak) * 100 : 0 };
  }
}

/** Price lines of the traded instruments, from one pass over the ticks. */
export function priceSeries(ticks: Iterable<PriceTick>, tokens: ReadonlySet<number>, bucketS: number): Map<number, LinePoint[]> {
  const out = new Map<number, { time: number; value: number }[]>();
  for (const token of tokens) out.set(token, []);
  for (const t of ticks) {
    const line = out.get(t.token);
    if (line === undefined || !(t.ltp > 0)) continue;
    const time = chartTime(t.ts, bucketS);
    const last = line[line.length - 1];
    if (last !== undefined && last.time === time) last.value = t.ltp / 100;
    else if (last === undefined || time > last.time) line.push({ time, value: t.ltp / 100 });
  }
  return out;
}

function markersOf(fills: readonly Fill[], exits: ReadonlySet<string>, entries: ReadonlySet<string>, bucketS: number): ChartMarker[] {
  const labelled = fills.length <= MAX_LABELLED_MARKERS;
  return fills.map((f) => {
    const role = [exits.has(f.tradeId) ? 'exit' : '', entries.has(f.tradeId) ? 'entry' : ''].filter((x) => x !== '').join('+');
    const buy = f.side === 'BUY';
    return {
      time: chartTime(f.ts, bucketS),
      position: buy ? 'belowBar' : 'aboveBar',
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: buy ? '#26a269' : '#e01b24',
      text: labelled ? `${f.strategyId}: ${role === '' ? f.side : role} ${f.quantity}` : '',
    };
  });
}

/** Every chart series of the report. `prices` is the tick stream the run used (read once). */
export function reportCharts(
  report: BacktestReport,
  fills: readonly Fill[],
  curves: { readonly total: readonly EquityPoint[]; readonly byStrategy: Readonly<Record<string, readonly EquityPoint[]>> },
  prices: Iterable<PriceTick>,
): ReportCharts {
  const first = report.run.firstTs ?? 0;
  const bucketS = bucketSeconds(first, report.run.lastTs ?? first);
  const start = report.total.metrics.startEquity;
  const equity = bucketed(curves.total.map((p) => ({ ts: p.ts, value: p.equity / 100 })), bucketS);
  const drawdown = bucketed(drawdownPct(start, curves.total), bucketS, true);
  const strategies = report.strategies.map((s) => ({
    id: s.id,
    pnl: bucketed((curves.byStrategy[s.id] ?? []).map((p) => ({ ts: p.ts, value: (p.equity - s.metrics.startEquity) / 100 })), bucketS),
  }));
  const byToken = new Map<number, Fill[]>();
  for (const f of fills) {
    const list = byToken.get(f.token) ?? [];
    list.push(f);
    byToken.set(f.token, list);
  }
  const lines = priceSeries(prices, new Set(byToken.keys()), bucketS);
  const exits = new Set(report.trips.map((t) => t.exitTradeId));
  const entries = new Set([...report.trips.map((t) => t.entryTradeId), ...report.open.map((l) => l.entryTradeId)]);
  const instruments = [...byToken.keys()]
    .sort((a, b) => a - b)
    .map((token): InstrumentChart => {
      const all = byToken.get(token)!.slice().sort((a, b) => a.fillSeq - b.fillSeq);
      const kept = all.slice(0, MAX_MARKERS);
      return { token, prices: lines.get(token) ?? [], markers: markersOf(kept, exits, entries, bucketS), markersDropped: all.length - kept.length };
    });
  return { bucketS, equity, drawdown, strategies, instruments };
}
