// Micro-benchmark suite (tinybench, one thread): strategy step, risk check, paper fill, tick record
// encode/decode, config and WebSocket command validation, and G11's validation tax: the
// hand-written JSONL tick validator against a zod 4 schema with the same checks. Each case runs
// in its own Bench (so GC can be attributed to it), `runs` times; the median is reported.
import { Bench } from 'tinybench';
import { GcMeter } from './harness/gc.js';
import { mdTable, ns, rate, ratio, spread, textTable, type Spread } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult, resultHeader } from './harness/suite.js';
import { buildCases, consumed, type MicroCase } from './micro-cases.js';

interface CaseResult {
  readonly name: string;
  readonly group: MicroCase['group'];
  /** ns per operation, one value per run. */
  readonly nsPerOp: Spread;
  /** Relative margin of error of the median run, %. */
  readonly rme: number;
  readonly ops: number;
  readonly gcPer1MOps: number;
  readonly gcMsPer1MOps: number;
  readonly note: string;
}

async function measure(c: MicroCase, timeMs: number, runs: number): Promise<CaseResult> {
  const perOp: number[] = [];
  const rmes: number[] = [];
  let ops = 0;
  let gcCount = 0;
  let gcMs = 0;
  for (let r = 0; r < runs; r++) {
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(250, timeMs / 2), throws: true });
    bench.add(c.name, c.fn);
    const gc = new GcMeter();
    gc.start();
    await bench.run();
    const g = await gc.stop();
    const res = bench.tasks[0]!.result;
    if (res.state !== 'completed') throw new Error(`micro: ${c.name} ended ${res.state}`);
    perOp.push((res.period * 1e6) / c.k);
    rmes.push(res.latency.rme);
    ops += bench.tasks[0]!.runs * c.k;
    gcCount += g.count;
    gcMs += g.totalMs;
  }
  const s = spread(perOp);
  return {
    name: c.name,
    group: c.group,
    nsPerOp: s,
    rme: rmes[perOp.indexOf(s.median)] ?? rmes[0] ?? Number.NaN,
    ops,
    gcPer1MOps: (gcCount * 1e6) / Math.max(1, ops),
    gcMsPer1MOps: (gcMs * 1e6) / Math.max(1, ops),
    note: c.note,
  };
}

export const microSuite: BenchSuite = {
  name: 'micro',
  title: 'Micro-benchmarks: strategy, risk, paper fill, tick record, validation (G11)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const runs = ctx.quick ? 1 : ctx.runs;
    const timeMs = ctx.quick ? 150 : 1000;
    const cases = buildCases();
    const results: CaseResult[] = [];
    for (const c of cases) {
      ctx.log(`micro: ${c.name}`);
      results.push(await measure(c, timeMs, runs));
    }
    const byName = (prefix: string): CaseResult => results.find((r) => r.name.startsWith(prefix))!;
    const parse = byName('JSON.parse').nsPerOp.median;
    const hand = byName('tick line → Tick, hand-written').nsPerOp.median;
    const zod = byName('tick line → Tick, zod').nsPerOp.median;
    const g11Line = zod / hand;
    const g11Only = (zod - parse) / Math.max(1, hand - parse);
    const goals: GoalCheck[] = [
      { id: 'G11', what: 'hand-written ÷ zod 4 validations/s, tick line (JSON.parse included)', measured: ratio(g11Line), floor: '≥ 10× (vs Zod 3)', stretch: '≥ 50×', verdict: verdict(g11Line, 10, 50, false) },
      { id: 'G11 check', what: 'same, validation only (JSON.parse subtracted)', measured: ratio(g11Only), floor: '≥ 10× (vs Zod 3)', stretch: '≥ 50×', verdict: verdict(g11Only, 10, 50, false) },
      { id: 'G11 abs', what: 'hand-written tick validations/s (validation only, JSON.parse subtracted)', measured: rate(1e9 / Math.max(1, hand - parse)), floor: '≥ 5 M/s', stretch: '—', verdict: verdict(1e9 / Math.max(1, hand - parse), 5e6, Number.POSITIVE_INFINITY, false) },
    ];
    const rows = [
      ['case', 'per op', 'ops/s', 'spread (per op)', 'rme', 'GC/1M ops (ms)', 'notes'],
      ...results.map((r) => [
        r.name,
        ns(r.nsPerOp.median),
        rate(1e9 / r.nsPerOp.median),
        r.nsPerOp.runs.length > 1 ? `${ns(r.nsPerOp.min)} – ${ns(r.nsPerOp.max)}` : '—',
        `±${r.rme.toFixed(1)} %`,
        `${r.gcPer1MOps.toFixed(1)} (${r.gcMsPer1MOps.toFixed(1)})`,
        r.note,
      ]),
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
    const notes = [
      `tinybench 6, ${timeMs} ms per case and run, ${runs} run(s), median shown; each sample is a batch of k operations (k = 10 … 1000) divided by k, so the ~0.1 µs timer read does not dominate.`,
      'G11: the goal compares against Zod 3; only zod 4 is installed (≈ 6.5× faster than Zod 3 on objects per zod.dev), so the ratio here understates the gap to Zod 3.',
      `Ingress validation cost per tick vs the strategy step: ${ns(hand)} vs ${ns(byName('strategy engine').nsPerOp.median)}.`,
      `(sink ${consumed() % 1000})`,
    ];
    const text = [`Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`, '', textTable(rows), '', 'Goals', textTable(goalRows), '', ...notes.slice(0, 3)].join('\n');
    const markdown = [
      `## Micro-benchmarks (suite \`micro\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${describeMachine(ctx.machine)}.`,
      '',
      '### Goals',
      mdTable(goalRows),
      '',
      '### Cases',
      mdTable(rows),
      '',
      ...notes.slice(0, 3).map((x) => `- ${x}`),
    ].join('\n');
    return {
      ...resultHeader(microSuite, ctx, startedAt, t0),
      metrics: { timeMs, runs, cases: results, g11: { lineRatio: g11Line, validationOnlyRatio: g11Only, jsonParseNs: parse, handNs: hand, zodNs: zod } },
      goals,
      text,
      markdown,
    };
  },
};
