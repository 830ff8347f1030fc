// The actor pipeline side of the `replay` suite: starts the REAL tree (createSystem, the main job's
// factory) on a replay file at max pace with the gateway off and a temp data dir, in the configured
// topology (RUNTIME__TOPOLOGY: split = strategy runner + trading core, fused = one trading core),
// times the core's consumption of market.ticks from the ring counters (first to last tick it
// consumed), waits until every lossless ring is drained and the core idle (every staged event
// released by a checkpoint), stops, and reads the fill log and orders back from LMDB for the
// fill-by-fill comparison with the backtest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { loadConfig, type AppConfig } from '../src/config.js';
import type { RiskStateJson } from '../src/domain/risk/index.js';
import type { Fill } from '../src/domain/types.js';
import type { StoredOrder } from '../src/protocol/engine.js';
import { tradingActorName, type Topology } from '../src/protocol/actors.js';
import { MARKET_TICKS } from '../src/protocol/topics.js';
import type { ActorStatus } from '../src/runtime/child.js';
import type { SupervisorStatus } from '../src/runtime/supervisor.js';
import { projectRoot, type ActorSystem } from '../src/runtime/system.js';
import { K } from '../src/store/keyspace.js';
import { createSystem } from '../actors/system-factory.js';
import { nodePlan, prepareNode } from '../actors/cluster-node.js';
import type { NodePlan } from '../src/cluster/placement.js';
import { spawn } from 'node:child_process';
import pino from 'pino';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface PipelineRun {
  readonly topology: Topology;
  readonly ticks: number;
  readonly startupMs: number;
  /** First to last tick consumed by the engine (poll granularity ~1 ms). */
  readonly elapsedMs: number;
  readonly ticksPerSec: number;
  /** Process CPU (all threads) during the measured window, per tick. */
  readonly cpuUsPerTick: number;
  readonly drainMs: number;
  readonly fills: readonly Fill[];
  /** orderId → `Status filledQty/qty` of every stored order (ids only: 100k+ full records are heavy). */
  readonly orders: ReadonlyMap<string, string>;
  /** Actor restarts during the run (any restart makes the run suspect), with their last errors. */
  readonly restarts: number;
  readonly restartErrors: readonly string[];
  readonly risk: { readonly validated: number; readonly rejected: number };
  readonly engine: { readonly signals: number; readonly applied: number; readonly duplicates: number };
  /**
   * How far the risk manager ran ahead of the venue: its market.ticks consumer minus the engine's
   * (both gated by event time), in ticks, sampled every poll (~1 ms): risk judges a signal of tick
   * R while the venue, and so the fill log risk reads, is still at tick R − lag.
   */
  readonly riskAheadTicks: { readonly max: number; readonly mean: number };
  /** IST day of the risk state's daily PnL (keyed by fill timestamps) after the run. */
  readonly riskPnlDay: number | null;
  /** The trading core's tick → fill decided latencies (ns; the last 65 536 at most). */
  readonly decidedNs: Float64Array;
}

/** Same env overlay as the main job would get from these variables (config loader, env wins). */
export function pipelineConfig(dataDir: string, file: string, extraEnv: Record<string, string>): AppConfig {
  const r = loadConfig({
    argv: [],
    env: {
      DATA_DIR: dataDir,
      // The monitor logs its latency verdicts at error level while a replay floods the pipeline:
      // keep stdout for the tables; crashes still show up as restarts with their last error
      LOG_LEVEL: 'fatal',
      API__ENABLED: 'false',
      MARKET_FEED__SOURCE: 'replay',
      MARKET_FEED__REPLAY_FILE: file,
      MARKET_FEED__REPLAY_PACE: 'max',
      ...extraEnv,
    },
    cwd: projectRoot(),
  });
  if (!r.ok) throw new Error(r.error.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.value;
}

async function snapshot<T>(system: ActorSystem, name: string): Promise<T> {
  const c = system.actor(name)?.control();
  if (c === undefined) throw new Error(`${name} is not running`);
  return (await c.snapshot()) as T;
}

function actorStatuses(s: SupervisorStatus): ActorStatus[] {
  return s.children.flatMap((c) => (c.kind === 'actor' ? [c] : actorStatuses(c)));
}

function drained(system: ActorSystem): boolean {
  const rings = system.ringStats();
  return ['paper.signals.raw', 'paper.signals.validated', 'paper.orders.filled'].every((t) => (rings[t]?.consumers ?? []).every((c) => c.lossy || c.lag === 0));
}

/** The placement of a two-node run: the feed and the strategy runner on A, the rest on B. */
export const TWO_NODES = { A: ['market-feed', 'strategy-runner'], B: ['*'] } as const;

export interface ReplayOptions {
  /**
   * Run as two cluster nodes over this NATS server (TWO_NODES): node B (the trading core, where
   * everything is measured) in this process, node A (feed and runner) as a child OS process.
   */
  readonly natsUrl?: string;
}

/** Node A of a two-node run: `node dist/actors/main.js --node A` on its own data dir. */
function startNodeA(dir: string, file: string, env: Record<string, string>): { stop: () => Promise<void> } {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist/actors/main.js'), '--node', 'A'], {
    cwd: projectRoot(),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env, DATA_DIR: join(dir, 'A'), LOG_LEVEL: 'fatal', API__ENABLED: 'false', MARKET_FEED__SOURCE: 'replay', MARKET_FEED__REPLAY_FILE: file, MARKET_FEED__REPLAY_PACE: env['MARKET_FEED__REPLAY_PACE'] ?? 'max' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Replays `file` (n ticks) through a fresh pipeline; `extraEnv` adds config overrides. */
export async function runPipelineReplay(file: string, n: number, extraEnv: Record<string, string>, log: (s: string) => void, opts: ReplayOptions = {}): Promise<PipelineRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-pipe-'));
  let nodeA: { stop: () => Promise<void> } | undefined;
  try {
    const clusterEnv: Record<string, string> = opts.natsUrl === undefined ? {} : { CLUSTER__NATS_URL: opts.natsUrl, CLUSTER__PLACEMENT: JSON.stringify(TWO_NODES) };
    const config = pipelineConfig(opts.natsUrl === undefined ? dir : join(dir, 'B'), file, { ...extraEnv, ...clusterEnv });
    const topology = config.runtime.topology;
    const ENGINE = tradingActorName(topology, 'engine', 'paper');
    const RISK = tradingActorName(topology, 'risk', 'paper');
    let plan: NodePlan | undefined;
    if (opts.natsUrl !== undefined) {
      const planned = nodePlan(config, 'B');
      if (!planned.ok) throw new Error(planned.errors.map((e) => e.message).join('\n'));
      plan = planned.plan;
    }
    const system = createSystem(config, plan === undefined ? {} : { root: plan.tree });
    const t0 = performance.now();
    if (plan !== undefined) {
      const db = await system.openStore();
      if (db === undefined) throw new Error('node B: the store did not open');
      // The bench asks nothing of node A's actors: the control plane is not needed
      await (await prepareNode(config, plan, db, pino({ level: 'silent' }))).close();
    }
    await system.start();
    if (opts.natsUrl !== undefined) nodeA = startNodeA(dir, file, { ...extraEnv, ...clusterEnv });
    const startupMs = performance.now() - t0;
    const names = system.consumersOf(MARKET_TICKS);
    const idx = names.indexOf(ENGINE);
    const riskIdx = names.indexOf(RISK);
    if (idx < 0 || riskIdx < 0) throw new Error(`${ENGINE} or ${RISK} does not consume ${MARKET_TICKS}`);
    const counters = (): [engine: number, risk: number] => {
      const c = system.ringStats()[MARKET_TICKS]?.consumers ?? [];
      return [c.find((x) => x.index === idx)?.received ?? 0, c.find((x) => x.index === riskIdx)?.received ?? 0];
    };

    // Poll the engine's consumer counter: the window opens at the last poll that saw 0 consumed
    let before = performance.now();
    let cpu0 = process.cpuUsage();
    let lastProgress = before;
    let seen = 0;
    let aheadMax = 0;
    let aheadSum = 0;
    let polls = 0;
    for (;;) {
      const [got, riskGot] = counters();
      const now = performance.now();
      aheadMax = Math.max(aheadMax, riskGot - got);
      aheadSum += riskGot - got;
      polls++;
      if (got === 0) {
        before = now;
        cpu0 = process.cpuUsage();
      }
      if (got !== seen) lastProgress = now;
      seen = got;
      if (got >= n) break;
      if (now - lastProgress > 60_000) {
        const actors = actorStatuses(system.status()).map((a) => `${a.name} ${a.state} gen ${a.gen}${a.lastError === null ? '' : ` (${a.lastError.code}: ${a.lastError.message})`}`);
        await system.stop().catch(() => undefined);
        throw new Error(`pipeline stalled at ${got}/${n} ticks consumed by ${ENGINE}; actors: ${actors.join('; ')}`);
      }
      await sleep(1);
    }
    const end = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const elapsedMs = end - before;
    log(`replay: pipeline consumed ${n} ticks in ${elapsedMs.toFixed(0)} ms; draining`);

    // Quiet: lossless rings drained, no engine commit pending, fill log unchanged over 3 polls
    let last = '';
    let stable = 0;
    while (stable < 3) {
      // Both topologies decide in a trading core: quiet = nothing staged, counts and checkpoints still
      const e = await snapshot<{ signals: number; staged: number; fills: number; checkpoints: { last: number } }>(system, ENGINE);
      const key = `${e.signals}/${e.fills}/${e.checkpoints.last}`;
      const pending = e.staged;
      stable = key === last && pending === 0 && drained(system) ? stable + 1 : 0;
      last = key;
      if (performance.now() - end > 120_000) throw new Error('pipeline did not go quiet within 120 s');
      await sleep(100);
    }
    const drainMs = performance.now() - end;
    const c = await snapshot<{ validated: number; rejected: number; duplicates: number }>(system, ENGINE);
    // The core submits every validated signal; the venue refuses known signal keys
    const eng = { signals: c.validated, applied: c.validated - c.duplicates, duplicates: c.duplicates };
    const risk = { validated: c.validated, rejected: c.rejected };
    const restarted = actorStatuses(system.status()).filter((a) => a.restarts > 0);
    // The core's tick → fill decided samples (the feed's stamp; on one host comparable across processes)
    const decided = ((await system.actor(ENGINE)?.control()?.call('decision-latency', null).catch(() => undefined)) as { samples?: Float64Array } | undefined)?.samples ?? new Float64Array(0);
    await nodeA?.stop();
    nodeA = undefined;
    await system.stop();

    const db = open({ path: config.store.path ?? join(dir, 'lmdb'), compression: false, encoding: 'msgpack', maxReaders: 256 });
    const fills: Fill[] = [];
    const orders = new Map<string, string>();
    let riskPnlDay: number | null = null;
    try {
      for (const { value } of db.getRange(K.fillRange('paper', 0))) fills.push(value as Fill);
      for (const { value } of db.getRange(K.orderRange('paper'))) {
        const o = value as StoredOrder;
        orders.set(o.orderId, `${o.status} ${o.filledQty}/${o.qty}`);
      }
      riskPnlDay = (db.get(K.riskState('paper')) as RiskStateJson | undefined)?.dailyPnl.day ?? null;
    } finally {
      await db.close();
    }
    return {
      topology,
      ticks: n,
      startupMs,
      elapsedMs,
      ticksPerSec: (n * 1000) / elapsedMs,
      cpuUsPerTick: (cpu.user + cpu.system) / n,
      drainMs,
      fills,
      orders,
      risk,
      engine: { signals: eng.signals, applied: eng.applied, duplicates: eng.duplicates },
      restarts: restarted.reduce((sum, a) => sum + a.restarts, 0),
      restartErrors: restarted.map((a) => `${a.name}: ${a.lastError?.code ?? '?'} ${a.lastError?.message ?? ''}`.trim()),
      riskAheadTicks: { max: aheadMax, mean: aheadSum / Math.max(1, polls) },
      riskPnlDay,
      decidedNs: decided,
    };
  } finally {
    await nodeA?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
