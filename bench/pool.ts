// Pool suite (G12): piscina run() round trip vs a raw worker postMessage round trip with the same
// payload (one thread each, one task in flight, so only dispatch differs), then the pool overhead
// (round trip − work) ÷ work for tasks of 0 µs … 10 ms of work, and the smallest task size whose
// overhead is below 5 %. piscina is measured with its default `atomics: 'sync'` and with 'disabled'.
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { Histogram } from './harness/histogram.js';
import { mdTable, ns, pct, ratio, spread, textTable } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult, resultHeader } from './harness/suite.js';
import type { PoolReply, PoolTask } from './pool-task.js';

interface Dispatcher {
  readonly name: string;
  run(t: PoolTask): Promise<PoolReply>;
  close(): Promise<void>;
}

function rawDispatcher(): Dispatcher {
  const w = new Worker(new URL('./pool-raw-worker.js', import.meta.url));
  let pending: ((r: PoolReply) => void) | null = null;
  w.on('message', (r: PoolReply) => {
    const p = pending;
    pending = null;
    p?.(r);
  });
  return {
    name: 'raw worker postMessage',
    run: (t) =>
      new Promise<PoolReply>((resolve) => {
        pending = resolve;
        w.postMessage(t);
      }),
    close: async () => {
      await w.terminate();
    },
  };
}

function piscinaDispatcher(atomics: 'sync' | 'disabled'): Dispatcher {
  const pool = new Piscina<PoolTask, PoolReply>({ filename: new URL('./pool-worker.js', import.meta.url).href, minThreads: 1, maxThreads: 1, atomics });
  return { name: `piscina run() (atomics: ${atomics})`, run: (t) => pool.run(t), close: () => pool.destroy() };
}

// Representative sweep-task payload: a strategy config, a parameter set and a tick-source spec
const PAYLOAD = {
  params: { threshold: 0.002, lookback_periods: 20 },
  strategy: { id: 'momentum_20', type: 'momentum', broker: 'paper', instruments: [256265, 260105, 738561, 408065, 81153], params: { lookback_periods: 20, threshold: 0.002, position_size: 10 }, enabled: true },
  source: { kind: 'synthetic', spec: { seed: 'sweep', n: 50_000 } },
};

/** Sequential round trips of `spinUs` tasks; first `warm` discarded. */
async function roundTrips(d: Dispatcher, spinUs: number, count: number, warm: number): Promise<{ rtt: Histogram; spunUs: number[] }> {
  const rtt = new Histogram();
  const spun: number[] = [];
  for (let i = 0; i < warm + count; i++) {
    const t0 = performance.now();
    const r = await d.run({ id: i, spinUs, payload: PAYLOAD });
    const dt = (performance.now() - t0) * 1e6;
    if (i >= warm) {
      rtt.record(dt);
      spun.push(r.spunUs);
    }
  }
  return { rtt, spunUs: spun };
}

const SIZES_US = [0, 10, 30, 100, 300, 1000, 3000, 10_000];

interface SizeRow {
  readonly spinUs: number;
  readonly rawOverhead: number;
  readonly poolOverhead: number;
  readonly rawP50Ns: number;
  readonly poolP50Ns: number;
  readonly count: number;
}

export const poolSuite: BenchSuite = {
  name: 'pool',
  title: 'Worker pool: piscina run() vs raw postMessage round trip, minimum task size (G12)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const runs = ctx.quick ? 1 : ctx.runs;
    const n = ctx.quick ? 2_000 : 20_000;
    const budgetMs = ctx.quick ? 250 : 2_000;
    const make: readonly (() => Dispatcher)[] = [rawDispatcher, () => piscinaDispatcher('sync'), () => piscinaDispatcher('disabled')];

    // Empty-task round trips, alternating dispatchers run by run so drift hits all alike
    const p50: number[][] = make.map(() => []);
    const p99: number[][] = make.map(() => []);
    const names: string[] = [];
    for (let r = 0; r < runs; r++) {
      for (const [k, mk] of make.entries()) {
        const d = mk();
        names[k] = d.name;
        ctx.log(`pool: ${d.name} round trips, run ${r + 1}/${runs}`);
        try {
          const { rtt } = await roundTrips(d, 0, n, Math.max(200, n / 10));
          const s = rtt.summary();
          p50[k]!.push(s.p50Ns);
          p99[k]!.push(s.p99Ns);
        } finally {
          await d.close();
        }
      }
    }
    const med = (k: number, v: number[][]): number => spread(v[k]!).median;

    // Overhead vs task size: raw worker, then piscina (default atomics), each ALONE in the process
    // (a live pool changes how fast the idle main thread wakes for the raw worker's reply)
    const over = (h: Histogram, spun: readonly number[]): number => {
      const w = spread(spun).median * 1000; // ns
      return w > 0 ? (h.percentile(50) - w) / w : Number.POSITIVE_INFINITY;
    };
    const sweepSizes = async (d: Dispatcher): Promise<{ p50: number; overhead: number; count: number }[]> => {
      const out: { p50: number; overhead: number; count: number }[] = [];
      try {
        for (const spinUs of SIZES_US) {
          const count = Math.max(20, Math.min(2000, Math.floor((budgetMs * 1000) / (spinUs + 60))));
          ctx.log(`pool: ${d.name}, ${spinUs} µs of work (${count} tasks)`);
          const r = await roundTrips(d, spinUs, count, Math.ceil(count / 10));
          out.push({ p50: r.rtt.percentile(50), overhead: over(r.rtt, r.spunUs), count });
        }
      } finally {
        await d.close();
      }
      return out;
    };
    const rawSizes = await sweepSizes(rawDispatcher());
    const poolSizes = await sweepSizes(piscinaDispatcher('sync'));
    const sizes: SizeRow[] = SIZES_US.map((spinUs, i) => ({
      spinUs,
      rawOverhead: rawSizes[i]!.overhead,
      poolOverhead: poolSizes[i]!.overhead,
      rawP50Ns: rawSizes[i]!.p50,
      poolP50Ns: poolSizes[i]!.p50,
      count: rawSizes[i]!.count,
    }));
    const minSize = sizes.find((s) => s.poolOverhead < 0.05)?.spinUs ?? Number.NaN;
    const fixedNs = med(1, p50); // empty-task round trip = the fixed dispatch cost
    const estimateUs = fixedNs / 0.05 / 1000;

    const g12 = med(1, p50) / med(0, p50);
    const g12off = med(2, p50) / med(0, p50);
    const goals: GoalCheck[] = [
      { id: 'G12', what: 'piscina run() RTT p50 ÷ raw postMessage RTT p50 (same payload)', measured: ratio(g12), floor: '≤ 1.5×', stretch: '≤ 1.2×', verdict: verdict(g12, 1.5, 1.2, true) },
      { id: 'G12 atomics off', what: "same, piscina atomics: 'disabled'", measured: ratio(g12off), floor: '≤ 1.5×', stretch: '≤ 1.2×', verdict: verdict(g12off, 1.5, 1.2, true) },
      { id: 'G12 size', what: 'smallest task with piscina overhead < 5 % (measured sizes)', measured: Number.isFinite(minSize) ? `${minSize} µs` : '> 10 ms', floor: '≤ 1 ms', stretch: '≤ 100 µs', verdict: verdict(minSize, 1000, 100, true) },
    ];
    const rttRows = [
      ['dispatch (1 thread, 1 in flight)', 'RTT p50', 'RTT p99', 'p50 spread', 'ratio p50 ÷ raw'],
      ...names.map((name, k) => [
        name,
        ns(med(k, p50)),
        ns(med(k, p99)),
        p50[k]!.length > 1 ? `${ns(Math.min(...p50[k]!))} – ${ns(Math.max(...p50[k]!))}` : '—',
        ratio(med(k, p50) / med(0, p50)),
      ]),
    ];
    const sizeRows = [
      ['work per task', 'raw RTT p50', 'piscina RTT p50', 'raw overhead', 'piscina overhead', 'tasks'],
      ...sizes.map((s) => [s.spinUs === 0 ? '0 (empty)' : `${s.spinUs} µs`, ns(s.rawP50Ns), ns(s.poolP50Ns), s.spinUs === 0 ? '—' : pct(s.rawOverhead * 100), s.spinUs === 0 ? '—' : pct(s.poolOverhead * 100), String(s.count)]),
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
    const notes = [
      `Payload ~${JSON.stringify(PAYLOAD).length} B each way (a sweep task's strategy, parameters and tick-source spec); ${runs} × ${n} round trips per dispatcher, first 10 % discarded.`,
      `Overhead = (RTT p50 − work actually spun) ÷ work. Fixed-cost estimate: 5 % is reached at ≈ ${estimateUs.toFixed(0)} µs of work (20 × the empty-task RTT).`,
      'A sweep task (one backtest of 50k ticks) takes ~100 ms or more: the pool costs well under 0.1 % there.',
      'Round trips include waking an idle thread, which on this VM depends on whether its vCPUs idle: earlier runs of this suite measured ~17 µs (raw) on a busy box and ~85 µs on a quiet one for the same code. Compare ratios within one run only.',
    ];
    const text = [`Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`, '', 'Round trip, empty task (G12)', textTable(rttRows), '', 'Overhead vs task size', textTable(sizeRows), '', 'Goals', textTable(goalRows), '', ...notes].join('\n');
    const markdown = [
      `## Worker pool (suite \`pool\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${describeMachine(ctx.machine)}. ${runs} run(s); medians shown.`,
      '',
      '### Goals',
      mdTable(goalRows),
      '',
      '### Round trip, empty task',
      mdTable(rttRows),
      '',
      '### Overhead vs task size',
      mdTable(sizeRows),
      '',
      ...notes.map((x) => `- ${x}`),
    ].join('\n');
    return {
      ...resultHeader(poolSuite, ctx, startedAt, t0),
      metrics: { runs, roundTrips: n, dispatchers: names.map((name, k) => ({ name, p50Ns: p50[k], p99Ns: p99[k] })), sizes, minTaskUs: Number.isFinite(minSize) ? minSize : null, estimateUs, ratio: g12, ratioAtomicsDisabled: g12off },
      goals,
      text,
      markdown,
    };
  },
};
