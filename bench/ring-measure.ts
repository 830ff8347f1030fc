// One measurement = fresh workers (bench/ring-workers.ts), one run, workers terminated after.
// Throughput: ring (TickSender → Pump + TickReceiver, decode every record) vs postMessage of the
// same tick object over a MessageChannel with credit flow control. Latency: open-loop paced
// producer, one-hop now − stamp. Plus the spin ping-pong floor and the idle CPU of parked pumps.
import { MessageChannel } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRing, registerConsumer } from '../src/transport/ring.js';
import { createDoorbellBoard } from '../src/transport/ring-layout.js';
import { TICK_SLOT_BYTES } from '../src/protocol/tick-record.js';
import { Histogram } from './harness/histogram.js';
import { BenchWorker, clockOrigin } from './harness/workers.js';
import type { GcStats } from './harness/gc.js';
import { LoadMeter } from './harness/load.js';

const SCRIPT = new URL('./ring-workers.js', import.meta.url);
/** Production default tick ring (config runtime.tickRingCapacity). */
export const RING_CAPACITY = 65_536;

function tickRing(policy: 'block' | 'drop' = 'block'): { sab: SharedArrayBuffer; board: SharedArrayBuffer } {
  const sab = createRing({ capacity: RING_CAPACITY, slotBytes: TICK_SLOT_BYTES, policy, maxConsumers: 1 });
  registerConsumer(sab, 0, false);
  return { sab, board: createDoorbellBoard(4).buffer as SharedArrayBuffer };
}

async function withWorkers<T>(ws: BenchWorker[], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } finally {
    await Promise.all(ws.map((w) => w.terminate().catch(() => undefined)));
  }
}

export interface TputResult {
  readonly perSec: number;
  readonly count: number;
  readonly elapsedMs: number;
  readonly gc: GcStats;
  /** Share of all CPUs other processes used during the run (null if unknown). */
  readonly otherLoad: number | null;
  readonly extra: Readonly<Record<string, unknown>>;
}

interface TputMsg {
  readonly type: 'result';
  readonly count: number;
  readonly elapsedMs: number;
  readonly gc: GcStats;
  readonly [k: string]: unknown;
}

/**
 * Ring throughput: records/s seen by the consumer between its first and last record. `raw`: the
 * consumer skips decoding (transport cost only, for diagnosis; G1 uses the decoding consumer).
 */
export async function ringThroughput(n: number, raw = false): Promise<TputResult> {
  const { sab, board } = tickRing();
  const origin = clockOrigin();
  const cons = new BenchWorker(SCRIPT, { role: 'ring-tput-cons', origin, sab, board, n, doorbell: 1, raw });
  const prod = new BenchWorker(SCRIPT, { role: 'ring-tput-prod', origin, sab, board, n });
  return withWorkers([cons, prod], async () => {
    await Promise.all([cons.next('ready'), prod.next('ready')]);
    const load = new LoadMeter().start();
    prod.post({ type: 'go' });
    const r = await cons.next<TputMsg>('result');
    const otherLoad = load.otherLoad();
    const p = await prod.next<{ type: 'done'; fullSpins: number }>('done');
    if (r.count !== n) throw new Error(`ring throughput: consumer saw ${r.count} of ${n}`);
    const extra = { pump: r.pump, producerFullSpins: p.fullSpins, dropped: r.dropped };
    return { perSec: ((n - 1) / r.elapsedMs) * 1e3, count: n, elapsedMs: r.elapsedMs, gc: r.gc, otherLoad, extra };
  });
}

/** postMessage throughput of the same tick object over a MessageChannel between two workers. */
export async function postMessageThroughput(n: number): Promise<TputResult> {
  const { port1, port2 } = new MessageChannel();
  const origin = clockOrigin();
  const window = 8192;
  const ackEvery = 1024;
  const cons = new BenchWorker(SCRIPT, { role: 'pm-tput-cons', origin, port: port2, n, ackEvery }, [port2]);
  const prod = new BenchWorker(SCRIPT, { role: 'pm-tput-prod', origin, port: port1, n, window }, [port1]);
  return withWorkers([cons, prod], async () => {
    await Promise.all([cons.next('ready'), prod.next('ready')]);
    const load = new LoadMeter().start();
    prod.post({ type: 'go' });
    const r = await cons.next<TputMsg>('result');
    const otherLoad = load.otherLoad();
    if (r.count !== n) throw new Error(`postMessage throughput: consumer saw ${r.count} of ${n}`);
    return { perSec: ((n - 1) / r.elapsedMs) * 1e3, count: n, elapsedMs: r.elapsedMs, gc: r.gc, otherLoad, extra: { window, ackEvery } };
  });
}

export type LatKind = 'ring-spin' | 'ring-pump' | 'postMessage';

export interface LatResult {
  readonly hist: Histogram;
  readonly timerNs: number;
  readonly negatives: number;
  readonly gc: GcStats;
  readonly producer: { readonly maxLateNs: number; readonly late10us: number; readonly blocked: number };
  readonly otherLoad: number | null;
  readonly pump?: unknown;
}

interface LatMsg {
  readonly type: 'result';
  readonly counts: Float64Array;
  readonly negatives: number;
  readonly timerNs: number;
  readonly gc: GcStats;
  readonly pump?: unknown;
}

/** One-hop latency at a fixed injection rate; the first `warmup` samples are discarded. */
export async function hopLatency(kind: LatKind, rate: number, count: number, warmup: number): Promise<LatResult> {
  const origin = clockOrigin();
  const common = { origin, rate, count, warmup };
  let cons: BenchWorker;
  let prod: BenchWorker;
  if (kind === 'postMessage') {
    const { port1, port2 } = new MessageChannel();
    cons = new BenchWorker(SCRIPT, { ...common, role: 'pm-lat-cons', port: port2 }, [port2]);
    prod = new BenchWorker(SCRIPT, { ...common, role: 'pm-lat-prod', port: port1 }, [port1]);
  } else {
    const { sab, board } = tickRing();
    const mode = kind === 'ring-spin' ? 'spin' : 'pump';
    cons = new BenchWorker(SCRIPT, { ...common, role: 'ring-lat-cons', sab, board, doorbell: 1, mode });
    prod = new BenchWorker(SCRIPT, { ...common, role: 'ring-lat-prod', sab, board });
  }
  return withWorkers([cons, prod], async () => {
    await Promise.all([cons.next('ready'), prod.next('ready')]);
    // Let a pump consumer reach its steady idle state (spin budget decayed, parked) first.
    await sleep(kind === 'ring-pump' ? 300 : 20);
    const load = new LoadMeter().start();
    prod.post({ type: 'go' });
    const p = await prod.next<{ type: 'done'; maxLateNs: number; late10us: number; blocked: number }>('done');
    const r = await cons.next<LatMsg>('result');
    const otherLoad = load.otherLoad();
    const res: LatResult = {
      otherLoad,
      hist: new Histogram(new Float64Array(r.counts)),
      timerNs: r.timerNs,
      negatives: r.negatives,
      gc: r.gc,
      producer: { maxLateNs: p.maxLateNs, late10us: p.late10us, blocked: p.blocked },
    };
    return r.pump === undefined ? res : { ...res, pump: r.pump };
  });
}

export interface PingPongResult {
  readonly rtt: Histogram;
  readonly timerNs: number;
  /** Clock offset between the two threads (B − A), from the fastest round trips. */
  readonly offsetNs: number;
  readonly otherLoad: number | null;
}

/** Raw Atomics spin ping-pong between two workers: the JS cross-thread floor (G13). */
export async function spinPingPong(n: number, warmup: number): Promise<PingPongResult> {
  const sab = new SharedArrayBuffer(256);
  const origin = clockOrigin();
  const a = new BenchWorker(SCRIPT, { role: 'pp-a', origin, sab, n, warmup });
  const b = new BenchWorker(SCRIPT, { role: 'pp-b', origin, sab });
  return withWorkers([a, b], async () => {
    await Promise.all([a.next('ready'), b.next('ready')]);
    const load = new LoadMeter().start();
    a.post({ type: 'go' });
    const r = await a.next<{ type: 'result'; counts: Float64Array; timerNs: number; offsetNs: number }>('result');
    return { rtt: new Histogram(new Float64Array(r.counts)), timerNs: r.timerNs, offsetNs: r.offsetNs, otherLoad: load.otherLoad() };
  });
}

export interface IdleResult {
  readonly workers: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Process CPU (all threads) as % of one core. */
  readonly cpuPctOfOneCore: number;
  readonly otherLoad: number | null;
  readonly pumpParks?: number;
}

/** Idle CPU of `count` workers, each running a Pump over its own empty tick ring (or bare). */
export async function idleCpu(kind: 'pump' | 'bare', count: number, durationMs: number): Promise<IdleResult> {
  const origin = clockOrigin();
  const board = createDoorbellBoard(count + 1).buffer as SharedArrayBuffer;
  const ws = Array.from({ length: count }, (_, i) => {
    const { sab } = tickRing();
    return new BenchWorker(SCRIPT, { role: kind === 'pump' ? 'idle-pump' : 'idle-bare', origin, sab, board, doorbell: i + 1 });
  });
  return withWorkers(ws, async () => {
    await Promise.all(ws.map((w) => w.next('ready')));
    // Settle: start-up work done, pumps' spin budgets decayed to their floor and parked.
    await sleep(1_500);
    const load = new LoadMeter().start();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(durationMs);
    const c = process.cpuUsage(c0);
    const otherLoad = load.otherLoad();
    const wallMs = performance.now() - t0;
    const cpuMs = (c.user + c.system) / 1000;
    let pumpParks: number | undefined;
    if (kind === 'pump') {
      for (const w of ws) w.post({ type: 'stats' });
      const stats = await Promise.all(ws.map((w) => w.next<{ type: 'stats'; parks: number }>('stats')));
      pumpParks = stats.reduce((s, x) => s + x.parks, 0);
    }
    const base = { workers: count, wallMs, cpuMs, cpuPctOfOneCore: (cpuMs / wallMs) * 100, otherLoad };
    return pumpParks === undefined ? base : { ...base, pumpParks };
  });
}
