// Backtest CLI (`npm run backtest -- …`): strategies of a strategies file over a tick file (any
// replay format) or a synthetic series, run in-process through the pipeline's trading step
// (src/backtest runBacktest, the `inline` topology), with the app's risk, paper and calendar
// settings. Prints the summary per strategy and in total (or the report as JSON with --json),
// optional breakdowns, and writes the self-contained HTML report with --report. Progress goes to
// stderr: a bar on a terminal, plain lines otherwise.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { paperConfigFrom } from '../src/services/engine/config.js';
import { riskLimitsFromConfig } from '../src/services/risk/limits.js';
import { readStrategiesFile, describeConfigError } from '../src/services/strategy/load.js';
import { realClock } from '../src/runtime/clock.js';
import type { StrategyConfig } from '../src/domain/strategy/index.js';
import { BACKTEST_CLI, parseBacktestArgs, type BacktestArgs } from '../src/backtest/backtest-args.js';
import { createProgress } from '../src/backtest/progress.js';
import { breakdownText, buildReport, columnPrices, renderReportHtml, reportCharts, reportEquityEvery, summaryText } from '../src/backtest/report/index.js';
import { columnTicks, describeConfigErrors, liftDailyCaps, runBacktest, syntheticColumns, type BacktestCalendar, type TickColumns } from '../src/backtest/index.js';
import { argsOrHelp, chartsLibrarySource, fail, loadAppConfig, loadTickFile, runAsProgram } from './sweep.js';

const log = (s: string): void => {
  process.stderr.write(`[backtest] ${s}\n`);
};

/** The strategies to run, enabled, in the order asked (every unknown id is reported). */
function pickStrategies(args: BacktestArgs): StrategyConfig[] {
  const file = resolve(args.strategiesFile);
  const configs = readStrategiesFile(file);
  if (!configs.ok) fail(configs.error.map(describeConfigError));
  const all = configs.value;
  if (args.strategies === null) {
    const enabled = all.filter((c) => c.enabled && c.broker === 'paper');
    if (enabled.length === 0) fail([`ERR_CONFIG_INVALID: --strategy: ${file} has no enabled paper strategy; name one with --strategy (available: ${all.map((c) => c.id).join(', ')})`]);
    return enabled;
  }
  const unknown = args.strategies.filter((id) => !all.some((c) => c.id === id));
  if (unknown.length > 0) fail([`ERR_CONFIG_INVALID: --strategy: no strategy ${unknown.map((u) => `"${u}"`).join(', ')} in ${file}; available: ${all.map((c) => c.id).join(', ')}`]);
  return args.strategies.map((id) => ({ ...all.find((c) => c.id === id)!, enabled: true }));
}

/** First and one-past-last index of the ticks inside [from, to] (ticks are in time order). */
function windowOf(cols: TickColumns, from: number | null, to: number | null): { start: number; end: number } {
  let start = 0;
  let end = cols.length;
  if (from !== null) while (start < end && cols.ts[start]! < from) start++;
  if (to !== null) while (end > start && cols.ts[end - 1]! > to) end--;
  return { start, end };
}

async function loadTicks(args: BacktestArgs, strategies: readonly StrategyConfig[], market24x7: boolean, holidays: BacktestCalendar['holidays']): Promise<{ cols: TickColumns; calendar: BacktestCalendar; label: string }> {
  if (args.ticks.kind === 'synthetic') {
    const instruments = [...new Set(strategies.flatMap((s) => s.instruments))];
    log(`generating ${args.ticks.n} synthetic ticks (seed ${args.ticks.seed}) over ${instruments.length} instrument(s)`);
    // Synthetic series run 24x7, as the config does for the synthetic source
    return { cols: syntheticColumns({ seed: args.ticks.seed, n: args.ticks.n, instruments }, false), calendar: { market24x7: true }, label: `synthetic:${args.ticks.seed}:${args.ticks.n}` };
  }
  const file = await loadTickFile(resolve(args.ticks.path));
  return { cols: file.columns, calendar: { market24x7, ...(holidays !== undefined ? { holidays } : {}) }, label: args.ticks.path };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = argsOrHelp(parseBacktestArgs(argv), BACKTEST_CLI);
  if (args === null) return;
  const config = loadAppConfig(args.config);
  const strategies = pickStrategies(args);
  const { cols, calendar, label } = await loadTicks(args, strategies, config.feed.market24x7 ?? false, config.feed.holidays);
  const { start, end } = windowOf(cols, args.from, args.to);
  if (end <= start) fail([`ERR_CONFIG_INVALID: --from/--to: no tick of ${label} falls in the window`]);
  const total = end - start;
  const limits = riskLimitsFromConfig(config.risk);
  const risk = args.riskCaps ? limits : liftDailyCaps(limits);
  log(`${strategies.map((s) => s.id).join(', ')} on ${total} ticks of ${label}${args.riskCaps ? '' : ' (daily risk caps lifted)'}`);
  const progress = createProgress({ total, unit: 'ticks', label: 'backtest', stream: process.stderr, now: () => realClock.monoMs() });
  const t0 = realClock.monoMs();
  const r = runBacktest({
    tickIterator: columnTicks(cols, start, end),
    strategies,
    risk,
    paper: paperConfigFrom(config.paper),
    ...(args.cash !== null ? { startingCash: args.cash } : {}),
    calendar,
    equityEvery: reportEquityEvery(total),
    equityByStrategy: true,
    sampleDayEnds: true,
    onProgress: (done) => progress.update(done),
  });
  progress.stop();
  if (!r.ok) fail(describeConfigErrors(r.error));
  const elapsed = realClock.monoMs() - t0;
  const result = r.value;
  for (const s of result.skipped) log(`skipped ${s.strategyId}: ${s.reason}`);
  log(`${result.ticks} ticks in ${(elapsed / 1000).toFixed(2)} s (${Math.round(result.ticks / Math.max(elapsed / 1000, 1e-3)).toLocaleString('en-US')} ticks/s), ${result.fills.length} fills`);
  const report = buildReport(result, { ticks: label, from: args.from, to: args.to, riskCaps: args.riskCaps });
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const parts = [summaryText(report), ...args.breakdowns.map((k) => breakdownText(report, k))];
    process.stdout.write(`${parts.join('\n\n')}\n`);
  }
  if (args.report !== null) {
    const charts = reportCharts(report, result.fills, { total: result.equity, byStrategy: result.equityByStrategy ?? {} }, columnPrices(cols, start, end));
    const out = resolve(args.report);
    writeFileSync(out, renderReportHtml(report, charts, await chartsLibrarySource()));
    log(`report written to ${out}`);
  }
}

runAsProgram(import.meta.url, 'backtest', main);
