// The report layer over real backtests: the options runBacktest gained for it (per-strategy curves,
// day-end samples, progress) change no trading decision and keep their invariants; the report, its
// text, chart series and HTML agree with the run; the backtest CLI's arguments.
import { describe, expect, it } from 'vitest';
import { runBacktest, syntheticTicks, type BacktestResult } from '../../../src/backtest/index.js';
import { parseBacktestArgs, type BacktestArgs } from '../../../src/backtest/backtest-args.js';
import {
  breakdownText,
  buildReport,
  MAX_POINTS,
  renderReportHtml,
  reportCharts,
  summaryText,
  SUMMARY_ROWS,
} from '../../../src/backtest/report/index.js';
import { istDayNumber } from '../../../src/domain/market-hours/index.js';
import { DEFAULT_DOC } from './fixtures.js';

const IDS = ['momentum_20', 'rsi_14'];
const strategies = DEFAULT_DOC.strategies.filter((s) => IDS.includes((s as { id: string }).id));
// 4000 ticks a minute apart from Friday 09:15 IST: 66 hours, so four IST days and three day changes
const TICKS = [...syntheticTicks({ seed: 'report-unit', n: 4000, gapMs: 60_000 })];
const NO_CAPS = { maxDailyTrades: Number.MAX_SAFE_INTEGER, dailyLossLimit: Number.MAX_SAFE_INTEGER };

function run(extra: Partial<Parameters<typeof runBacktest>[0]> = {}): BacktestResult {
  const r = runBacktest({ ticks: TICKS, strategies, risk: NO_CAPS, equityEvery: 50, ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('runBacktest report options', () => {
  const progress: number[] = [];
  const plain = run();
  const full = run({ equityByStrategy: true, sampleDayEnds: true, onProgress: (n) => progress.push(n) });

  it('change no decision: same fills, orders and totals', () => {
    expect(full.fills).toEqual(plain.fills);
    expect(full.orders).toEqual(plain.orders);
    expect(full.totals).toEqual(plain.totals);
    expect(full.stats).toEqual(plain.stats);
    expect(full.fills.length).toBeGreaterThan(20);
  });

  it('per-strategy curves sum to the total curve at every sample', () => {
    const by = full.equityByStrategy!;
    expect(Object.keys(by)).toEqual(IDS);
    for (const [k, p] of full.equity.entries()) {
      expect(IDS.map((id) => by[id]![k]!.tick)).toEqual([p.tick, p.tick]);
      expect(IDS.reduce((a, id) => a + by[id]![k]!.equity, 0)).toBe(p.equity);
    }
  });

  it('samples the last tick of every IST day, and reports progress up to the last tick', () => {
    const ticks = new Set(full.equity.map((p) => p.tick));
    let dayEnds = 0;
    for (let i = 1; i < TICKS.length; i++) {
      if (istDayNumber(TICKS[i]!.exchangeTs) !== istDayNumber(TICKS[i - 1]!.exchangeTs)) {
        dayEnds++;
        expect(ticks.has(i - 1)).toBe(true);
      }
    }
    expect(dayEnds).toBe(3);
    expect(progress[progress.length - 1]).toBe(TICKS.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('builds a report whose parts agree with the run', () => {
    const report = buildReport(full, { ticks: 'synthetic:report-unit:4000', from: null, to: null, riskCaps: false });
    const t = report.total.metrics;
    expect(t.netPnl).toBe(full.stats.netPnl);
    expect(t.endEquity).toBe(full.stats.endEquity);
    expect(t.fees).toBe(full.stats.fees);
    expect(report.strategies.reduce((a, s) => a + s.metrics.netPnl, 0)).toBe(t.netPnl);
    expect(report.strategies.reduce((a, s) => a + s.metrics.trades.roundTrips, 0)).toBe(t.trades.roundTrips);
    expect(t.daily).toHaveLength(4);
    expect(t.sharpe).not.toBeNull();
    // the daily closes chain from the start to the end equity
    expect(t.daily[t.daily.length - 1]!.close).toBe(t.endEquity);
    expect(t.daily.reduce((a, d) => a + d.pnl, 0)).toBe(t.netPnl);
    // the run's exact tick-by-tick drawdown bounds the one of the samples
    expect(t.drawdown.amount).toBeLessThanOrEqual(full.stats.maxDrawdown);

    const text = summaryText(report);
    const lines = text.split('\n');
    expect(lines).toHaveLength(SUMMARY_ROWS.length + 2);
    expect(new Set(lines.slice(2).map((l) => l.length)).size).toBe(1); // right-aligned columns end together
    expect(lines[0]).toMatch(/momentum_20\s+rsi_14\s+total$/);
    expect(breakdownText(report, 'day').split('\n')).toHaveLength(2 + 1 + report.total.byDay.length);

    const charts = reportCharts(report, full.fills, { total: full.equity, byStrategy: full.equityByStrategy! }, TICKS.map((x) => ({ token: x.token, ts: x.exchangeTs, ltp: x.ltp })));
    for (const line of [charts.equity, charts.drawdown, ...charts.strategies.map((s) => s.pnl), ...charts.instruments.map((i) => i.prices)]) {
      expect(line.length).toBeGreaterThan(0);
      expect(line.length).toBeLessThanOrEqual(MAX_POINTS + 1);
      for (let i = 1; i < line.length; i++) expect(line[i]!.time).toBeGreaterThan(line[i - 1]!.time);
    }
    for (const inst of charts.instruments) {
      const times = new Set(inst.prices.map((p) => p.time));
      for (const m of inst.markers) expect(times.has(m.time)).toBe(true);
    }
    expect(charts.instruments.reduce((a, i) => a + i.markers.length + i.markersDropped, 0)).toBe(full.fills.length);

    const html = renderReportHtml(report, charts, '/* lib </script> */');
    expect(html).not.toContain('lib </script>');
    expect(html.match(/data-metric="/g)).toHaveLength(SUMMARY_ROWS.length * 3);
    expect(html).toContain(`data-scope="total" data-metric="netPnl" data-value="${t.netPnl}"`);
  });
});

describe('backtest arguments', () => {
  const ok = (argv: string[]): BacktestArgs => {
    const r = parseBacktestArgs(argv);
    if (!r.ok || r.value === 'help') throw new Error(JSON.stringify(r));
    return r.value;
  };

  it('reads every option; a bare --to date covers its whole IST day', () => {
    const a = ok(['--strategy', 'a,b', '--ticks', 'synthetic:s:10', '--from', '2025-01-24', '--to', '2025-01-24', '--cash', '2500.50', '--no-risk-caps', '--breakdown', 'day', '--breakdown', 'instrument', '--report', 'r.html', '--json']);
    expect(a).toMatchObject({ strategies: ['a', 'b'], ticks: { kind: 'synthetic', seed: 's', n: 10 }, cash: 2500.5, riskCaps: false, breakdowns: ['day', 'instrument'], report: 'r.html', json: true });
    expect(a.from).toBe(1_737_657_000_000); // 2025-01-24 00:00 IST
    expect(a.to).toBe(1_737_657_000_000 + 86_400_000 - 1);
    expect(ok(['--ticks', 'f.jsonl', '--from', '2025-01-24T09:15']).from).toBe(1_737_690_300_000);
    expect(ok(['--ticks', 'f.jsonl'])).toMatchObject({ strategies: null, riskCaps: true, breakdowns: [], report: null, json: false, cash: null });
  });

  it('reports every problem at once', () => {
    const r = parseBacktestArgs(['--strategy', 'a,,b', '--from', '2025-02-30', '--cash', '0', '--breakdown', 'month', '--tick', 'x']);
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.error.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['--strategy', '--ticks', '--from', '--cash', '--breakdown #1', '--tick']));
    const order = parseBacktestArgs(['--ticks', 'f', '--from', '2025-01-25', '--to', '2025-01-24']);
    expect(order.ok ? [] : order.error.map((e) => `${e.path}: ${e.message}`)).toEqual(['--to: is before --from']);
    expect(parseBacktestArgs(['--help', '--bogus'])).toEqual({ ok: true, value: 'help' });
  });
});
