// Topology suite (G5): the same workload through the split tree (strategy-runner → trading core of
// risk + venue: 2 workers and the signals.raw ring between them, the runner's state joining the
// core's checkpoints as cuts) vs the fused tree (actors/trading-core: the whole trading step in one
// worker). Both checkpoint every 50 ms and release their events after each checkpoint. Both feed the same portfolio manager and fill probe. Saturation
// throughput (max-pace injection) and the tail latency at fixed open-loop rates, alternated run by run.
import { mdTable, ns, rate, ratio, textTable } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult, resultHeader } from './harness/suite.js';
import type { PipelineJob, StepSpec } from './pipeline-harness/job.js';
import { gcCell, heapCell, latCells, sliceSeries, type StepSummary } from './pipeline-harness/measure.js';
import { aggregate, attempt, nsSpread, profiled, profileMarkdown, spreadCell, type Agg } from './pipeline-harness/report.js';
import type { Topology } from './pipeline-harness/tree.js';

const TOPOLOGIES: readonly Topology[] = ['split', 'fused'];

interface Plan {
  /** Jobs of one run of one topology; each yields steps tagged by measurement name. */
  readonly jobs: readonly { readonly names: readonly string[]; readonly steps: readonly StepSpec[] }[];
  readonly satTicks: number;
  readonly paced: readonly { readonly rate: number; readonly ticks: number }[];
}

const paced = (rate: number, count: number): StepSpec => ({ rate, count, mode: 'paced', warmupFrac: 0.1 });
const sat = (count: number): StepSpec => ({ rate: 0, count, mode: 'max', warmupFrac: 0 });

// Quick: one child per topology (latency step, then saturation). Full: a fresh child per measurement.
const QUICK: Plan = { jobs: [{ names: ['1000', 'sat'], steps: [paced(1_000, 1_000), sat(4_000)] }], satTicks: 4_000, paced: [{ rate: 1_000, ticks: 1_000 }] };
const FULL: Plan = {
  jobs: [
    { names: ['sat'], steps: [sat(20_000)] },
    { names: ['1000'], steps: [paced(1_000, 5_000)] },
    { names: ['10000'], steps: [paced(10_000, 30_000)] },
  ],
  satTicks: 20_000,
  paced: [
    { rate: 1_000, ticks: 5_000 },
    { rate: 10_000, ticks: 30_000 },
  ],
};

const job = (topology: Topology, steps: readonly StepSpec[]): PipelineJob => ({ topology, env: { RUNTIME__TRANSPORT: 'ring' }, steps, drainTimeoutMs: 60_000 });

export const topologySuite: BenchSuite = {
  name: 'topology',
  title: 'Topology: fused trading core vs split actors (G5)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const plan = ctx.quick ? QUICK : FULL;
    const runs = ctx.quick ? 1 : ctx.runs;
    const got = new Map<string, { steps: StepSummary[]; errors: string[] }>();
    const slot = (t: Topology, name: string) => {
      const k = `${t}:${name}`;
      if (!got.has(k)) got.set(k, { steps: [], errors: [] });
      return got.get(k)!;
    };
    for (let i = 0; i < runs; i++) {
      for (const j of plan.jobs) {
        for (const t of TOPOLOGIES) {
          const r = await attempt(job(t, j.steps), ctx.log, `topology: ${t} [${j.names.join(', ')}], run ${i + 1}/${runs}`);
          j.names.forEach((name, k) => {
            const st = r.steps[k];
            if (st !== undefined) slot(t, name).steps.push(st);
            else slot(t, name).errors.push((r.error ?? 'step did not run').split('\n')[0]!);
          });
        }
      }
    }
    const agg = (t: Topology, name: string, key: (s: StepSummary) => number): Agg => aggregate(slot(t, name).steps, slot(t, name).errors, key);
    const satAgg = (t: Topology) => agg(t, 'sat', (s) => s.throughput);
    const latAgg = (t: Topology, r: number) => agg(t, String(r), (s) => s.lat.p99Ns);

    const prof = ctx.quick
      ? []
      : [
          ...(await profiled(job('split', [sat(plan.satTicks)]), ctx.log, 'topology: split saturation')).map((p) => ({ ...p, thread: `split/${p.thread}` })),
          ...(await profiled(job('fused', [sat(plan.satTicks)]), ctx.log, 'topology: fused saturation')).map((p) => ({ ...p, thread: `fused/${p.thread}` })),
        ];

    // ------------------------------------------------------------------ goals
    const tput = (t: Topology): number => satAgg(t).throughput.median;
    const g5 = tput('fused') / tput('split');
    const goals: GoalCheck[] = [
      { id: 'G5', what: `saturation fills/s fused ÷ split (${plan.satTicks} ticks at max pace)`, measured: ratio(g5), floor: '≥ 2× (expected)', stretch: '—', verdict: verdict(g5, 2, Number.POSITIVE_INFINITY, false) },
    ];
    for (const p of plan.paced) {
      const f = latAgg('fused', p.rate).p99.median;
      const s = latAgg('split', p.rate).p99.median;
      goals.push({ id: 'G5 tail', what: `p99 tick-to-fill fused ÷ split @${rate(p.rate)}`, measured: ratio(f / s), floor: '≤ 1× (split kept only if its tail is not worse)', stretch: '—', verdict: verdict(f / s, 1, 0, true) });
    }

    // ------------------------------------------------------------------ report
    const satRows = [
      ['topology', 'fills/s (median)', 'spread', 'p50', 'p99', 'complete', 'engine commits', 'GC/1M ticks', 'heap/1M', 'CPU s/1M'],
      ...TOPOLOGIES.map((t) => {
        const a = satAgg(t);
        const m = a.median;
        if (m === undefined) return [t, 'FAILED', a.errors[0] ?? '', '', '', '', '', '', '', ''];
        const commits = (m.engine as { commits?: { batches?: number } } | null)?.commits?.batches;
        return [t, rate(m.throughput), spreadCell(a.throughput, rate), ns(m.lat.p50Ns), ns(m.lat.p99Ns), `${m.complete ? 'yes' : 'NO'} (${m.fills}/${m.ticks})`, String(commits ?? '—'), gcCell(m), heapCell(m), m.cpuSPer1M.toFixed(0)];
      }),
      ['ratio fused ÷ split', ratio(g5), '', '', '', '', '', '', '', ''],
    ];
    const latRows = [
      ['topology', 'rate', 'p50', 'p99', 'p99.9', 'max', 'p99 (sched.)', 'p50 spread', 'p99 spread', 'complete', 'GC/1M ticks', 'heap/1M'],
      ...plan.paced.flatMap((p) =>
        TOPOLOGIES.map((t) => {
          const a = latAgg(t, p.rate);
          const m = a.median;
          if (m === undefined) return [t, rate(p.rate), 'FAILED', a.errors[0] ?? '', '', '', '', '', '', '', '', ''];
          return [t, rate(p.rate), ...latCells(m.lat), ns(m.co.p99Ns), nsSpread(a.p50), nsSpread(a.p99), m.complete ? 'yes' : 'NO', gcCell(m), heapCell(m)];
        }),
      ),
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
    const seriesRows = [
      ['topology', 'measurement', 'p50 per slice (saturation: tenths of the ticks; paced: seconds)'],
      ...TOPOLOGIES.flatMap((t) =>
        [['saturation', satAgg(t).median] as const, ...plan.paced.map((p) => [rate(p.rate), latAgg(t, p.rate).median] as const)].flatMap(([label, m]) =>
          m === undefined ? [] : [[t, label, sliceSeries(m)]],
        ),
      ),
    ];
    const notes = [
      'split = strategy-runner + trading-core-paper with args.runner (2 workers; the signals.raw ring between them; the runner\'s state is written as a cut and named by the core\'s next checkpoint). fused = actors/trading-core.actor.ts (1 worker running the trading step; a checkpoint every 50 ms commits orders, fills, the order index, venue, risk and strategy state and the tick position in one LMDB transaction, then releases the staged events; latency here = fill released to the probe). Both: same injector, strategies file, portfolio manager and fill probe; ring transport; overlapping durability.',
      'Saturation: the injector publishes as fast as the tick ring (block policy) accepts; fills/s = fills ÷ (last fill − first injection). The paper venue exports its whole session state (every order of the session) with each commit, so throughput depends on the run length; both topologies pay it.',
      `${runs} run(s) per measurement, alternating topologies; median run shown. Load average at start ${ctx.machine.loadAvgAtStart.join(' / ')}.`,
    ];
    const text = [
      `Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`,
      '',
      'Saturation throughput (G5)',
      textTable(satRows),
      '',
      'Tail latency at fixed rates',
      textTable(latRows),
      '',
      'Latency over the run (median runs)',
      textTable(seriesRows),
      '',
      'Goals',
      textTable(goalRows),
      '',
      ...notes,
    ].join('\n');
    const markdown = [
      `## Topology (suite \`topology\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${describeMachine(ctx.machine)}.`,
      '',
      '### Goals',
      mdTable(goalRows),
      '',
      '### Saturation throughput (G5)',
      mdTable(satRows),
      '',
      '### Tail latency at fixed rates',
      mdTable(latRows),
      '',
      '### Latency over the run (median runs)',
      mdTable(seriesRows),
      ...(prof.length > 0 ? ['', '### Profiles at saturation (`--cpu-prof`, hottest self time per thread)', profileMarkdown(prof)] : []),
      '',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');
    return {
      ...resultHeader(topologySuite, ctx, startedAt, t0),
      metrics: {
        config: { plan, runs },
        saturation: Object.fromEntries(TOPOLOGIES.map((t) => [t, satAgg(t)])),
        latency: Object.fromEntries(plan.paced.flatMap((p) => TOPOLOGIES.map((t) => [`${t}@${p.rate}`, latAgg(t, p.rate)]))),
        ratio: g5,
        profile: prof,
      },
      goals,
      text,
      markdown,
    };
  },
};
