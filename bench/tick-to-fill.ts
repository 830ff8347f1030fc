// Tick-to-fill suite (G4, G6): the real split pipeline (strategy runner → trading core (risk +
// venue) → portfolio manager) fed open-loop by a bench injector at fixed rates, with the event
// topics on SAB rings (RUNTIME__TRANSPORT=ring) vs postMessage through the main-thread hub (=port).
// Two latencies per tick that became a fill:
//   - decided: the trading core's sample, fill decided − injection stamp of the tick behind it;
//   - acknowledged: the fill event reaches a subscriber beside the portfolio (released by the
//     checkpoint that covers it) − the same stamp (its tickSeq rides the signal → order summary).
// Then a rising-rate ramp per transport finds the highest rate whose decided p99 stays ≤ 1 ms (G6).
import * as os from 'node:os';
import { mdTable, ns, rate, ratio, textTable } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult, resultHeader } from './harness/suite.js';
import type { PipelineJob } from './pipeline-harness/job.js';
import { gcCell, heapCell, latCells, sliceSeries, type StepSummary } from './pipeline-harness/measure.js';
import type { LatencySummary } from './harness/histogram.js';
import { aggregate, attempt, nsSpread, profiled, profileMarkdown, type Agg } from './pipeline-harness/report.js';
import { runInlineFloor } from './pipeline-harness/inline.js';

type Transport = 'ring' | 'port';
const TRANSPORTS: readonly Transport[] = ['ring', 'port'];
const P99_BOUND_NS = 1_000_000;
const RAMP_UP = [20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];
const RAMP_DOWN = [500, 200, 100, 50];
/** Rate of the per-hop breakdown: low enough that no queue builds up. */
const STAGE_RATE = 200;

interface Fixed {
  readonly rate: number;
  readonly seconds: number;
}
const FULL_FIXED: readonly Fixed[] = [
  { rate: 1_000, seconds: 5 },
  { rate: 10_000, seconds: 3 },
];
const QUICK_FIXED: readonly Fixed[] = [{ rate: 1_000, seconds: 2 }];

// At least 500 ticks (450 measured) so a slow ramp rate still has a meaningful p99
const job = (t: Transport, r: number, seconds: number, extra: { durability?: 'overlapping' | 'nosync'; stages?: boolean } = {}): PipelineJob => ({
  topology: 'split',
  env: { RUNTIME__TRANSPORT: t, ...(extra.durability !== undefined ? { STORE__DURABILITY: extra.durability } : {}) },
  ...(extra.stages === true ? { stages: true } : {}),
  steps: [{ rate: r, count: Math.min(1_000_000, Math.max(500, Math.round(r * seconds))), mode: 'paced', warmupFrac: 0.1 }],
  drainTimeoutMs: 60_000,
});

interface Ramp {
  readonly transport: Transport;
  readonly tried: readonly { rate: number; ok: boolean; step: StepSummary | undefined }[];
  /** Highest rate that passed with every lower tried rate passing; 0 when none did. */
  readonly maxSustainable: number;
  /** The lowest failing rate (the bound is below it). */
  readonly firstFail: number | null;
}

/** Tick → fill decided (the trading core's samples): the tick-to-fill figure of both topologies. */
const NONE: LatencySummary = { count: 0, minNs: Infinity, p50Ns: Infinity, p90Ns: Infinity, p99Ns: Infinity, p999Ns: Infinity, maxNs: Infinity, meanNs: Infinity };
const decidedOf = (s: StepSummary): LatencySummary => s.decided ?? NONE;
const key = (s: StepSummary): number => decidedOf(s).p99Ns;
/** Every tick filled at the offered rate, with the decided p99 within the bound. */
const sustainable = (s: StepSummary, bound: number): boolean => s.complete && decidedOf(s).p99Ns <= bound && s.injectedRate >= 0.95 * s.rate;

// The fused topology on the same workload: one trading core (strategies + risk + venue), ring transport
const fusedJob = (r: number, seconds: number): PipelineJob => ({
  topology: 'fused',
  env: { RUNTIME__TRANSPORT: 'ring' },
  steps: [{ rate: r, count: Math.min(1_000_000, Math.max(500, Math.round(r * seconds))), mode: 'paced', warmupFrac: 0.1 }],
  drainTimeoutMs: 60_000,
});
const INLINE_TICKS = { quick: 20_000, full: 200_000 };

export const tickToFillSuite: BenchSuite = {
  name: 'tick-to-fill',
  title: 'Tick-to-fill latency through the real pipeline: ring vs postMessage transport (G4, G6)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const fixedRates = ctx.quick ? QUICK_FIXED : FULL_FIXED;
    const runs = ctx.quick ? 1 : ctx.runs;
    const results = new Map<string, { steps: StepSummary[]; errors: string[] }>();
    const slot = (t: Transport, r: number) => {
      const k = `${t}@${r}`;
      if (!results.has(k)) results.set(k, { steps: [], errors: [] });
      return results.get(k)!;
    };
    // Alternate transports inside each run so drift on a shared box hits both alike
    for (let i = 0; i < runs; i++) {
      for (const f of fixedRates) {
        for (const t of TRANSPORTS) {
          const r = await attempt(job(t, f.rate, f.seconds), ctx.log, `tick-to-fill: ${t} @ ${rate(f.rate)}, run ${i + 1}/${runs}`);
          const s = slot(t, f.rate);
          if (r.steps[0] !== undefined) s.steps.push(r.steps[0]);
          if (r.error !== undefined) s.errors.push(r.error.split('\n')[0]!);
        }
      }
    }
    const agg = (t: Transport, r: number): Agg => {
      const s = slot(t, r);
      return aggregate(s.steps, s.errors, key);
    };

    // Fused: the trading core decides in its own thread; its samples are tick stamp → fill decided.
    // The probe still measures tick → fill released (after the checkpoint that covers it).
    const fused = new Map<number, { steps: StepSummary[]; errors: string[] }>();
    for (let i = 0; i < runs; i++) {
      for (const f of fixedRates) {
        const r = await attempt(fusedJob(f.rate, f.seconds), ctx.log, `tick-to-fill: fused @ ${rate(f.rate)}, run ${i + 1}/${runs}`);
        const slotF = fused.get(f.rate) ?? { steps: [], errors: [] };
        fused.set(f.rate, slotF);
        if (r.steps[0] !== undefined) slotF.steps.push(r.steps[0]);
        if (r.error !== undefined) slotF.errors.push(r.error.split('\n')[0]!);
      }
    }
    const fusedAgg = (r: number): Agg => {
      const s = fused.get(r) ?? { steps: [], errors: [] };
      return aggregate(s.steps, s.errors, (x) => x.decided?.p99Ns ?? Number.POSITIVE_INFINITY);
    };
    // The inline floor: same step, same ticks, one thread, nothing in between
    ctx.log('tick-to-fill: inline floor');
    const inline = runInlineFloor(ctx.quick ? INLINE_TICKS.quick : INLINE_TICKS.full);
    const floor = inline.hist.summary(0);

    // G6 ramp (full only): reuse the fixed-rate medians, then go up (or down) one fresh run per rate
    const ramps: Ramp[] = [];
    if (!ctx.quick) {
      for (const t of TRANSPORTS) {
        const tried: Ramp['tried'][number][] = fixedRates.map((f) => {
          const m = agg(t, f.rate).median;
          return { rate: f.rate, ok: m !== undefined && sustainable(m, P99_BOUND_NS), step: m };
        });
        let maxOk = 0;
        let firstFail: number | null = null;
        for (const x of tried) {
          if (x.ok && firstFail === null) maxOk = x.rate;
          else if (firstFail === null) firstFail = x.rate;
        }
        const next = firstFail === null ? RAMP_UP : maxOk === 0 ? RAMP_DOWN : [];
        for (const r of next) {
          const res = await attempt(job(t, r, 2), ctx.log, `tick-to-fill: ramp ${t} @ ${rate(r)}`);
          const st = res.steps[0];
          const ok = st !== undefined && sustainable(st, P99_BOUND_NS);
          tried.push({ rate: r, ok, step: st });
          if (firstFail === null) {
            if (ok) maxOk = r;
            else {
              firstFail = r;
              break;
            }
          } else if (ok) {
            // Going down from a failing 1k: the first passing rate is the bound
            maxOk = r;
            break;
          } else firstFail = r;
        }
        ramps.push({ transport: t, tried, maxSustainable: maxOk, firstFail });
      }
    }

    // Breakdown at a low rate (full only), with and without fsync: the probe also listens to
    // signals.raw (straight from the runner) and signals.validated (released by a checkpoint).
    const stageRuns: { t: Transport; durability: 'overlapping' | 'nosync'; step: StepSummary | undefined }[] = [];
    if (!ctx.quick) {
      for (const durability of ['overlapping', 'nosync'] as const) {
        for (const t of TRANSPORTS) {
          const r = await attempt(job(t, STAGE_RATE, 5, { durability, stages: true }), ctx.log, `tick-to-fill: per-hop breakdown ${t} / ${durability} @ ${rate(STAGE_RATE)}`);
          stageRuns.push({ t, durability, step: r.steps[0] });
        }
      }
    }

    // One profiled run of the ring pipeline at its highest fixed rate: where does the time go?
    const top = fixedRates[fixedRates.length - 1]!;
    const prof = ctx.quick ? [] : await profiled(job('ring', top.rate, top.seconds), ctx.log, `tick-to-fill: ring @ ${rate(top.rate)}`);

    // ------------------------------------------------------------------ goals
    const goals: GoalCheck[] = [];
    for (const f of fixedRates) {
      const r = agg('ring', f.rate);
      const p = agg('port', f.rate);
      const rm = r.median;
      const pm = p.median;
      const p50 = rm === undefined || pm === undefined ? Number.NaN : decidedOf(rm).p50Ns / decidedOf(pm).p50Ns;
      const p99 = r.p99.median / p.p99.median;
      goals.push(
        { id: 'G4 p50', what: `tick-to-fill (decided) p50 ring ÷ port @${rate(f.rate)}`, measured: ratio(p50), floor: '≤ 1/10', stretch: '≤ 1/20', verdict: verdict(p50, 1 / 10, 1 / 20, true) },
        { id: 'G4 p99', what: `tick-to-fill (decided) p99 ring ÷ port @${rate(f.rate)}`, measured: ratio(p99), floor: '≤ 1/5', stretch: '≤ 1/10', verdict: verdict(p99, 1 / 5, 1 / 10, true) },
      );
    }
    const r10 = agg('ring', 10_000).median;
    if (r10 !== undefined) {
      const l = decidedOf(r10);
      goals.push({
        id: 'G4 abs',
        what: 'ring tick → fill decided p50 / p99 / p99.9 @10k/s',
        measured: `${ns(l.p50Ns)} / ${ns(l.p99Ns)} / ${ns(l.p999Ns)}`,
        floor: '≤ 20 µs / ≤ 100 µs / ≤ 1 ms',
        stretch: '—',
        verdict: l.p50Ns <= 20_000 && l.p99Ns <= 100_000 && l.p999Ns <= 1_000_000 ? 'pass' : 'fail',
      });
    }
    // Goals of the behaviours/checkpoints design (values in µs; ratios to the inline floor)
    const us = (n: number): number => Math.round(n / 10) / 100;
    const vsFloor = (n: number, f: number): string => `${ns(n)} (${ratio(n / Math.max(1, f))} of inline ${ns(f)})`;
    // One topology's rows at one rate: decided p50 / p99 against their floors, acknowledged p99
    // against the checkpoint bound of that run
    const t2fRows = (topology: 'split' | 'fused', k: string, r: number, m: StepSummary, p50Floor: number): GoalCheck[] => {
      const d = decidedOf(m);
      const eng = m.engine as { checkpoints?: { maxCommitMs?: number; intervalMs?: number } } | null;
      const interval = eng?.checkpoints?.intervalMs ?? 50;
      const commitMax = eng?.checkpoints?.maxCommitMs ?? Number.NaN;
      const bound = (interval + 2 * commitMax) * 1e6;
      return [
        { id: `T2F ${topology} p50 @${k}`, what: `${topology} tick → fill decided p50 @${rate(r)}`, measured: vsFloor(d.p50Ns, floor.p50Ns), floor: `≤ ${ns(p50Floor)}`, stretch: '—', verdict: verdict(d.p50Ns, p50Floor, p50Floor, true), value: us(d.p50Ns), unit: 'µs' },
        { id: `T2F ${topology} p99 @${k}`, what: `${topology} tick → fill decided p99 @${rate(r)}`, measured: vsFloor(d.p99Ns, floor.p99Ns), floor: '≤ 1 ms', stretch: '—', verdict: verdict(d.p99Ns, 1_000_000, 1_000_000, true), value: us(d.p99Ns), unit: 'µs' },
        {
          id: `T2AF ${topology} p99 @${k}`,
          what: `${topology} tick → acknowledged fill (released to subscribers after its checkpoint) p99 @${rate(r)}; bound = interval ${interval} ms + 2 × the largest checkpoint commit of the run (${Number.isFinite(commitMax) ? commitMax.toFixed(2) : '?'} ms, ≥ its p99)`,
          measured: ns(m.lat.p99Ns),
          floor: `≤ ${ns(bound)}`,
          stretch: '—',
          verdict: verdict(m.lat.p99Ns, bound, bound, true),
          value: us(m.lat.p99Ns),
          unit: 'µs',
        },
      ];
    };
    for (const f of fixedRates) {
      const k = f.rate >= 10_000 ? '10k' : '1k';
      const m = agg('ring', f.rate).median;
      if (m !== undefined) goals.push(...t2fRows('split', k, f.rate, m, 100_000));
      const fm = fusedAgg(f.rate).median;
      if (fm !== undefined && fm.decided !== null) goals.push(...t2fRows('fused', k, f.rate, fm, 30_000));
    }
    const rampOf = (t: Transport) => ramps.find((x) => x.transport === t);
    const bound = (x: Ramp | undefined): string =>
      x === undefined ? '—' : x.maxSustainable > 0 ? rate(x.maxSustainable) : `< ${rate(x.tried.filter((y) => !y.ok).map((y) => y.rate).sort((a, b) => a - b)[0] ?? 0)}`;
    if (ramps.length > 0) {
      const rr = rampOf('ring')!;
      const pr = rampOf('port')!;
      const g6 = rr.maxSustainable / pr.maxSustainable;
      goals.push(
        { id: 'G6', what: 'max rate with p99 ≤ 1 ms: ring ÷ port', measured: Number.isFinite(g6) ? ratio(g6) : `${bound(rr)} vs ${bound(pr)}`, floor: '≥ 10×', stretch: '≥ 30×', verdict: verdict(g6, 10, 30, false) },
        { id: 'G6 abs', what: 'ring max rate with p99 ≤ 1 ms', measured: bound(rr), floor: '≥ 500k/s', stretch: '—', verdict: verdict(rr.maxSustainable, 500_000, Number.POSITIVE_INFINITY, false) },
      );
    }

    // ------------------------------------------------------------------ report
    const head = ['transport', 'rate', 'decided p50', 'decided p99', 'decided p99.9', 'decided max', 'acknowledged p50', 'acknowledged p99', 'ack. p99 (sched.)', 'p50 spread', 'p99 spread', 'fills/s', 'complete', 'GC/1M ticks', 'heap/1M', 'CPU s/1M'];
    const row = (t: Transport, f: Fixed): string[] => {
      const a = agg(t, f.rate);
      const m = a.median;
      if (m === undefined) return [t, rate(f.rate), 'FAILED', a.errors[0] ?? '', '', '', '', '', '', '', '', '', '', '', '', ''];
      return [
        t,
        rate(f.rate),
        ...latCells(decidedOf(m)),
        ns(m.lat.p50Ns),
        ns(m.lat.p99Ns),
        ns(m.co.p99Ns),
        nsSpread(a.p50),
        nsSpread(a.p99),
        rate(m.throughput),
        `${m.complete ? 'yes' : 'NO'} (${m.fills}/${m.ticks})`,
        gcCell(m),
        heapCell(m),
        m.cpuSPer1M.toFixed(0),
      ];
    };
    const latRows = [head, ...fixedRates.flatMap((f) => TRANSPORTS.map((t) => row(t, f)))];
    const fusedRows = [
      ['rate', 'decided p50', 'decided p99', 'decided p99.9', 'acknowledged p50', 'acknowledged p99', 'fills/s', 'complete', 'checkpoints', 'largest commit'],
      ...fixedRates.map((f) => {
        const a = fusedAgg(f.rate);
        const m = a.median;
        if (m === undefined || m.decided === null) return [rate(f.rate), 'FAILED', a.errors[0] ?? '', '', '', '', '', '', '', ''];
        const eng = m.engine as { checkpoints?: { completed?: number; maxCommitMs?: number } } | null;
        return [rate(f.rate), ns(m.decided.p50Ns), ns(m.decided.p99Ns), ns(m.decided.p999Ns), ns(m.lat.p50Ns), ns(m.lat.p99Ns), rate(m.throughput), `${m.complete ? 'yes' : 'NO'} (${m.fills}/${m.ticks})`, String(eng?.checkpoints?.completed ?? '?'), `${(eng?.checkpoints?.maxCommitMs ?? Number.NaN).toFixed(2)} ms`];
      }),
      ['inline', ns(floor.p50Ns), ns(floor.p99Ns), ns(floor.p999Ns), '—', '—', `${rate(inline.ticksPerSec)} ticks`, `${inline.fills} fills`, '—', '—'],
    ];
    const rampRows = [
      ['transport', 'rate', 'sustainable', 'decided p50', 'decided p99', 'ack. p99 (sched.)', 'fills/s', 'injected/s', 'complete'],
      ...ramps.flatMap((x) =>
        x.tried.map((y) =>
          y.step === undefined
            ? [x.transport, rate(y.rate), 'FAILED', '', '', '', '', '', '']
            : [x.transport, rate(y.rate), y.ok ? 'yes' : 'no', ns(decidedOf(y.step).p50Ns), ns(decidedOf(y.step).p99Ns), ns(y.step.co.p99Ns), rate(y.step.throughput), rate(y.step.injectedRate), y.step.complete ? 'yes' : 'NO'],
        ),
      ),
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
    // Latency second by second (median runs): growth within a run means per-order state grows
    const seriesRows = [
      ['transport', 'rate', 'p50 per second of the run', 'p99 per second of the run'],
      ...fixedRates.flatMap((f) =>
        TRANSPORTS.flatMap((t) => {
          const m = agg(t, f.rate).median;
          return m === undefined ? [] : [[t, rate(f.rate), sliceSeries(m, 'p50Ns'), sliceSeries(m, 'p99Ns')]];
        }),
      ),
    ];
    const stageRows = [
      ['transport', 'durability', 'tick → signal at a subscriber (p50 / p99)', 'tick → fill decided', 'tick → verdict released', 'tick → fill released'],
      ...stageRuns.map(({ t, durability, step }) => {
        const st = step?.stages;
        if (step === undefined || st === null || st === undefined) return [t, durability, 'FAILED', '', '', ''];
        const pair = (l: { p50Ns: number; p99Ns: number }): string => `${ns(l.p50Ns)} / ${ns(l.p99Ns)}`;
        return [t, durability, pair(st.raw), pair(decidedOf(step)), pair(st.validated), pair(step.lat)];
      }),
    ];
    const late = fixedRates.flatMap((f) => TRANSPORTS.map((t) => ({ t, f, m: agg(t, f.rate).median }))).filter((x) => x.m !== undefined);
    const notes = [
      'Pipeline: bench injector → market.ticks (SAB ring, block policy) → strategy-runner (low_frequency_demo, signals on every tick) → paper.signals.raw → trading-core-paper (risk + venue: market order, filled on arrival; checkpoints every RUNTIME__CHECKPOINT_INTERVAL_MS) → orders.filled → portfolio-manager and the fill probe. Real actors, real LMDB (overlapping durability) in a temp dir, config through the real loader.',
      'Decided = the trading core\'s sample: fill decided − injection stamp of the tick behind its signal (the T2F goals, G4, G6). Acknowledged = fill event received by the probe (a subscriber of paper.orders.filled beside the portfolio manager, released after the checkpoint that covers it) − the same stamp. One timer read subtracted. "ack. p99 (sched.)" is measured from the open-loop schedule instead (coordinated-omission corrected). First 10 % of each run discarded.',
      'port = event topics (signals, verdicts, orders) over postMessage through the main-thread hub; market.ticks is a SAB ring in BOTH modes (the runtime has no postMessage tick path), so the ratio covers the signal hop only.',
      `Each measurement is a fresh child process (empty store, --trace-gc): GC = pauses of every thread per million ticks. ${runs} run(s) per fixed rate; median run shown (by p99).`,
      `Injector lateness (median runs): ${late.map(({ t, f, m }) => `${t}@${rate(f.rate)} ${m!.late1ms} > 1 ms, max ${ns(m!.maxLateNs)}`).join('; ')}.`,
      `Load average at start ${ctx.machine.loadAvgAtStart.join(' / ')}, at end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
    ];
    const text = [
      `Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`,
      '',
      'Tick-to-fill latency (G4)',
      textTable(latRows),
      '',
      'Fused trading core: tick → fill decided, and → released after its checkpoint; inline floor',
      textTable(fusedRows),
      '',
      'Latency over the run (median runs)',
      textTable(seriesRows),
      ...(ramps.length > 0 ? ['', 'Rate ramp (G6): highest rate with every tick filled and p99 (sched.) ≤ 1 ms', textTable(rampRows)] : []),
      ...(stageRuns.length > 0 ? ['', `Breakdown @${rate(STAGE_RATE)} (arrival at the probe or decision − injection stamp)`, textTable(stageRows)] : []),
      '',
      'Goals',
      textTable(goalRows),
      '',
      ...notes,
    ].join('\n');
    const markdown = [
      `## Tick-to-fill (suite \`tick-to-fill\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${describeMachine(ctx.machine)}.`,
      '',
      '### Goals',
      mdTable(goalRows),
      '',
      '### Latency at fixed rates (G4)',
      mdTable(latRows),
      '',
      '### Fused trading core and the inline floor',
      mdTable(fusedRows),
      '',
      '### Latency over the run (median runs, per second)',
      mdTable(seriesRows),
      ...(ramps.length > 0 ? ['', '### Rate ramp (G6)', mdTable(rampRows)] : []),
      ...(stageRuns.length > 0
        ? ['', `### Breakdown at ${rate(STAGE_RATE)} (arrival at the probe or decision − injection stamp)`, mdTable(stageRows)]
        : []),
      ...(prof.length > 0 ? ['', `### Profile: ring @ ${rate(top.rate)} (\`--cpu-prof\`, hottest self time per thread)`, profileMarkdown(prof)] : []),
      '',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');
    return {
      ...resultHeader(tickToFillSuite, ctx, startedAt, t0),
      metrics: {
        config: { fixedRates, runs, p99BoundNs: P99_BOUND_NS, transports: TRANSPORTS },
        fixed: Object.fromEntries([...results.keys()].map((k) => [k, (() => { const [t, r] = k.split('@'); return agg(t as Transport, Number(r)); })()])),
        fused: Object.fromEntries(fixedRates.map((f) => [f.rate, fusedAgg(f.rate)])),
        inline: { ticks: inline.ticks, fills: inline.fills, ticksPerSec: inline.ticksPerSec, latency: floor },
        ramps,
        stages: stageRuns,
        profile: prof,
      },
      goals,
      text,
      markdown,
    };
  },
};
