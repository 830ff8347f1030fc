// Child-process entry of the pipeline benches: receives one PipelineJob over IPC, starts the bench
// system (real actors, real LMDB in a temp dir, real config loader), runs its steps one after the
// other and sends back a JobResult. One system per process so `--trace-gc` (every thread's GC) and
// `--cpu-prof` can be applied by the parent, and each job starts from an empty store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystem } from '../../actors/system-factory.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { InjectResult } from '../actors/tick-injector.actor.js';
import type { ProbeProgress, ProbeResult } from '../actors/fill-probe.actor.js';
import { Histogram } from '../harness/histogram.js';
import { MARK, type ActorMem, type JobResult, type PipelineJob, type StepResult, type StepSpec, type StreamResult } from './job.js';
import { freePort } from '../harness/net.js';
import { Child } from '../ws-fanout/proc.js';
import type { FromClients, ToClients } from './stream-clients.js';

const STREAM_TOKEN = 'bench-stream-token-0123456789';

/** What the clients saw since the previous report (the last released events get 500 ms to arrive). */
async function clientReport(clients: Child<ToClients, FromClients> | null, n: number, connectMs: number): Promise<StreamResult> {
  if (clients === null) return { clients: 0, connectMs: 0, ticks: 0, dropped: 0, fills: 0, releaseToClientCounts: [], cpuS: 0 };
  await sleep(500);
  clients.post({ type: 'report' });
  const rep = await clients.next<Extract<FromClients, { type: 'report' }>>('report', 30_000);
  return { clients: n, connectMs, ticks: rep.ticks, dropped: rep.dropped, fills: rep.fills, releaseToClientCounts: rep.counts, cpuS: rep.cpuS };
}

/** The job's stream clients, subscribed and ready (none for 0 clients). */
async function startClients(job: PipelineJob, port: number): Promise<{ child: Child<ToClients, FromClients> | null; connectMs: number }> {
  const n = job.stream?.clients ?? 0;
  if (n === 0) return { child: null, connectMs: 0 };
  const child = new Child<ToClients, FromClients>(new URL('./stream-clients.js', import.meta.url), [], 'stream clients');
  child.post({ type: 'start', url: `ws://127.0.0.1:${port}/ws`, token: STREAM_TOKEN, n, mode: job.stream!.mode, broker: 'paper' });
  const ready = await child.next<Extract<FromClients, { type: 'ready' }>>('ready', 120_000);
  return { child, connectMs: ready.ms };
}
import { createStampTable } from './stamps.js';
import { benchConfig, benchEnv, buildBenchTree } from './tree.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function control(system: ActorSystem, name: string) {
  const c = system.actor(name)?.control();
  if (c === undefined || c === null) throw new Error(`bench: actor ${name} is not running`);
  return c;
}

const call = <T>(system: ActorSystem, name: string, cmd: string, arg: unknown = null): Promise<T> => control(system, name).call(cmd, arg) as Promise<T>;

async function heapOf(system: ActorSystem, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (await control(system, n).status()).memory.heapUsed;
  return out;
}

async function runStep(system: ActorSystem, job: PipelineJob, spec: StepSpec, index: number, actors: readonly string[]): Promise<StepResult> {
  const fromSeq = await call<number>(system, 'tick-injector', 'next-seq');
  const toSeq = fromSeq + spec.count - 1;
  const sliceTicks = spec.mode === 'paced' ? Math.max(1, Math.round(spec.rate)) : Math.max(1, Math.ceil(spec.count / 10));
  await call(system, 'fill-probe', 'begin', { fromSeq, warmSeq: fromSeq + Math.floor(spec.count * spec.warmupFrac), toSeq, sliceTicks });
  const heap0 = await heapOf(system, actors);
  // Both topologies decide fills in the paper broker's trading core
  const core = 'trading-core-paper';
  await call(system, core, 'decision-latency'); // start the step's samples afresh
  process.stdout.write(`${MARK} begin ${index}\n`);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const inject = await call<InjectResult>(system, 'tick-injector', 'run', { rate: spec.rate, count: spec.count, mode: spec.mode });
  // Wait for the fills: done when every tick is accounted for, or nothing moved for a while
  const injectedAt = performance.now();
  let last = -1;
  let lastMoved = injectedAt;
  for (;;) {
    const p = await call<ProbeProgress>(system, 'fill-probe', 'progress');
    const seen = p.fills + p.failed + p.rejected;
    if (seen >= spec.count) break;
    if (seen !== last) {
      last = seen;
      lastMoved = performance.now();
    }
    if (performance.now() - lastMoved > 3_000 || performance.now() - injectedAt > job.drainTimeoutMs) break;
    await sleep(10);
  }
  const drainMs = performance.now() - injectedAt;
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - wall0) / 1000;
  process.stdout.write(`${MARK} end ${index}\n`);
  const probe = await call<ProbeResult>(system, 'fill-probe', 'end');
  const heap1 = await heapOf(system, actors);
  const engine = await control(system, core).snapshot();
  const decidedNs = Array.from((await call<{ samples: Float64Array }>(system, core, 'decision-latency')).samples);
  const heap: Record<string, ActorMem> = {};
  for (const n of actors) heap[n] = { before: heap0[n]!, after: heap1[n]! };
  const complete = probe.fills === spec.count && probe.failed === 0 && probe.rejected === 0 && probe.stale === 0;
  return { spec, inject, probe, drainMs, complete, heap, engine, decidedNs, cpuS: (cpu.user + cpu.system) / 1e6, wallS };
}

async function runJob(job: PipelineJob): Promise<JobResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-'));
  const t0 = performance.now();
  let system: ActorSystem | undefined;
  const steps: StepResult[] = [];
  let clients: Child<ToClients, FromClients> | null = null;
  try {
    const port = job.stream !== undefined ? await freePort() : 0;
    const gatewayEnv: Record<string, string> =
      job.stream !== undefined
        ? { API__ENABLED: 'true', API__HOST: '127.0.0.1', API__PORT: String(port), API__TOKENS: JSON.stringify([{ token: STREAM_TOKEN, scopes: ['read'], name: 'bench' }]) }
        : {};
    const config = benchConfig(benchEnv(dir, { ...job.env, ...gatewayEnv }));
    const root = buildBenchTree(job.topology, { stamps: createStampTable(), baseMs: performance.timeOrigin, stages: job.stages === true, gateway: job.stream !== undefined });
    system = createSystem(config, { runId: `bench${Date.now().toString(36)}`, overrides: { root } });
    await system.start();
    const started = await startClients(job, port);
    clients = started.child;
    const startupMs = performance.now() - t0;
    const actors =
      job.topology === 'split'
        ? ['tick-injector', 'strategy-runner', 'trading-core-paper', 'portfolio-manager', 'fill-probe']
        : ['tick-injector', 'trading-core-paper', 'portfolio-manager', 'fill-probe'];
    const streams: StreamResult[] = [];
    for (const [i, spec] of job.steps.entries()) {
      const r = await runStep(system, job, spec, i, actors);
      steps.push(r);
      if (job.stream !== undefined) streams.push(await clientReport(clients, job.stream.clients, started.connectMs));
      const p99 = new Histogram(Float64Array.from(r.probe.scheduled)).summary(r.probe.timerNs).p99Ns;
      if (!r.complete || (job.stopAboveP99Ns !== undefined && !(p99 <= job.stopAboveP99Ns))) break;
    }
    return { steps, startupMs, ...(job.stream !== undefined ? { streams } : {}) };
  } catch (e) {
    return { steps, startupMs: performance.now() - t0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  } finally {
    if (clients !== null) await clients.stop({ type: 'stop' }).catch(() => undefined);
    await system?.stop('bench done').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

process.once('message', (job: PipelineJob) => {
  void runJob(job).then((r) => {
    process.send?.(r, () => process.exit(0));
  });
});
