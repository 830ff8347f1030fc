// Ring transport suite: G1 (throughput vs postMessage), G2 (one-hop latency at 100k msgs/s, awake
// consumer), G3 (pump park/doorbell wake at 1k msgs/s vs pure spin; idle CPU of 6 parked pumps)
// and G13 (hop p50 vs the raw Atomics spin ping-pong RTT/2). Every ratio is taken within this run.
import type { LatencySummary } from './harness/histogram.js';
import { mdTable, medianRun, ns, pct, rate, ratio, spread, textTable, type Spread } from './harness/format.js';
import { describeMachine, waitForQuiet } from './harness/machine.js';
import { verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult, resultHeader } from './harness/suite.js';
import {
  RING_CAPACITY,
  hopLatency,
  idleCpu,
  postMessageThroughput,
  ringThroughput,
  spinPingPong,
  type IdleResult,
  type LatKind,
  type LatResult,
  type TputResult,
} from './ring-measure.js';

interface Sizes {
  ringN: number;
  pmN: number;
  lat100kCount: number;
  wake1kCount: number;
  ppN: number;
  idleMs: number;
  bareMs: number;
}

const FULL: Sizes = { ringN: 10_000_000, pmN: 300_000, lat100kCount: 200_000, wake1kCount: 4_000, ppN: 300_000, idleMs: 5_000, bareMs: 2_000 };
const QUICK: Sizes = { ringN: 1_000_000, pmN: 50_000, lat100kCount: 20_000, wake1kCount: 300, ppN: 20_000, idleMs: 1_000, bareMs: 500 };
const IDLE_WORKERS = 6;
/** A run during which other processes used more than this share of the box is repeated. */
const MAX_OTHER_LOAD = 0.1;
const MAX_ATTEMPTS = 4;

/** Attempts and other-load of each kept run, for the report. */
const retries: { label: string; attempts: number; otherLoad: number | null }[] = [];

/**
 * Runs `f`; on a shared box, a run during which other processes took more than MAX_OTHER_LOAD of
 * the CPUs is repeated (after waiting for quiet) up to MAX_ATTEMPTS times, keeping the least
 * contaminated run. Every kept run's attempts and load are reported, so nothing is hidden.
 */
async function clean<T extends { readonly otherLoad: number | null }>(ctx: BenchContext, label: string, f: () => Promise<T>): Promise<T> {
  let best: T | undefined;
  let attempts = 0;
  const attemptsMax = ctx.quick ? 1 : MAX_ATTEMPTS;
  while (attempts < attemptsMax) {
    if (attempts > 0) await waitForQuiet(30, MAX_OTHER_LOAD, ctx.log);
    attempts++;
    const r = await f();
    if (best === undefined || (r.otherLoad ?? 1) < (best.otherLoad ?? 1)) best = r;
    if (r.otherLoad !== null && r.otherLoad <= MAX_OTHER_LOAD) break;
    if (attempts < attemptsMax) ctx.log(`ring: ${label}: other processes used ${((r.otherLoad ?? 1) * 100).toFixed(0)} % of the box; repeating`);
  }
  retries.push({ label, attempts, otherLoad: best!.otherLoad });
  return best!;
}
const LAT_KINDS: readonly LatKind[] = ['ring-spin', 'ring-pump', 'postMessage'];

interface LatAgg {
  readonly kind: LatKind;
  /** Per-run summaries, timer-corrected (one performance.now() subtracted). */
  readonly runs: readonly LatencySummary[];
  readonly p50: Spread;
  readonly p99: Spread;
  readonly p999: Spread;
  readonly max: Spread;
  readonly timerNs: number;
  readonly negatives: number;
  readonly producerLate10us: number;
  readonly producerBlocked: number;
  readonly gcPer1M: { count: number; totalMs: number; maxMs: number };
  readonly otherLoad: readonly (number | null)[];
}

/** Median share of the box other processes used during the runs, as text. */
function loadStr(xs: readonly (number | null)[]): string {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? '?' : `${(spread(known).median * 100).toFixed(0)} %`;
}

function aggregate(kind: LatKind, runs: readonly LatResult[]): LatAgg {
  const sums = runs.map((r) => r.hist.summary(r.timerNs));
  const samples = runs.reduce((s, r) => s + r.hist.count, 0);
  const per1M = 1e6 / Math.max(1, samples);
  return {
    kind,
    runs: sums,
    p50: spread(sums.map((s) => s.p50Ns)),
    p99: spread(sums.map((s) => s.p99Ns)),
    p999: spread(sums.map((s) => s.p999Ns)),
    max: spread(sums.map((s) => s.maxNs)),
    timerNs: spread(runs.map((r) => r.timerNs)).median,
    negatives: runs.reduce((s, r) => s + r.negatives, 0),
    producerLate10us: runs.reduce((s, r) => s + r.producer.late10us, 0),
    producerBlocked: runs.reduce((s, r) => s + r.producer.blocked, 0),
    gcPer1M: {
      count: runs.reduce((s, r) => s + r.gc.count, 0) * per1M,
      totalMs: runs.reduce((s, r) => s + r.gc.totalMs, 0) * per1M,
      maxMs: Math.max(...runs.map((r) => r.gc.maxMs)),
    },
    otherLoad: runs.map((r) => r.otherLoad),
  };
}

function tputAgg(runs: readonly TputResult[]): { rate: Spread; gcPer1M: number; gcMsPer1M: number; runs: readonly TputResult[] } {
  const n = runs.reduce((s, r) => s + r.count, 0);
  return {
    rate: spread(runs.map((r) => r.perSec)),
    gcPer1M: (runs.reduce((s, r) => s + r.gc.count, 0) * 1e6) / n,
    gcMsPer1M: (runs.reduce((s, r) => s + r.gc.totalMs, 0) * 1e6) / n,
    runs,
  };
}

const range = (s: Spread, f: (v: number) => string): string => (s.runs.length > 1 ? `${f(s.min)} – ${f(s.max)}` : '—');

function latRows(aggs: readonly LatAgg[]): string[][] {
  return [
    ['transport', 'p50', 'p90', 'p99', 'p99.9', 'max', 'p50 spread', 'p99 spread', 'samples', 'GC/1M (ms)', 'other load'],
    ...aggs.map((a) => {
      const mid = medianRun(a.runs, (s) => s.p99Ns);
      return [
        a.kind,
        ns(a.p50.median),
        ns(mid.p90Ns),
        ns(a.p99.median),
        ns(a.p999.median),
        ns(a.max.median),
        range(a.p50, ns),
        range(a.p99, ns),
        String(a.runs.reduce((s, r) => s + r.count, 0)),
        `${a.gcPer1M.count.toFixed(0)} (${a.gcPer1M.totalMs.toFixed(1)})`,
        loadStr(a.otherLoad),
      ];
    }),
  ];
}

export const ringSuite: BenchSuite = {
  name: 'ring',
  title: 'Ring transport: throughput, hop latency, wake latency, idle cost',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    retries.length = 0;
    const z = ctx.quick ? QUICK : FULL;
    const runs = ctx.quick ? 1 : ctx.runs;
    const times = <T>(k: number, f: (i: number) => Promise<T>): Promise<T[]> =>
      Array.from({ length: k }).reduce<Promise<T[]>>(async (acc, _, i) => [...(await acc), await f(i)], Promise.resolve([]));

    // Alternate ring and postMessage runs so slow drift on a shared box hits both alike.
    const ringT: TputResult[] = [];
    const rawT: TputResult[] = [];
    const pmT: TputResult[] = [];
    for (let i = 0; i < runs; i++) {
      ctx.log(`ring: throughput run ${i + 1}/${runs}`);
      ringT.push(await clean(ctx, `ring throughput ${i + 1}`, () => ringThroughput(z.ringN)));
      pmT.push(await clean(ctx, `postMessage throughput ${i + 1}`, () => postMessageThroughput(z.pmN)));
      rawT.push(await clean(ctx, `ring no-decode throughput ${i + 1}`, () => ringThroughput(z.ringN, true)));
    }
    const ringTp = tputAgg(ringT);
    const rawTp = tputAgg(rawT);
    const pmTp = tputAgg(pmT);

    const lat = async (r: number, count: number): Promise<LatAgg[]> => {
      const out: LatResult[][] = LAT_KINDS.map(() => []);
      for (let i = 0; i < runs; i++) {
        for (const [k, kind] of LAT_KINDS.entries()) {
          ctx.log(`ring: ${kind} latency at ${rate(r)}, run ${i + 1}/${runs}`);
          out[k]!.push(await clean(ctx, `${kind} @${rate(r)} ${i + 1}`, () => hopLatency(kind, r, count, Math.floor(count / 10))));
        }
      }
      return LAT_KINDS.map((kind, k) => aggregate(kind, out[k]!));
    };
    const lat100k = await lat(100_000, z.lat100kCount);
    const wake1k = await lat(1_000, z.wake1kCount);

    ctx.log('ring: spin ping-pong floor');
    const pp = await times(runs, (i) => clean(ctx, `ping-pong ${i + 1}`, () => spinPingPong(z.ppN, Math.floor(z.ppN / 10))));
    const ppSum = pp.map((r) => r.rtt.summary(r.timerNs));
    const rttP50 = spread(ppSum.map((s) => s.p50Ns));
    const floorOneWay = rttP50.median / 2;

    ctx.log(`ring: idle CPU of ${IDLE_WORKERS} parked pumps (${z.idleMs} ms)`);
    const idlePump: IdleResult = await clean(ctx, 'idle pumps', () => idleCpu('pump', IDLE_WORKERS, z.idleMs));
    const idleBare: IdleResult = await clean(ctx, 'idle bare workers', () => idleCpu('bare', IDLE_WORKERS, z.bareMs));

    // ------------------------------------------------------------ goals
    const by = (aggs: readonly LatAgg[], kind: LatKind): LatAgg => aggs.find((a) => a.kind === kind)!;
    const g1 = ringTp.rate.median / pmTp.rate.median;
    const hop = by(lat100k, 'ring-spin');
    const pm100 = by(lat100k, 'postMessage');
    const g2p50 = hop.p50.median / pm100.p50.median;
    const g2p99 = hop.p99.median / pm100.p99.median;
    const pumpWake = by(wake1k, 'ring-pump');
    const spinWake = by(wake1k, 'ring-spin');
    const pmWake = by(wake1k, 'postMessage');
    const g3 = pumpWake.p99.median / spinWake.p99.median;
    const g13 = hop.p50.median / floorOneWay;
    const goals: GoalCheck[] = [
      { id: 'G1', what: 'ring msgs/s ÷ postMessage msgs/s (tick record)', measured: ratio(g1), floor: '≥ 30×', stretch: '≥ 100×', verdict: verdict(g1, 30, 100, false) },
      { id: 'G1 abs', what: 'ring throughput', measured: rate(ringTp.rate.median), floor: '≥ 10 M/s', stretch: '—', verdict: verdict(ringTp.rate.median, 10e6, Number.POSITIVE_INFINITY, false) },
      { id: 'G2 p50', what: 'hop p50 ring ÷ postMessage @100k/s', measured: ratio(g2p50), floor: '≤ 1/20', stretch: '≤ 1/40', verdict: verdict(g2p50, 1 / 20, 1 / 40, true) },
      { id: 'G2 p99', what: 'hop p99 ring ÷ postMessage @100k/s', measured: ratio(g2p99), floor: '≤ 1/20', stretch: '≤ 1/40', verdict: verdict(g2p99, 1 / 20, 1 / 40, true) },
      { id: 'G2 abs', what: 'ring hop p50 / p99 @100k/s', measured: `${ns(hop.p50.median)} / ${ns(hop.p99.median)}`, floor: '≤ 1 µs / ≤ 2 µs', stretch: '—', verdict: hop.p50.median <= 1000 && hop.p99.median <= 2000 ? 'pass' : 'fail' },
      { id: 'G3 wake', what: 'pump p99 ÷ pure-spin p99 @1k/s', measured: ratio(g3), floor: '≤ 10×', stretch: '≤ 3×', verdict: verdict(g3, 10, 3, true) },
      { id: 'G3 p50', what: 'parked wake p50 vs postMessage p50 @1k/s', measured: `${ns(pumpWake.p50.median)} vs ${ns(pmWake.p50.median)}`, floor: '≤ postMessage', stretch: '—', verdict: verdict(pumpWake.p50.median / pmWake.p50.median, 1, 0, true) },
      { id: 'G3 idle', what: `idle CPU, ${IDLE_WORKERS} parked pumps (process, % of one core)`, measured: pct(idlePump.cpuPctOfOneCore), floor: '≤ 5 %', stretch: '≤ 2 %', verdict: verdict(idlePump.cpuPctOfOneCore, 5, 2, true) },
      { id: 'G13', what: 'ring hop p50 ÷ spin ping-pong RTT/2 p50', measured: ratio(g13), floor: '≤ 3×', stretch: '≤ 1.5×', verdict: verdict(g13, 3, 1.5, true) },
    ];

    // ------------------------------------------------------------ report
    const tputRows = [
      ['transport', 'msgs/s (median)', 'spread', 'runs × msgs', 'GC/1M (ms)', 'other load'],
      ['ring (TickSender→TickReceiver)', rate(ringTp.rate.median), range(ringTp.rate, rate), `${runs} × ${z.ringN}`, `${ringTp.gcPer1M.toFixed(1)} (${ringTp.gcMsPer1M.toFixed(1)})`, loadStr(ringT.map((r) => r.otherLoad))],
      ['postMessage (MessageChannel)', rate(pmTp.rate.median), range(pmTp.rate, rate), `${runs} × ${z.pmN}`, `${pmTp.gcPer1M.toFixed(1)} (${pmTp.gcMsPer1M.toFixed(1)})`, loadStr(pmT.map((r) => r.otherLoad))],
      ['ratio ring ÷ postMessage', ratio(g1), '', '', '', ''],
      ['(diagnostic) ring, consumer skips decode', rate(rawTp.rate.median), range(rawTp.rate, rate), `${runs} × ${z.ringN}`, `${rawTp.gcPer1M.toFixed(1)} (${rawTp.gcMsPer1M.toFixed(1)})`, loadStr(rawT.map((r) => r.otherLoad))],
    ];
    const ppRows = [
      ['spin ping-pong', 'RTT p50', 'RTT p99', 'RTT p99.9', 'RTT/2 p50', 'clock offset', 'timer cost', 'other load'],
      [
        'Atomics.load/store',
        ns(rttP50.median),
        ns(spread(ppSum.map((s) => s.p99Ns)).median),
        ns(spread(ppSum.map((s) => s.p999Ns)).median),
        ns(floorOneWay),
        ns(spread(pp.map((r) => r.offsetNs)).median),
        ns(pp[0]!.timerNs),
        loadStr(pp.map((r) => r.otherLoad)),
      ],
    ];
    const idleRows = [
      ['idle workers', 'count', 'CPU (% of one core)', 'wall', 'pump parks', 'other load'],
      ['Pump over an empty tick ring', String(IDLE_WORKERS), pct(idlePump.cpuPctOfOneCore), ns(idlePump.wallMs * 1e6), String(idlePump.pumpParks ?? '—'), loadStr([idlePump.otherLoad])],
      ['bare worker (baseline)', String(IDLE_WORKERS), pct(idleBare.cpuPctOfOneCore), ns(idleBare.wallMs * 1e6), '—', loadStr([idleBare.otherLoad])],
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
    const timer = ns(hop.timerNs);
    const notes = [
      `Ring: ${RING_CAPACITY} slots × ${256} B, block policy, 1 producer worker → 1 consumer worker; main thread idle.`,
      `Latency: open-loop paced producer stamps at injection; consumer computes now − stamp; first 10 % discarded; one timer read (${timer}) subtracted.`,
      `ring-spin = consumer spinning on drain() (awake); ring-pump = production Pump (adaptive spin, then park on the doorbell).`,
      `Producer injections > 10 µs late: @100k ${lat100k.map((a) => `${a.kind} ${a.producerLate10us}`).join(', ')}; @1k ${wake1k.map((a) => `${a.kind} ${a.producerLate10us}`).join(', ')}.`,
      `Negative samples (clock skew): ${[...lat100k, ...wake1k].reduce((s, a) => s + a.negatives, 0)}. Load average at start ${ctx.machine.loadAvgAtStart.join(' / ')}.`,
      `"other load" = share of both CPUs used by other processes during the measurement (/proc/stat minus this process): anything above a few % means the numbers on that row are contaminated.`,
      `Runs with other load > ${MAX_OTHER_LOAD * 100} % were repeated (up to ${ctx.quick ? 1 : MAX_ATTEMPTS} attempts, least contaminated kept): ${
        retries.filter((r) => r.attempts > 1).length
      } of ${retries.length} runs needed a repeat; ${retries.filter((r) => (r.otherLoad ?? 1) > MAX_OTHER_LOAD).length} kept runs are still above the threshold.`,
    ];
    const text = [
      `Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`,
      '',
      'Throughput (G1)',
      textTable(tputRows),
      '',
      'One-hop latency @100k msgs/s (G2, G13)',
      textTable(latRows(lat100k)),
      '',
      'Wake latency @1k msgs/s (G3)',
      textTable(latRows(wake1k)),
      '',
      'Floor (G13)',
      textTable(ppRows),
      '',
      'Idle cost (G3)',
      textTable(idleRows),
      '',
      'Goals',
      textTable(goalRows),
      '',
      ...notes,
    ].join('\n');
    const markdown = [
      `## Ring transport (suite \`ring\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${describeMachine(ctx.machine)}. ${runs} run(s) per measurement; medians shown, spread = min – max over runs.`,
      '',
      '### Goals',
      mdTable(goalRows),
      '',
      '### Throughput (G1)',
      mdTable(tputRows),
      '',
      '### One-hop latency at 100k msgs/s (G2, G13)',
      mdTable(latRows(lat100k)),
      '',
      '### Wake latency at 1k msgs/s (G3)',
      mdTable(latRows(wake1k)),
      '',
      '### Floor: raw spin ping-pong (G13)',
      mdTable(ppRows),
      '',
      '### Idle cost (G3)',
      mdTable(idleRows),
      '',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');

    return {
      ...resultHeader(ringSuite, ctx, startedAt, t0),
      metrics: {
        config: { ringCapacity: RING_CAPACITY, slotBytes: 256, runs, sizes: z },
        throughput: { ring: ringTp, postMessage: pmTp, ratio: g1, ringNoDecode: rawTp },
        latency100k: lat100k,
        wake1k,
        pingPong: {
          runs: ppSum,
          rttP50,
          oneWayFloorNs: floorOneWay,
          offsetNs: pp.map((r) => r.offsetNs),
          timerNs: pp.map((r) => r.timerNs),
          otherLoad: pp.map((r) => r.otherLoad),
        },
        idle: { pump: idlePump, bare: idleBare },
        retries: [...retries],
      },
      goals,
      text,
      markdown,
    };
  },
};

