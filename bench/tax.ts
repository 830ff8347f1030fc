// Tax suite (G9 persistence, G10 logging): saturation throughput of the real split pipeline (the
// bench injector at max pace, like a replay at max pace) with LMDB durability 'overlapping'
// (default) vs 'nosync' (persistence cannot be switched off: nosync is the lower bound of its cost,
// every write still happens, only the fsyncs go) and LOG_LEVEL=info vs silent; plus the raw anchors
// measured in the same run: lmdb-js async put / get rate, commit→flushed vs raw 4 KB write+fdatasync,
// and the cost of one info log line in a worker.
import { mdTable, ns, rate, ratio, textTable } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult, resultHeader } from './harness/suite.js';
import type { PipelineJob } from './pipeline-harness/job.js';
import { gcCell, type StepSummary } from './pipeline-harness/measure.js';
import { aggregate, attempt, profiled, profileMarkdown, spreadCell, type Agg } from './pipeline-harness/report.js';
import { flushLatency, lmdbPutRate, logLineCost, venueStateCost, type FlushLatency, type LogLineCost, type PutRate, type VenueStateCost } from './tax-raw.js';

interface Variant {
  readonly id: string;
  readonly durability: 'overlapping' | 'nosync' | 'strict';
  readonly logLevel: 'info' | 'silent';
}
const BASE: Variant = { id: 'overlapping / silent', durability: 'overlapping', logLevel: 'silent' };
const NOSYNC: Variant = { id: 'nosync / silent', durability: 'nosync', logLevel: 'silent' };
const INFO: Variant = { id: 'overlapping / info', durability: 'overlapping', logLevel: 'info' };
const STRICT: Variant = { id: 'strict / silent', durability: 'strict', logLevel: 'silent' };

interface Sizes {
  readonly satTicks: number;
  readonly puts: number;
  readonly syncs: number;
  readonly logLines: number;
  readonly variants: readonly Variant[];
  /** Session order counts at which the venue-state snapshot cost is measured. */
  readonly venueOrders: readonly number[];
}
const QUICK: Sizes = { satTicks: 4_000, puts: 100_000, syncs: 200, logLines: 5_000, variants: [BASE, NOSYNC, INFO], venueOrders: [100, 1_000, 5_000] };
const FULL: Sizes = { satTicks: 20_000, puts: 1_000_000, syncs: 2_000, logLines: 50_000, variants: [BASE, NOSYNC, INFO, STRICT], venueOrders: [100, 1_000, 5_000, 20_000] };

const job = (v: Variant, ticks: number): PipelineJob => ({
  topology: 'split',
  env: { RUNTIME__TRANSPORT: 'ring', STORE__DURABILITY: v.durability, LOG_LEVEL: v.logLevel },
  steps: [{ rate: 0, count: ticks, mode: 'max', warmupFrac: 0 }],
  drainTimeoutMs: 60_000,
});

export const taxSuite: BenchSuite = {
  name: 'tax',
  title: 'Persistence and logging tax on pipeline throughput (G9, G10)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const z = ctx.quick ? QUICK : FULL;
    const runs = ctx.quick ? 1 : ctx.runs;
    const got = new Map<string, { steps: StepSummary[]; errors: string[] }>(z.variants.map((v) => [v.id, { steps: [], errors: [] }]));
    for (let i = 0; i < runs; i++) {
      for (const v of z.variants) {
        const r = await attempt(job(v, z.satTicks), ctx.log, `tax: ${v.id} at max pace, run ${i + 1}/${runs}`);
        const s = got.get(v.id)!;
        if (r.steps[0] !== undefined) s.steps.push(r.steps[0]);
        else s.errors.push((r.error ?? 'no step').split('\n')[0]!);
      }
    }
    const agg = (v: Variant): Agg => aggregate(got.get(v.id)!.steps, got.get(v.id)!.errors, (s) => s.throughput);
    const tput = (v: Variant): number => agg(v).throughput.median;

    ctx.log('tax: raw lmdb-js put/get rate, commit→flushed vs fdatasync, log line cost');
    const puts: PutRate[] = [await lmdbPutRate('overlapping', z.puts), await lmdbPutRate('nosync', z.puts)];
    const sync: FlushLatency = await flushLatency(z.syncs);
    const logCost: LogLineCost = await logLineCost(z.logLines);
    const venue: VenueStateCost[] = await venueStateCost(z.venueOrders);
    const prof = ctx.quick ? [] : await profiled(job(BASE, z.satTicks), ctx.log, 'tax: overlapping / silent saturation');

    // ------------------------------------------------------------------ goals
    const g9 = tput(BASE) / tput(NOSYNC);
    const g10 = tput(INFO) / tput(BASE);
    const putOverlap = puts[0]!;
    const flushRatio = sync.commitToFlushed.p99Ns / sync.fdatasync.p99Ns;
    const goals: GoalCheck[] = [
      { id: 'G9', what: 'saturation fills/s overlapping ÷ nosync (persistence-off bound)', measured: ratio(g9), floor: '≥ 0.90', stretch: '≥ 0.97', verdict: verdict(g9, 0.9, 0.97, false) },
      { id: 'G9 put', what: 'lmdb-js async batched put rate (overlapping)', measured: rate(putOverlap.putsPerSec), floor: '≥ 300k/s', stretch: '—', verdict: verdict(putOverlap.putsPerSec, 300_000, Number.POSITIVE_INFINITY, false) },
      { id: 'G9 get', what: 'lmdb-js get rate (msgpack decode)', measured: rate(putOverlap.getsPerSec), floor: '≥ 1M/s', stretch: '—', verdict: verdict(putOverlap.getsPerSec, 1_000_000, Number.POSITIVE_INFINITY, false) },
      { id: 'G9 flush', what: 'commit→flushed p99 ÷ raw 4 KB write+fdatasync p99', measured: `${ratio(flushRatio)} (${ns(sync.commitToFlushed.p99Ns)} vs ${ns(sync.fdatasync.p99Ns)})`, floor: '≤ 2×', stretch: '—', verdict: verdict(flushRatio, 2, 0, true) },
      { id: 'G10', what: 'saturation fills/s LOG_LEVEL=info ÷ silent', measured: ratio(g10), floor: '≥ 0.95', stretch: '≥ 0.99', verdict: verdict(g10, 0.95, 0.99, false) },
      { id: 'G10 off', what: 'disabled log call (level silent), worker', measured: ns(logCost.silentNs), floor: '≤ 20 ns', stretch: '—', verdict: verdict(logCost.silentNs, 20, 0, true) },
      { id: 'G10 pino÷winston', what: 'pino vs winston on the bench line', measured: 'winston not installed', floor: '≥ 2×', stretch: '—', verdict: 'n/a' },
    ];

    // ------------------------------------------------------------------ report
    const base = tput(BASE);
    const satRows = [
      ['durability / log level', 'fills/s (median)', 'spread', '÷ overlapping/silent', 'p99', 'complete', 'worker log lines', 'GC/1M ticks', 'CPU s/1M'],
      ...z.variants.map((v) => {
        const a = agg(v);
        const m = a.median;
        if (m === undefined) return [v.id, 'FAILED', a.errors[0] ?? '', '', '', '', '', '', ''];
        return [v.id, rate(m.throughput), spreadCell(a.throughput, rate), ratio(a.throughput.median / base), ns(m.lat.p99Ns), `${m.complete ? 'yes' : 'NO'} (${m.fills}/${m.ticks})`, String(m.logLines), gcCell(m), m.cpuSPer1M.toFixed(0)];
      }),
    ];
    const rawRows = [
      ['anchor', 'value'],
      ...puts.map((p) => [`lmdb-js put (${p.durability}), ${p.puts} × 10-field object, async batched`, rate(p.putsPerSec)]),
      ...puts.map((p) => [`lmdb-js get (${p.durability}), random keys`, rate(p.getsPerSec)]),
      [`commit of one 4 KB txn (overlapping), p50 / p99 / max, ${z.syncs} sequential`, `${ns(sync.commit.p50Ns)} / ${ns(sync.commit.p99Ns)} / ${ns(sync.commit.maxNs)}`],
      ['commit of the same txn with nosync, p50 / p99 / max', `${ns(sync.commitNosync.p50Ns)} / ${ns(sync.commitNosync.p99Ns)} / ${ns(sync.commitNosync.maxNs)}`],
      ['commit → db.flushed (overlapping), p50 / p99 / max', `${ns(sync.commitToFlushed.p50Ns)} / ${ns(sync.commitToFlushed.p99Ns)} / ${ns(sync.commitToFlushed.maxNs)}`],
      ['raw 4 KB pwrite + fdatasync (node:fs), p50 / p99 / max', `${ns(sync.fdatasync.p50Ns)} / ${ns(sync.fdatasync.p99Ns)} / ${ns(sync.fdatasync.maxNs)}`],
      [`pino info line (order_filled payload) in a worker → process.stdout, ${logCost.lines} lines`, `${ns(logCost.infoNs)} per line`],
      ['same call with the level silent', `${ns(logCost.silentNs)} per call`],
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
    const venueRows = [
      ['orders in the session', 'exportState()', 'state size (JSON)', 'LMDB put of the record', 'per engine commit'],
      ...venue.map((v) => [String(v.orders), ns(v.exportMs * 1e6), `${(v.jsonBytes / 2 ** 20).toFixed(2)} MiB`, ns(v.putMs * 1e6), ns((v.exportMs + v.putMs) * 1e6)]),
    ];
    const notes = [
      `Pipeline: split tree, ring transport, ${z.satTicks} ticks injected at max pace (block policy), every tick → one signal → one order → one fill; fills/s = fills ÷ (last fill − first injection). ${runs} run(s) per variant, alternated; median run shown.`,
      'There is no switch that turns persistence off (every actor commits its effects with its consumer position): nosync keeps every LMDB write and drops only the fsyncs, so G9 here bounds the durability cost, not the whole persistence cost.',
      'The product logs nothing per order or fill at info (only start-up/lifecycle lines), so the pipeline G10 ratio measures what exists; the per-line cost above is what logging every fill in a worker would add (a worker stdout write is a message to the main thread).',
      `Load average at start ${ctx.machine.loadAvgAtStart.join(' / ')}.`,
    ];
    const text = [
      `Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`,
      '',
      'Saturation throughput by durability and log level (G9, G10)',
      textTable(satRows),
      '',
      'Raw anchors (same run)',
      textTable(rawRows),
      '',
      'Venue state written by every engine commit, by orders in the session',
      textTable(venueRows),
      '',
      'Goals',
      textTable(goalRows),
      '',
      ...notes,
    ].join('\n');
    const markdown = [
      `## Persistence and logging tax (suite \`tax\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${describeMachine(ctx.machine)}.`,
      '',
      '### Goals',
      mdTable(goalRows),
      '',
      '### Saturation throughput (G9, G10)',
      mdTable(satRows),
      '',
      '### Raw anchors (same run)',
      mdTable(rawRows),
      '',
      '### Venue state written by every engine commit, by orders in the session',
      mdTable(venueRows),
      ...(prof.length > 0 ? ['', '### Profile: overlapping / silent at saturation (`--cpu-prof`)', profileMarkdown(prof)] : []),
      '',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');
    return {
      ...resultHeader(taxSuite, ctx, startedAt, t0),
      metrics: {
        config: { sizes: z, runs },
        saturation: Object.fromEntries(z.variants.map((v) => [v.id, agg(v)])),
        ratios: { g9, g10 },
        raw: { puts, sync, logCost, venue },
        profile: prof,
      },
      goals,
      text,
      markdown,
    };
  },
};
