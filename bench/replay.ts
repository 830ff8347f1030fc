// Replay suite (G7): one deterministic dataset (quick 50k ticks, full 2M ticks over the 20 default
// instruments, one NSE session) through (i) the in-process backtest (src/backtest: same strategy,
// risk, paper broker and portfolio code, simulated clock) and (ii) the real actor pipeline replaying
// the same JSONL file at max pace; ticks/s of each, their ratio, and a fill-by-fill identity check
// (tradeId, price, qty, fees) between the two paths and across runs. Default strategies and config.
import { columnTicks, compareFills, runBacktest, type BacktestInput, type BacktestResult, type FillComparison } from '../src/backtest/index.js';
import type { StrategyConfig } from '../src/domain/strategy/index.js';
import type { Fill } from '../src/domain/types.js';
import { istDay } from '../src/domain/risk/index.js';
import { paperConfigFrom } from '../src/services/engine/config.js';
import { riskLimitsFromConfig } from '../src/services/risk/limits.js';
import { readStrategiesFile } from '../src/services/strategy/load.js';
import { readTickFile } from '../actors/sweep.js';
import { GcMeter, type GcStats } from './harness/gc.js';
import { mdTable, rate, ratio, spread, textTable, type Spread } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult, resultHeader } from './harness/suite.js';
import { makeDataset } from './replay-data.js';
import { diagnose, type Divergence } from './replay-diagnose.js';
import { pipelineConfig, runPipelineReplay, type PipelineRun } from './replay-pipeline.js';

const QUICK_N = 20_000;
const FULL_N = 1_000_000;
/** Ticks of the checkpoint-tax runs. */
const TAX_N = 100_000;
/**
 * Daily trade cap lifted (as the pipeline replay test does) so risk keeps judging the whole file.
 * The pipeline runs in the default topology, split (strategy runner → trading core), and once per
 * run in fused: both exact by construction (fills reach risk synchronously in the trading core), so
 * the position and daily-loss limits bind exactly as in the backtest.
 */
const ENV = { RISK__MAX_DAILY_TRADES: '1000000' };
/**
 * Control run: the two fill-dependent risk limits (position, daily loss) lifted out of reach, so no
 * verdict can depend on when fills reach risk; everything else as above.
 */
const CONTROL_ENV = { ...ENV, RISK__MAX_POSITION: '1000000000', RISK__DAILY_LOSS_LIMIT: '1000000000' };

interface BtRun {
  readonly ms: number;
  readonly perSec: number;
  readonly gc: GcStats;
  /** Same fills and net PnL as the first in-process run (determinism across runs and paths). */
  readonly sameAsFirst: boolean;
}

/** What is kept of a pipeline run once its fills were compared. */
type PipeSummary = Omit<PipelineRun, 'fills' | 'orders'> & { readonly fills: number; readonly orders: number; readonly agreesWithFirstRun: boolean };

function summarise(p: PipelineRun, agreesWithFirstRun: boolean): PipeSummary {
  const { fills, orders, ...rest } = p;
  return { ...rest, fills: fills.length, orders: orders.size, agreesWithFirstRun };
}

/** One timed backtest with its GC meter (the meter is read after the clock stops). */
async function timedBacktest(input: BacktestInput, n: number): Promise<{ ms: number; perSec: number; gc: GcStats; result: BacktestResult }> {
  const gc = new GcMeter();
  gc.start();
  const t0 = performance.now();
  const r = runBacktest(input);
  const ms = performance.now() - t0;
  const stats = await gc.stop();
  if (!r.ok) throw new Error(`backtest config: ${JSON.stringify(r.error)}`);
  return { ms, perSec: (n * 1000) / ms, gc: stats, result: r.value };
}

const range = (s: Spread): string => (s.runs.length > 1 ? `${rate(s.min)} – ${rate(s.max)}` : '—');

export const replaySuite: BenchSuite = {
  name: 'replay',
  title: 'Backtest replay: in-process vs actor pipeline, identical fills (G7)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const n = ctx.quick ? QUICK_N : FULL_N;
    const runs = ctx.quick ? 1 : ctx.runs;
    ctx.log(`replay: generating ${n} ticks`);
    const data = await makeDataset(n, 'bench-replay');
    try {
      // The backtest gets exactly the pipeline's settings: same loader, same env overlay
      const settings = (env: Record<string, string>): Omit<BacktestInput, 'ticks' | 'tickIterator' | 'strategies'> & { readonly strategies: readonly StrategyConfig[] } => {
        const config = pipelineConfig('/nonexistent', data.file, env);
        const strategies = readStrategiesFile(config.strategies.file);
        if (!strategies.ok) throw new Error(`strategies: ${JSON.stringify(strategies.error)}`);
        return {
          strategies: strategies.value,
          risk: riskLimitsFromConfig(config.risk),
          paper: paperConfigFrom(config.paper),
          calendar: { market24x7: config.feed.market24x7 ?? false, holidays: config.feed.holidays },
        };
      };
      const base = settings(ENV);

      // Timed backtests: the first run's result is the reference; later runs are compared to it
      // and dropped (their fills are the bulk of the memory)
      const mem: BtRun[] = [];
      const file: BtRun[] = [];
      let first: BacktestResult | null = null;
      for (let i = 0; i < runs; i++) {
        ctx.log(`replay: in-process backtest run ${i + 1}/${runs}`);
        const t = await timedBacktest({ ...base, tickIterator: columnTicks(data.columns) }, n);
        first ??= t.result;
        mem.push({ ms: t.ms, perSec: t.perSec, gc: t.gc, sameAsFirst: compareFills(first.fills, t.result.fills).identical && t.result.stats.netPnl === first.stats.netPnl });
        ctx.log(`replay: backtest from the JSONL file (decode included) run ${i + 1}/${runs}`);
        const gc = new GcMeter();
        gc.start();
        const f0 = performance.now();
        const tf = await readTickFile(data.file);
        const r = runBacktest({ ...base, tickIterator: columnTicks(tf.columns), keepFills: false, equityEvery: 0 });
        const ms = performance.now() - f0;
        if (!r.ok || tf.badLines > 0) throw new Error('backtest from file failed');
        file.push({ ms, perSec: (n * 1000) / ms, gc: await gc.stop(), sameAsFirst: r.value.stats.fills === first.stats.fills && r.value.stats.netPnl === first.stats.netPnl });
      }
      const reference = first!;
      const btDeterministic = [...mem, ...file].every((m) => m.sameAsFirst);
      // Lighter workloads for G7's absolute bounds: the loop alone, and one momentum strategy
      const light = async (strategies: readonly unknown[]): Promise<Spread> => {
        const rates: number[] = [];
        for (let i = 0; i < runs; i++) rates.push((await timedBacktest({ ...base, strategies, tickIterator: columnTicks(data.columns), keepFills: false }, n)).perSec);
        return spread(rates);
      };
      ctx.log('replay: in-process backtest, no strategy and momentum_20 alone');
      const trivialRate = await light([]);
      const momentumRate = await light(base.strategies.filter((c) => c.id === 'momentum_20'));

      // Pipeline runs: fills are compared as each run ends, then dropped (2M ticks make 100k+ fills
      // and orders per run); only the first run's fills and the first divergent run stay
      const pipe: PipeSummary[] = [];
      const cmps: FillComparison[] = [];
      let firstFills: readonly Fill[] | null = null;
      let divergent: PipelineRun | null = null;
      for (let i = 0; i < runs; i++) {
        ctx.log(`replay: actor pipeline run ${i + 1}/${runs}`);
        const p = await runPipelineReplay(data.file, n, ENV, ctx.log);
        const cmp = compareFills(reference.fills, p.fills);
        cmps.push(cmp);
        firstFills ??= p.fills;
        pipe.push(summarise(p, compareFills(firstFills, p.fills).identical));
        if (!cmp.identical && divergent === null) divergent = p;
      }
      firstFills = null;
      const identical = cmps.every((c) => c.identical);
      const pipesAgree = pipe.every((p) => p.agreesWithFirstRun);
      let divergence: Divergence | null = null;
      const bad = cmps.findIndex((c) => !c.identical);
      if (divergent !== null) {
        ctx.log('replay: fills differ; tracing the backtest to find the first divergent signal');
        const traced = runBacktest({ ...base, tickIterator: columnTicks(data.columns), traceSignals: true, equityEvery: 0, keepFills: false });
        const p = divergent;
        // The risk state's daily PnL after the run belongs to the last tick's day (fills carry tick time)
        const evidence = { orders: p.orders, riskAheadTicks: p.riskAheadTicks, riskPnlDay: p.riskPnlDay, lastTickDay: istDay(data.columns.ts[n - 1]!) };
        if (traced.ok) divergence = diagnose(traced.value, evidence, cmps[bad]!);
        divergent = null;
      }
      // Control: with the fill-dependent limits out of reach the two paths must agree exactly
      ctx.log('replay: control run (position and daily-loss limits lifted), backtest and pipeline');
      const control = runBacktest({ ...settings(CONTROL_ENV), tickIterator: columnTicks(data.columns), equityEvery: 0 });
      if (!control.ok) throw new Error('control backtest failed');
      const controlPipe = await runPipelineReplay(data.file, n, CONTROL_ENV, ctx.log);
      const controlCmp = compareFills(control.value.fills, controlPipe.fills);

      // The fused topology on the same file (the strategies inside the trading core)
      const fusedRates: number[] = [];
      let fusedIdentical = true;
      for (let i = 0; i < runs; i++) {
        ctx.log(`replay: fused trading core run ${i + 1}/${runs}`);
        const f = await runPipelineReplay(data.file, n, { ...ENV, RUNTIME__TOPOLOGY: 'fused' }, ctx.log);
        fusedRates.push(f.ticksPerSec);
        fusedIdentical &&= compareFills(reference.fills, f.fills).identical;
      }
      const fusedRate = spread(fusedRates);

      // Checkpoint tax: the split pipeline's saturation with checkpoints (and the runner's cuts) every
      // 50 ms vs (practically) none
      // during the run (one every 20 s; the tick ring holds the whole file, so unreleased ticks never
      // stall the feed)
      const taxN = Math.min(n, TAX_N);
      ctx.log(`replay: checkpoint tax, ${taxN} ticks, checkpoints every 50 ms vs every 20 s`);
      const taxData = await makeDataset(taxN, 'alpha-panda-replay-tax');
      const taxRuns: { on: number[]; off: number[] } = { on: [], off: [] };
      try {
        const ring = String(2 ** Math.ceil(Math.log2(taxN + 1)));
        for (let i = 0; i < runs; i++) {
          for (const [k, interval] of [['on', '50'], ['off', '20000']] as const) {
            // The rings hold a whole interval of input: a checkpoint releases what it covers, so
            // with one every 20 s the tick and signal rings must hold the file
            const r = await runPipelineReplay(taxData.file, taxN, { ...ENV, RUNTIME__CHECKPOINT_INTERVAL_MS: interval, RUNTIME__TICK_RING_CAPACITY: ring, RUNTIME__EVENT_RING_CAPACITY: ring }, ctx.log);
            taxRuns[k].push(r.ticksPerSec);
          }
        }
      } finally {
        taxData.cleanup();
      }
      const taxOn = spread(taxRuns.on);
      const taxOff = spread(taxRuns.off);
      const tax = taxOn.median / taxOff.median;

      // ------------------------------------------------------------ goals
      const memRate = spread(mem.map((m) => m.perSec));
      const fileRate = spread(file.map((m) => m.perSec));
      const pipeRate = spread(pipe.map((p) => p.ticksPerSec));
      const gap = memRate.median / pipeRate.median;
      const gapFile = fileRate.median / pipeRate.median;
      const goals: GoalCheck[] = [
        { id: 'G7a', what: 'in-process ticks/s ÷ pipeline ticks/s (transport overhead)', measured: ratio(gap), floor: '≤ 3× (report)', stretch: '—', verdict: verdict(gap, 3, 0, true) },
        { id: 'G7a file', what: 'same, backtest decoding the JSONL file too', measured: ratio(gapFile), floor: '≤ 3× (report)', stretch: '—', verdict: verdict(gapFile, 3, 0, true) },
        {
          id: 'REPLAY split/inline',
          what: `exact replay through the split topology (strategy runner → trading core, ${n} ticks, 6 default strategies) ÷ inline (same step in one thread)`,
          measured: `${rate(pipeRate.median)} ÷ ${rate(memRate.median)} = ${ratio(1 / gap)}`,
          floor: '≥ 1/2 and ≥ 200 k/s',
          stretch: '—',
          verdict: 1 / gap >= 0.5 && pipeRate.median >= 200_000 ? 'pass' : 'fail',
          value: Math.round(pipeRate.median),
          unit: 'ticks/s',
        },
        {
          id: 'REPLAY fused/inline',
          what: `exact replay through the fused trading core (same file; fills ${fusedIdentical ? 'identical to' : 'DIFFERENT from'} the backtest's) ÷ inline`,
          measured: `${rate(fusedRate.median)} ÷ ${rate(memRate.median)} = ${ratio(fusedRate.median / memRate.median)}`,
          floor: '≥ 1/2 and ≥ 200 k/s',
          stretch: '—',
          verdict: fusedIdentical && fusedRate.median / memRate.median >= 0.5 && fusedRate.median >= 200_000 ? 'pass' : 'fail',
          value: Math.round(fusedRate.median),
          unit: 'ticks/s',
        },
        {
          id: 'CKPT tax',
          what: `split saturation with checkpoints every 50 ms ÷ with one every 20 s (${taxN} ticks)`,
          measured: `${rate(taxOn.median)} ÷ ${rate(taxOff.median)} = ${ratio(tax)}`,
          floor: '≥ 0.9',
          stretch: '—',
          verdict: verdict(tax, 0.9, 0.9, false),
          value: Math.round(tax * 1000) / 1000,
          unit: 'ratio',
        },
        { id: 'G7 abs trivial', what: 'in-process ticks/s, no strategy (risk, venue, portfolio per tick)', measured: rate(trivialRate.median), floor: '≥ 5 M/s', stretch: '—', verdict: verdict(trivialRate.median, 5e6, Number.POSITIVE_INFINITY, false) },
        { id: 'G7 abs SMA', what: 'in-process ticks/s, momentum_20 alone (20-tick window) with fills', measured: rate(momentumRate.median), floor: '≥ 2 M/s', stretch: '—', verdict: verdict(momentumRate.median, 2e6, Number.POSITIVE_INFINITY, false) },
        { id: 'G7 abs bt', what: 'in-process ticks/s, 6 default strategies', measured: rate(memRate.median), floor: '(report)', stretch: '—', verdict: 'n/a' },
        { id: 'G7 abs pipe', what: 'pipeline ticks/s (max pace, replay)', measured: rate(pipeRate.median), floor: '≥ 1 M/s', stretch: '—', verdict: verdict(pipeRate.median, 1e6, Number.POSITIVE_INFINITY, false) },
        { id: 'G7 identical', what: 'backtest fills = pipeline fills (tradeId, price, qty, fees)', measured: String(identical), floor: 'true', stretch: '—', verdict: identical ? 'pass' : 'fail' },
        { id: 'G7 control', what: 'same, position and daily-loss limits lifted', measured: String(controlCmp.identical), floor: 'true', stretch: '—', verdict: controlCmp.identical ? 'pass' : 'fail' },
        { id: 'G7 runs', what: 'identical across runs (backtest / pipeline)', measured: `${btDeterministic} / ${pipesAgree}`, floor: 'true / true', stretch: '—', verdict: btDeterministic && pipesAgree ? 'pass' : 'fail' },
        { id: 'G7b', what: 'our replay bars/s ÷ backtrader bars/s', measured: 'not measured', floor: '≥ 50×', stretch: '≥ 200×', verdict: 'n/a' },
      ];

      // ------------------------------------------------------------ report
      const gcCell = (rs: readonly BtRun[]): string => {
        const c = rs.reduce((s, r) => s + r.gc.count, 0);
        const ms = rs.reduce((s, r) => s + r.gc.totalMs, 0);
        return `${((c * 1e6) / (n * rs.length)).toFixed(0)} (${((ms * 1e6) / (n * rs.length)).toFixed(0)} ms)`;
      };
      const rows = [
        ['path', 'ticks/s (median)', 'spread', 'runs × ticks', 'GC/1M ticks (ms)', 'CPU µs/tick'],
        ['in-process backtest (columns in memory)', rate(memRate.median), range(memRate), `${runs} × ${n}`, gcCell(mem), '—'],
        ['in-process backtest (JSONL decode + run)', rate(fileRate.median), range(fileRate), `${runs} × ${n}`, gcCell(file), '—'],
        ['in-process, no strategy (loop, risk, venue, portfolio)', rate(trivialRate.median), range(trivialRate), `${runs} × ${n}`, '—', '—'],
        ['in-process, momentum_20 alone', rate(momentumRate.median), range(momentumRate), `${runs} × ${n}`, '—', '—'],
        ['actor pipeline (replay, max pace)', rate(pipeRate.median), range(pipeRate), `${runs} × ${n}`, '—', spread(pipe.map((p) => p.cpuUsPerTick)).median.toFixed(2)],
        ['ratio in-process ÷ pipeline', ratio(gap), '', '', '', ''],
      ];
      const ref = reference;
      const sigs = ref.signals.reduce((a, s) => ({ g: a.g + s.generated, v: a.v + s.validated, r: a.r + s.rejected }), { g: 0, v: 0, r: 0 });
      const outRows = [
        ['output', 'backtest', ...pipe.map((_, i) => `pipeline run ${i + 1}`)],
        ['fills', String(ref.fills.length), ...pipe.map((p) => String(p.fills))],
        ['orders', String(ref.orders.created), ...pipe.map((p) => String(p.orders))],
        ['signals validated / rejected by risk', `${sigs.v} / ${sigs.r}`, ...pipe.map((p) => `${p.risk.validated} / ${p.risk.rejected}`)],
        ['fills identical to the backtest', '—', ...cmps.map((c) => (c.identical ? 'yes' : `no (first ${c.matchingPrefix} equal)`))],
        ['pipeline startup / drain after last tick', '—', ...pipe.map((p) => `${(p.startupMs / 1000).toFixed(1)} s / ${(p.drainMs / 1000).toFixed(1)} s`)],
        ['risk ahead of the venue, ticks (max / mean)', '—', ...pipe.map((p) => `${p.riskAheadTicks.max} / ${p.riskAheadTicks.mean.toFixed(0)}`)],
        ['actor restarts during the run', '—', ...pipe.map((p) => (p.restarts === 0 ? '0' : `${p.restarts}: ${p.restartErrors.join('; ')}`))],
      ];
      const controlRows = [
        ['control (limits lifted)', 'backtest', 'pipeline'],
        ['fills', String(control.value.fills.length), String(controlPipe.fills.length)],
        ['identical', '—', controlCmp.identical ? 'yes' : `no (first ${controlCmp.matchingPrefix} equal)`],
        ['ticks/s', '—', rate(controlPipe.ticksPerSec)],
      ];
      const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
      const notes = [
        `Dataset: ${n} synthetic ticks (seed bench-replay, 2 bp/tick walk) round-robin over the 20 default instruments, ${data.gapMs} ms apart from 09:15 IST in ${data.sessions} NSE session(s) from 2025-01-24; JSONL ${(data.bytes / 2 ** 20).toFixed(1)} MiB (token, ltp, exchangeTs).`,
        `Both paths: src/defaults/strategies.yaml (6 strategies), the default paper and risk config with RISK__MAX_DAILY_TRADES=${ENV.RISK__MAX_DAILY_TRADES}; ${sigs.g} signals, ${ref.fills.length} fills, net PnL ${(ref.stats.netPnl / 100).toFixed(2)} ₹ in the backtest.`,
        'Pipeline rate: engine consumer of market.ticks, from the last ring poll that saw 0 consumed to the first that saw all (1 ms polls); startup and the drain of the last commits are excluded (shown separately). CPU is the whole process (all actor threads).',
        'G7b needs CPython backtrader on the box (not installed): not measured.',
        `Control run: RISK__MAX_POSITION and RISK__DAILY_LOSS_LIMIT lifted out of reach (the only risk rules that read fills), one run each: identical = ${controlCmp.identical}.`,
        ...(divergence === null ? [] : [...divergence.causes.map((c) => `DIVERGENCE: ${c}.`), ...divergence.details]),
      ];
      const text = [
        `Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`,
        '',
        'Throughput (G7a)',
        textTable(rows),
        '',
        'Outputs',
        textTable(outRows),
        '',
        textTable(controlRows),
        '',
        'Goals',
        textTable(goalRows),
        '',
        ...notes,
      ].join('\n');
      const markdown = [
        `## Backtest replay (suite \`replay\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
        '',
        `Machine: ${describeMachine(ctx.machine)}. ${runs} run(s) per path; medians shown, spread = min – max over runs.`,
        '',
        '### Goals',
        mdTable(goalRows),
        '',
        '### Throughput (G7a)',
        mdTable(rows),
        '',
        '### Outputs',
        mdTable(outRows),
        '',
        mdTable(controlRows),
        '',
        ...notes.map((x) => `- ${x}`),
      ].join('\n');
      return {
        ...resultHeader(replaySuite, ctx, startedAt, t0),
        metrics: {
          config: { ticks: n, sessions: data.sessions, gapMs: data.gapMs, fileBytes: data.bytes, runs, env: ENV, controlEnv: CONTROL_ENV, genMs: data.genMs },
          backtest: { ticksPerSec: memRate, ms: mem.map((m) => m.ms), gc: mem.map((m) => m.gc) },
          backtestFromFile: { ticksPerSec: fileRate, ms: file.map((m) => m.ms), gc: file.map((m) => m.gc) },
          backtestNoStrategy: { ticksPerSec: trivialRate },
          backtestMomentumOnly: { ticksPerSec: momentumRate },
          pipeline: pipe,
          ratio: { inProcessOverPipeline: gap, fromFileOverPipeline: gapFile },
          outputs: { fills: ref.fills.length, orders: ref.orders, signals: ref.signals, stats: ref.stats },
          identical,
          deterministic: { backtest: btDeterministic, pipeline: pipesAgree },
          comparisons: cmps.map((c) => ({ identical: c.identical, countBacktest: c.countA, countPipeline: c.countB, matchingPrefix: c.matchingPrefix, firstMismatch: c.firstMismatch ?? null })),
          divergence,
          control: { identical: controlCmp.identical, fillsBacktest: controlCmp.countA, fillsPipeline: controlCmp.countB, matchingPrefix: controlCmp.matchingPrefix, firstMismatch: controlCmp.firstMismatch ?? null, pipelineTicksPerSec: controlPipe.ticksPerSec },
        },
        goals,
        text,
        markdown,
      };
    } finally {
      data.cleanup();
    }
  },
};
