// Cluster suite (`cluster`): the same replay file through the single-process pipeline (SAB rings)
// and through two cluster nodes over a real nats-server on loopback (node A: feed + strategy
// runner, a child OS process; node B: trading core, portfolio and the rest, in this process; the
// bridges carry market.ticks and paper.signals.raw through JetStream). Both runs use the split
// topology and must produce the same fills.
//   - throughput: a replay at max pace, first to last tick consumed by the trading core;
//   - tick → fill decided at 1 k ticks/s (a realtime replay): the core's samples, from the feed's
//     stamp on node A to the fill decided on node B (one host: the clocks agree).
// Goals (issue "Beyond one machine"): NATS path ≥ 100 k ticks/s and p99 ≤ 2 ms on loopback,
// reported with the ratio to the single-process run of the same file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fill } from '../src/domain/types.js';
import { mdTable, ns, rate, ratio, textTable } from './harness/format.js';
import { Histogram, type LatencySummary } from './harness/histogram.js';
import { describeMachine } from './harness/machine.js';
import { NatsServer } from './harness/nats-server.js';
import { resultHeader, verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult } from './harness/suite.js';
import { makeDataset } from './replay-data.js';
import { runPipelineReplay, type PipelineRun } from './replay-pipeline.js';

const ENV = { RISK__MAX_DAILY_TRADES: '10000000', RISK__MAX_POSITION: '1000000' };
const SIZES = { quick: { tput: 3_000, lat: 1_000 }, full: { tput: 100_000, lat: 10_000 } };
const TPUT_FLOOR = 100_000;
const P99_FLOOR_NS = 2_000_000;

const essence = (f: Fill): string => [f.fillSeq, f.tradeId, f.orderId, f.token, f.side, f.quantity, f.price, f.ts].join(' ');
const sameFills = (a: PipelineRun, b: PipelineRun): boolean => a.fills.length === b.fills.length && a.fills.every((f, i) => essence(f) === essence(b.fills[i]!));

function latency(samples: Float64Array): LatencySummary {
  const h = new Histogram();
  for (const s of samples) h.record(Math.round(s));
  return h.summary();
}

interface Pair {
  readonly single: PipelineRun;
  readonly cluster: PipelineRun;
  readonly identical: boolean;
}

async function pair(file: string, n: number, env: Record<string, string>, natsUrl: string, log: (s: string) => void): Promise<Pair> {
  const single = await runPipelineReplay(file, n, env, log);
  const cluster = await runPipelineReplay(file, n, env, log, { natsUrl });
  return { single, cluster, identical: sameFills(single, cluster) };
}

export const clusterSuite: BenchSuite = {
  name: 'cluster',
  title: 'Two nodes over NATS JetStream vs one process (same replay file)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    const size = ctx.quick ? SIZES.quick : SIZES.full;
    const runs = ctx.quick ? 1 : ctx.runs;
    const dir = mkdtempSync(join(tmpdir(), 'ap-bench-cluster-'));
    const tput = await makeDataset(size.tput, 'bench-cluster');
    const lat = await makeDataset(size.lat, 'bench-cluster-latency');
    const tputRuns: Pair[] = [];
    const latRuns: Pair[] = [];
    try {
      // A fresh server (and store) per run: two fresh nodes start a new lineage of their streams
      // and checkpoint mirrors (README, "Running on several machines")
      const withNats = async <T>(name: string, fn: (url: string) => Promise<T>): Promise<T> => {
        const nats = await NatsServer.start(join(dir, name));
        try {
          return await fn(nats.url);
        } finally {
          await nats.stop();
        }
      };
      // 1 k ticks/s: the file's tick gap (ms) as the replay speed
      const paced = { ...ENV, MARKET_FEED__REPLAY_PACE: 'realtime', MARKET_FEED__REPLAY_SPEED: String(lat.gapMs) };
      for (let r = 0; r < runs; r++) {
        ctx.log(`cluster: throughput run ${r + 1}/${runs} (${size.tput} ticks at max pace)`);
        tputRuns.push(await withNats(`tput-${r}`, (url) => pair(tput.file, size.tput, ENV, url, ctx.log)));
        ctx.log(`cluster: latency run ${r + 1}/${runs} (${size.lat} ticks at 1 k/s)`);
        latRuns.push(await withNats(`lat-${r}`, (url) => pair(lat.file, size.lat, paced, url, ctx.log)));
        for (const p of [tputRuns.at(-1)!, latRuns.at(-1)!]) if (!p.identical) ctx.log(`cluster: FILLS DIFFER: one process ${p.single.fills.length}, two nodes ${p.cluster.fills.length}`);
      }
    } finally {
      tput.cleanup();
      lat.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }

    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const tSingle = median(tputRuns.map((p) => p.single.ticksPerSec));
    const tCluster = median(tputRuns.map((p) => p.cluster.ticksPerSec));
    const pick = (which: 'single' | 'cluster') => {
      const all = latRuns.map((p) => latency(p[which].decidedNs));
      return all.sort((a, b) => a.p99Ns - b.p99Ns)[Math.floor(all.length / 2)]!;
    };
    const lSingle = pick('single');
    const lCluster = pick('cluster');
    const identical = [...tputRuns, ...latRuns].every((p) => p.identical);
    const cpu = (xs: number[]) => median(xs).toFixed(1);

    const rows: string[][] = [
      ['measure', 'one process (rings)', 'two nodes (NATS)', 'NATS ÷ rings'],
      ['throughput, ticks/s (max pace)', rate(tSingle), rate(tCluster), ratio(tCluster / tSingle)],
      ['CPU µs per tick (this process: node B)', cpu(tputRuns.map((p) => p.single.cpuUsPerTick)), cpu(tputRuns.map((p) => p.cluster.cpuUsPerTick)), ''],
      ['tick → fill decided p50 @1k/s', ns(lSingle.p50Ns), ns(lCluster.p50Ns), ratio(lCluster.p50Ns / lSingle.p50Ns)],
      ['tick → fill decided p99 @1k/s', ns(lSingle.p99Ns), ns(lCluster.p99Ns), ratio(lCluster.p99Ns / lSingle.p99Ns)],
      ['tick → fill decided p99.9 @1k/s', ns(lSingle.p999Ns), ns(lCluster.p999Ns), ''],
      ['fills (throughput file)', String(tputRuns[0]?.single.fills.length ?? 0), String(tputRuns[0]?.cluster.fills.length ?? 0), identical ? 'identical' : 'DIFFER'],
    ];
    const goals: GoalCheck[] = [
      {
        id: 'CLUSTER tput',
        what: 'two-node replay over NATS JetStream (loopback), ticks/s',
        measured: `${rate(tCluster)} (${ratio(tCluster / tSingle)} of one process)`,
        floor: '≥ 100 k/s',
        stretch: '≥ 1/2 of one process',
        verdict: ctx.quick ? 'n/a' : tCluster >= TPUT_FLOOR ? (tCluster >= tSingle / 2 ? 'stretch' : 'pass') : 'fail',
        value: tCluster,
        unit: 'ticks/s',
      },
      {
        id: 'CLUSTER t2f p99',
        what: 'tick → fill decided across two nodes at 1 k ticks/s, p99',
        measured: `${ns(lCluster.p99Ns)} (one process ${ns(lSingle.p99Ns)})`,
        floor: '≤ 2 ms',
        stretch: '≤ 1 ms',
        verdict: ctx.quick ? 'n/a' : verdict(lCluster.p99Ns, P99_FLOOR_NS, 1_000_000, true),
        value: lCluster.p99Ns,
        unit: 'ns',
      },
      {
        id: 'CLUSTER fills',
        what: 'two-node fills equal the one-process fills of the same file, every run',
        measured: identical ? 'identical' : 'different',
        floor: 'identical',
        stretch: 'identical',
        verdict: identical ? 'pass' : 'fail',
      },
    ];
    const machine = describeMachine(ctx.machine);
    const text = textTable(rows);
    const markdown = [
      `## Two nodes over NATS JetStream (suite \`cluster\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${machine}. ${runs} run(s) each, medians. Files: ${size.tput} ticks (max pace), ${size.lat} ticks at 1 k ticks/s; default strategies, split topology.`,
      '',
      mdTable(rows),
      '',
      mdTable([['goal', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.measured, g.floor, g.stretch, g.verdict])]),
      '',
      '- Two nodes: a fresh nats-server (JetStream, file store in a temp dir) per run on 127.0.0.1; node B (trading core, portfolio, monitor, archiver) runs in the bench process, node A (market feed + strategy runner) is `npm start -- --node A` as a child process. All three processes share the same CPUs.',
      '- One process: the same file through the whole tree in the bench process (split topology, SAB rings).',
      '- Throughput: first to last tick consumed by the trading core (its ring consumer counter, polled every ms). Latency: the core\'s tick → fill decided samples (feed stamp → decision), at 1 k ticks/s from a realtime replay (the file\'s tick gap as the replay speed).',
    ].join('\n');
    return { ...resultHeader(this, ctx, startedAt, t0), metrics: { tSingle, tCluster, lSingle, lCluster, identical, runs }, goals, text, markdown };
  },
};
