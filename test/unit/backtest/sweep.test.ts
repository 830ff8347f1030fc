// Sweep building blocks: the parameter grid, param overrides, and the sweep task's summary stats
// on known series (flat: nothing happens; rising then falling: exact PnL from the fills).
import { describe, expect, it } from 'vitest';
import {
  describeSet,
  expandGrid,
  gridSize,
  packTicks,
  parseParamValue,
  rankOutcomes,
  renderHeatmapHtml,
  runBacktest,
  runSweepTask,
  SeriesCache,
  sweepJson,
  sweepTable,
  syntheticColumns,
  withParams,
  type SweepOutcome,
  type SweepTask,
} from '../../../src/backtest/index.js';
import type { StrategyConfig } from '../../../src/domain/strategy/index.js';
import { series } from './fixtures.js';

const momentum: StrategyConfig = {
  id: 'mom',
  type: 'momentum',
  broker: 'paper',
  instruments: [408065],
  params: { lookback_periods: 5, threshold: 0.001, position_size: 10 },
  enabled: true,
};
const columnsTask = (prices: readonly number[], strategy = momentum): SweepTask => ({
  id: 0,
  params: {},
  strategy,
  source: { kind: 'columns', columns: packTicks(series(408065, prices)), calendar: { market24x7: true } },
  risk: { maxDailyTrades: 10_000 },
  paper: {},
});
const ok = (o: SweepOutcome): Extract<SweepOutcome, { ok: true }> => {
  if (!o.ok) throw new Error(o.errors.join('; '));
  return o;
};

describe('parameter grid', () => {
  it('expands axes first-slowest and writes dotted keys into nested params without mutating', () => {
    const axes = [
      { key: 'threshold', values: [0.001, 0.002] },
      { key: 'rules_config.lookback_periods', values: [10, 20, 30] },
    ];
    expect(gridSize(axes)).toBe(6);
    const grid = expandGrid(axes);
    expect(grid[0]).toEqual({ threshold: 0.001, 'rules_config.lookback_periods': 10 });
    expect(grid[3]).toEqual({ threshold: 0.002, 'rules_config.lookback_periods': 10 });
    const cfg = { ...momentum, params: { threshold: 0.5, rules_config: { lookback_periods: 5, threshold: 0.1 } } };
    const out = withParams(cfg, grid[5]!);
    expect(out.params).toEqual({ threshold: 0.002, rules_config: { lookback_periods: 30, threshold: 0.1 } });
    expect(cfg.params).toEqual({ threshold: 0.5, rules_config: { lookback_periods: 5, threshold: 0.1 } });
    expect(expandGrid([])).toEqual([{}]);
    expect(describeSet(grid[1]!)).toBe('threshold=0.001 rules_config.lookback_periods=20');
  });

  it('parses numbers, booleans and words', () => {
    expect([parseParamValue('0.002'), parseParamValue('-1e-3'), parseParamValue('20'), parseParamValue('true'), parseParamValue('limit')]).toEqual([0.002, -0.001, 20, true, 'limit']);
  });
});

describe('sweep task', () => {
  it('reports nothing at all on a flat series', () => {
    const o = ok(runSweepTask(columnsTask(Array.from({ length: 200 }, () => 250_000))));
    expect(o.ticks).toBe(200);
    expect(o.signals).toEqual({ generated: 0, validated: 0, rejected: 0 });
    expect(o.stats).toMatchObject({ netPnl: 0, fees: 0, fills: 0, closedTrades: 0, wins: 0, winRate: 0, maxDrawdown: 0, maxDrawdownPct: 0 });
  });

  it('reports the exact PnL of a rise then a fall (buys, then sells that close them)', () => {
    const up = Array.from({ length: 30 }, (_, i) => 250_000 + i * 1_000);
    const down = Array.from({ length: 30 }, (_, i) => 279_000 - i * 1_500);
    const prices = [...up, ...down];
    const o = ok(runSweepTask(columnsTask(prices)));
    const full = runBacktest({ ticks: series(408065, prices), strategies: [momentum], risk: { maxDailyTrades: 10_000 } });
    if (!full.ok) throw new Error('config');
    const fills = full.value.fills;
    expect(fills.some((f) => f.side === 'BUY') && fills.some((f) => f.side === 'SELL')).toBe(true);
    // Net PnL from the fills alone: cash flows plus the open quantity at the last price
    const last = prices[prices.length - 1]!;
    const cash = fills.reduce((s, f) => s + (f.side === 'BUY' ? -1 : 1) * f.price * f.quantity - f.fees, 0);
    const held = fills.reduce((s, f) => s + (f.side === 'BUY' ? f.quantity : -f.quantity), 0);
    expect(o.stats.netPnl).toBe(cash + held * last);
    expect(o.stats.fees).toBe(fills.reduce((s, f) => s + f.fees, 0));
    expect(o.stats.fills).toBe(fills.length);
    expect(o.stats.closedTrades).toBe(fills.filter((f) => f.side === 'SELL').length);
    expect(o.stats.winRate).toBeGreaterThanOrEqual(0);
    expect(o.stats.winRate).toBeLessThanOrEqual(1);
    expect(o.stats.maxDrawdown).toBeGreaterThan(0);
    expect(o.stats).toEqual(full.value.stats);
    // the ranking metrics are the backtest report's: net PnL agrees, round trips come from the fills
    expect(o.metrics['netPnl']).toBe(o.stats.netPnl);
    expect(o.metrics['fills']).toBe(fills.length);
    expect(o.metrics['roundTrips']).toBeGreaterThan(0);
  });

  it('runs a synthetic spec like the same series in columns, generating it once per cache', () => {
    const spec = { seed: 'sweep-unit', n: 3000, instruments: [408065, 81153] };
    const strategy = { ...momentum, instruments: [408065, 81153] };
    const base = { id: 1, params: { threshold: 0.001 }, strategy, risk: {}, paper: {} };
    const cache = new SeriesCache();
    const a = ok(runSweepTask({ ...base, source: { kind: 'synthetic', spec } }, cache));
    const cols = cache.columns(spec);
    expect(cache.columns({ ...spec })).toBe(cols);
    const b = ok(runSweepTask({ ...base, source: { kind: 'columns', columns: syntheticColumns(spec), calendar: { market24x7: true } } }));
    expect(a).toEqual(b);
    expect(a.ticks).toBe(3000);
  });

  it('returns a bad parameter set as errors, not a throw', () => {
    const o = runSweepTask(columnsTask([1, 2, 3], withParams(momentum, { threshold: -1 })));
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.errors[0]).toMatch(/^ERR_STRATEGY_CONFIG: .*threshold/);
  });
});

describe('sweep report', () => {
  const row = (id: number, netPnl: number): SweepOutcome => ({
    id,
    params: { threshold: id / 1000 },
    ok: true,
    ticks: 10,
    stats: { netPnl, fees: 5, fills: 2, closedTrades: 1, wins: 1, winRate: 1, maxDrawdown: 3, maxDrawdownPct: 0.01, startEquity: 100, endEquity: 100 + netPnl },
    signals: { generated: 2, validated: 2, rejected: 0 },
    orders: 2,
    metrics: { netPnl, roundTrips: 1, winRate: 1, sharpe: id === 0 ? null : id },
  });
  it('ranks by net PnL, best first, ties by id; JSON and table agree', () => {
    const outcomes = [row(0, -50), row(1, 120_00), row(2, 120_00), { id: 3, params: { threshold: 9 }, ok: false as const, errors: ['bad'] }];
    expect(rankOutcomes(outcomes).map((o) => o.id)).toEqual([1, 2, 0]);
    const json = sweepJson('mom', 'synthetic:x:10', outcomes) as { ranked: { rank: number; netPnlPaise: number }[]; failed: unknown[] };
    expect(json.ranked.map((r) => [r.rank, r.netPnlPaise])).toEqual([[1, 12000], [2, 12000], [3, -50]]);
    expect(json.failed).toEqual([{ params: { threshold: 9 }, errors: ['bad'] }]);
    const lines = sweepTable([{ key: 'threshold', values: [] }], outcomes).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^1\s+0\.001\s+120\.00/);
    expect(lines[4]).toMatch(/^3\s+0\s+-0\.50/);
  });
});

describe('sweep ranking by any metric and the heatmap', () => {
  const ok = (id: number, a: number, b: number, metrics: Record<string, number | null>): SweepOutcome => ({
    id,
    params: { a, b },
    ok: true,
    ticks: 10,
    stats: { netPnl: metrics['netPnl'] ?? 0, fees: 0, fills: 0, closedTrades: 0, wins: 0, winRate: 0, maxDrawdown: 0, maxDrawdownPct: 0, startEquity: 100, endEquity: 100 },
    signals: { generated: 0, validated: 0, rejected: 0 },
    orders: 0,
    metrics,
  });
  const outcomes: SweepOutcome[] = [
    ok(0, 1, 10, { netPnl: 5, sharpe: 0.5, maxDrawdownPct: 0.2 }),
    ok(1, 1, 20, { netPnl: 9, sharpe: null, maxDrawdownPct: 0.1 }),
    ok(2, 2, 10, { netPnl: -3, sharpe: 1.5, maxDrawdownPct: 0.3 }),
    { id: 3, params: { a: 2, b: 20 }, ok: false, errors: ['bad <set>'] },
  ];

  it('ranks by the chosen metric and direction, missing figures last', () => {
    expect(rankOutcomes(outcomes, { key: 'sharpe', dir: 'desc' }).map((o) => o.id)).toEqual([2, 0, 1]);
    expect(rankOutcomes(outcomes, { key: 'maxDrawdownPct', dir: 'asc' }).map((o) => o.id)).toEqual([1, 0, 2]);
    const lines = sweepTable([{ key: 'a', values: [] }, { key: 'b', values: [] }], outcomes, { key: 'maxDrawdownPct', dir: 'asc' }).split('\n');
    expect(lines[0]).toMatch(/Sharpe/);
    expect(lines[2]).toMatch(/^1\s+1\s+20\s/);
  });

  it('draws one cell per combination, coloured best-green in the ranking direction', () => {
    const html = renderHeatmapHtml({ strategy: 'm', ticks: 't', axes: [{ key: 'a', values: [1, 2] }, { key: 'b', values: [10, 20] }], outcomes, sort: { key: 'sharpe', dir: 'desc' } });
    const cells = [...html.matchAll(/<td data-row="([^"]*)" data-col="([^"]*)" data-value="([^"]*)"([^>]*)>([^<]*)</g)].map((m) => ({ row: m[1], col: m[2], value: m[3], attrs: m[4], text: m[5] }));
    expect(cells.map((c) => [c.row, c.col, c.value, c.text])).toEqual([
      ['1', '10', '0.5', '0.50'],
      ['1', '20', '', '—'],
      ['2', '10', '1.5', '1.50'],
      ['2', '20', '', 'failed'],
    ]);
    expect(cells[2]!.attrs).toContain('rgb(70,180,110)'); // the best is full green
    expect(cells[0]!.attrs).toContain('rgb(230,90,90)'); // the worst is full red
    expect(html).toContain('title="bad &#60;set&#62;"');
    expect(() => renderHeatmapHtml({ strategy: 'm', ticks: 't', axes: [{ key: 'a', values: [1] }], outcomes, sort: { key: 'sharpe', dir: 'desc' } })).toThrow(RangeError);
  });
});
