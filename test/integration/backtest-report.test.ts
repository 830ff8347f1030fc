// The backtest CLI end to end (node dist/actors/backtest.js as a child process) and its HTML report
// in headless Chromium: the JSON document on stdout matches the same run in process, the page
// opened from its file draws every chart with data (canvases with ink), and each summary cell shows
// the figure of the JSON document. Screenshot: a temp file, copied to docs/backtest-report.png
// only with UPDATE_SCREENSHOT=1 (the committed one is refreshed by hand, not by every test run).
// Bad arguments exit 2 with every problem listed. Build first (the CLI runs from dist/).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fmtMoney, SUMMARY_ROWS, type BacktestReport } from '../../src/backtest/report/index.js';
import { tradingDay } from '../../src/domain/market-hours/index.js';
import { writeReplayFile } from '../fixtures/pipeline-harness.js';
import { projectRoot } from '../../src/runtime/system.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { tempDir } from '../support/system.js';

const root = projectRoot();
const INSTRUMENTS = [738561, 408065, 81153, 1270529, 492033, 2815745, 4267265, 177665, 3861249, 225537, 1346049, 2939649, 140033, 3050241, 1195009, 857857, 424961, 2714625];

function backtest(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist/actors/backtest.js'), ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('backtest CLI and HTML report', () => {
  let dir: { path: string; cleanup: () => void };
  let browser: Browser;
  let report: BacktestReport;
  let html: string;

  beforeAll(async () => {
    dir = tempDir('bt-report-');
    html = join(dir.path, 'report.html');
    // 60 000 synthetic ticks (100 min of one day, about 1 s of backtest); two strategies so the
    // total column and the per-strategy chart exist; no daily caps so both trade all along
    const r = backtest(['--strategy', 'momentum_20,rsi_14', '--ticks', 'synthetic:report-test:60000', '--no-risk-caps', '--report', html, '--json']);
    expect(r.code, r.stderr).toBe(0);
    report = JSON.parse(r.stdout) as BacktestReport;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    dir?.cleanup();
  });

  it('prints a JSON report with both strategies, the total, and progress only on stderr', () => {
    expect(report.kind).toBe('alpha-panda/backtest-report');
    expect(report.strategies.map((s) => s.id)).toEqual(['momentum_20', 'rsi_14']);
    expect(report.run.ticks).toBe(60_000);
    const t = report.total.metrics;
    expect(t.fills).toBeGreaterThan(0);
    expect(t.trades.roundTrips).toBeGreaterThan(0);
    // realized and unrealized stay apart, and add up to the change of equity
    expect(t.netRealizedPnl + t.unrealizedPnl).toBe(t.endEquity - t.startEquity);
    expect(report.strategies.reduce((a, s) => a + s.metrics.netPnl, 0)).toBe(t.netPnl);
    expect(report.trips.length).toBe(t.trades.roundTrips);
  });

  it('renders every chart with data and shows the JSON figures in the summary', async () => {
    const { ctx, page, errors } = await openPage(browser, pathToFileURL(html).href);
    try {
      await page.waitForFunction(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset['rendered'] === 'true', undefined, { timeout: 30_000 });
      for (const id of ['chart-equity', 'chart-drawdown', 'chart-strategies', 'chart-price']) {
        // The largest canvas of the chart is its plot pane: count pixels that are not background
        const inked = await page.evaluate((chartId) => {
          type Canvas = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
          const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Canvas> } }).document;
          const canvases = Array.from(doc.querySelectorAll(`#${chartId} canvas`));
          const pane = canvases.sort((a, b) => b.width * b.height - a.width * a.height)[0];
          if (pane === undefined || pane.width === 0) return -1;
          const d = pane.getContext('2d').getImageData(0, 0, pane.width, pane.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200)) n++;
          return n;
        }, id);
        expect(inked, `${id} has no drawn data`).toBeGreaterThan(200);
      }
      const embedded = (await page.evaluate(() => JSON.parse((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }).document.getElementById('report-data').textContent))) as {
        charts: { equity: unknown[]; drawdown: unknown[]; instruments: { markers: unknown[] }[] };
      };
      expect(embedded.charts.equity.length).toBeGreaterThan(10);
      expect(embedded.charts.instruments.length).toBeGreaterThan(0);
      expect(embedded.charts.instruments.some((i) => i.markers.length > 0)).toBe(true);

      const cells = await page.$$eval('#summary td[data-metric]', (tds) =>
        tds.map((td) => {
          const e = td as unknown as { dataset: Record<string, string>; textContent: string };
          return { scope: e.dataset['scope']!, metric: e.dataset['metric']!, value: e.dataset['value']!, text: e.textContent };
        }),
      );
      expect(cells).toHaveLength(SUMMARY_ROWS.length * 3);
      const scopes = new Map([...report.strategies, report.total].map((s) => [s.id, s.metrics]));
      for (const c of cells) {
        const row = SUMMARY_ROWS.find((r) => r.key === c.metric)!;
        const v = row.value(scopes.get(c.scope)!);
        expect(c.value, `${c.scope} ${c.metric}`).toBe(v === null ? '' : String(v));
        expect(c.text, `${c.scope} ${c.metric}`).toBe(row.format(v));
      }
      expect(await page.locator('#trades tbody tr').count()).toBe(Math.min(report.trips.length, 2000));
      const shot = join(dir.path, 'backtest-report.png');
      await page.screenshot({ path: shot, fullPage: false });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      if (process.env['UPDATE_SCREENSHOT'] === '1') copyFileSync(shot, join(root, 'docs/backtest-report.png'));
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('backtests a replay file inside a --from/--to window and prints the tables', () => {
    const file = join(dir.path, 'ticks.jsonl');
    // 6 000 ticks 30 s apart over 18 instruments: 50 hours from the harness' start, three IST days
    const ticks = writeReplayFile(file, INSTRUMENTS, 6000, 30_000, 'bt-file');
    const day = tradingDay(ticks[3000]!.exchangeTs);
    const inDay = ticks.filter((t) => tradingDay(t.exchangeTs) === day).length;
    const common = ['--strategy', 'mean_reversion_20', '--ticks', file, '--from', day, '--to', day, '--no-risk-caps'];
    const json = backtest([...common, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout) as BacktestReport;
    expect(r.run.ticks).toBe(inDay);
    expect(tradingDay(r.run.firstTs!)).toBe(day);
    expect(tradingDay(r.run.lastTs!)).toBe(day);
    const text = backtest([...common, '--breakdown', 'instrument']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+mean_reversion_20$/);
    expect(lines.find((l) => l.startsWith('net PnL ₹'))).toMatch(new RegExp(`${fmtMoney(r.total.metrics.netPnl).replace(/[.]/g, '\\.')}$`));
    expect(text.stdout).toContain('by instrument (all strategies, closed trips):');
    expect(text.stderr).toMatch(/^\[backtest\] 100% /m);
  });

  it('exits 2 listing every bad argument, and names unknown strategies', () => {
    const r = backtest(['--ticks', 'synthetic:x:0', '--breakdown', 'week', '--cash', '-5', '--from', '2025-13-01']);
    expect(r.code).toBe(2);
    for (const opt of ['--ticks', '--breakdown #1', '--cash', '--from']) expect(r.stderr).toContain(`ERR_CONFIG_INVALID: ${opt}:`);
    const u = backtest(['--strategy', 'nope', '--ticks', 'synthetic:x:10']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/no strategy "nope" in .*available: momentum_20/);
    expect(existsSync(join(root, 'nope'))).toBe(false);
  });
});
