// Worker entry for the ring benchmark suite (bench/ring.ts); `workerData.role` picks the job.
// Producers stamp injection time as ns since the main thread's timeOrigin (see harness/workers.ts);
// consumers compute now − stamp on their own clock and record into a Histogram whose counts are
// posted back. Spin loops here are deliberate: they are what is being measured.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { RingConsumer, RingProducer } from '../src/transport/ring.js';
import { DEFAULT_PUMP, Pump } from '../src/transport/pump.js';
import { TickReceiver, TickSender } from '../src/services/feed/tick-channel.js';
import { newMutableTick, type MutableTick } from '../src/protocol/tick-record.js';
import { Histogram } from './harness/histogram.js';
import { GcMeter } from './harness/gc.js';

if (parentPort === null) throw new Error('ring-workers must run in a worker thread');
const parent = parentPort;
// Keep the thread alive: a pump parked in Atomics.waitAsync does not hold the event loop open.
parent.on('message', () => undefined);

interface Base {
  readonly role: string;
  /** Main thread's performance.timeOrigin. */
  readonly origin: number;
}
const d = workerData as Base & Record<string, unknown>;
const originOffset = performance.timeOrigin - d.origin;
/** Milliseconds since the main thread's time origin, comparable across threads. */
const now = (): number => originOffset + performance.now();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A realistic tick: 5-level depth on both sides, prices in paise. */
function sampleTick(): MutableTick {
  const t = newMutableTick();
  Object.assign(t, { token: 738561, ltp: 250_000, lastQty: 10, avgPrice: 249_870, volume: 1_234_567, buyQty: 50_000, sellQty: 48_000 });
  Object.assign(t, { open: 248_000, high: 251_500, low: 247_900, close: 249_000, oi: 0, divisor: 100, exchangeTs: 1.7e12, lastTradeTs: 1.7e12 });
  for (let i = 0; i < 5; i++) {
    Object.assign(t.depthBuy[i]!, { price: 250_000 - 5 * (i + 1), quantity: 100 * (i + 1), orders: i + 1 });
    Object.assign(t.depthSell[i]!, { price: 250_000 + 5 * (i + 1), quantity: 90 * (i + 1), orders: i + 2 });
  }
  return t;
}

function waitFor(type: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (m: { type: string }): void => {
      if (m.type !== type) return;
      parent.off('message', on);
      resolve();
    };
    parent.on('message', on);
  });
}

/** Sleeps until ~0.25 ms before `target` (ms, our clock), then spins to it: precise and cheap. */
function waitUntil(target: number): void {
  const ahead = target - now();
  if (ahead > 0.5) Atomics.wait(sleeper, 0, 0, ahead - 0.25);
  while (now() < target);
}

/** performance.now() cost in ns (median of a few tight loops); subtracted from latencies. */
function timerCostNs(): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) performance.now();
    runs.push(((performance.now() - t0) * 1e6) / 100_000);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

const consumerOf = (sab: SharedArrayBuffer, doorbell: number): RingConsumer => new RingConsumer(sab, 0, { lossy: false, doorbell });

// ---------------------------------------------------------------- throughput
async function ringTputProducer(): Promise<void> {
  const { sab, board, n } = d as unknown as { sab: SharedArrayBuffer; board: SharedArrayBuffer; n: number };
  const sender = new TickSender(new RingProducer(sab, 1, new Int32Array(board)));
  const tick = sampleTick();
  parent.postMessage({ type: 'ready' });
  await waitFor('go');
  const t0 = now();
  let full = 0;
  for (let i = 0; i < n; i++) {
    tick.ltp = 250_000 + (i & 1023);
    while (!sender.tryPublish(tick)) full++;
  }
  parent.postMessage({ type: 'done', elapsedMs: now() - t0, fullSpins: full });
}

async function ringTputConsumer(): Promise<void> {
  const { sab, board, n, doorbell, raw } = d as unknown as { sab: SharedArrayBuffer; board: SharedArrayBuffer; n: number; doorbell: number; raw: boolean };
  const consumer = consumerOf(sab, doorbell);
  const pump = new Pump(new Int32Array(board), doorbell, { ...DEFAULT_PUMP, monoMs: () => performance.now() });
  let count = 0;
  let sum = 0;
  let tFirst = 0;
  let tLast = 0;
  const gc = new GcMeter();
  const onTick = (ltp: number): void => {
    sum += ltp;
    if (++count === 1) tFirst = now();
    if (count === n) {
      tLast = now();
      void pump.stop();
    }
  };
  if (raw) {
    // Transport only: the same ring and pump, but the record is not decoded (one field read), to
    // separate the ring's own cost from decode + validation + TickReceiver dispatch.
    let ltp = 0;
    const i32 = consumer.i32;
    const read = (payload: number): void => {
      ltp = i32[(payload >> 2) + 1]!;
    };
    const deliver = (): void => onTick(ltp);
    pump.add({
      drain: (max) => consumer.poll(read, max, deliver),
      available: () => consumer.available(),
      park: () => consumer.park(),
      unpark: () => consumer.unpark(),
    });
  } else {
    pump.add(new TickReceiver(consumer, (t) => onTick(t.ltp + t.depthSell[4]!.price), () => undefined));
  }
  gc.start();
  parent.postMessage({ type: 'ready' });
  await pump.start();
  parent.postMessage({ type: 'result', count, sum, elapsedMs: tLast - tFirst, gc: await gc.stop(), pump: pump.stats(), dropped: consumer.droppedCount });
}

async function pmTputProducer(): Promise<void> {
  const { port, n, window } = d as unknown as { port: MessagePort; n: number; window: number };
  const tick = sampleTick();
  let credit = window;
  let resume: (() => void) | null = null;
  port.on('message', (m: { acked: number }) => {
    credit += m.acked;
    const r = resume;
    resume = null;
    r?.();
  });
  parent.postMessage({ type: 'ready' });
  await waitFor('go');
  const t0 = now();
  for (let i = 0; i < n; i++) {
    // Credit-based flow control: without it the receiver's queue (and memory) grows unbounded.
    while (credit === 0) await new Promise<void>((r) => (resume = r));
    tick.ltp = 250_000 + (i & 1023);
    port.postMessage(tick);
    credit--;
  }
  parent.postMessage({ type: 'done', elapsedMs: now() - t0 });
}

async function pmTputConsumer(): Promise<void> {
  const { port, n, ackEvery } = d as unknown as { port: MessagePort; n: number; ackEvery: number };
  let count = 0;
  let sum = 0;
  let tFirst = 0;
  const gc = new GcMeter();
  gc.start();
  port.on('message', (t: MutableTick) => {
    sum += t.ltp + t.depthSell[4]!.price;
    if (++count === 1) tFirst = now();
    if (count % ackEvery === 0) port.postMessage({ acked: ackEvery });
    if (count === n) {
      const elapsedMs = now() - tFirst;
      port.close();
      void gc.stop().then((g) => parent.postMessage({ type: 'result', count, sum, elapsedMs, gc: g }));
    }
  });
  parent.postMessage({ type: 'ready' });
}

// ---------------------------------------------------------------- latency (open loop)
interface LatData {
  readonly rate: number;
  readonly count: number;
  readonly warmup: number;
}

interface PacedStats {
  readonly maxLateNs: number;
  readonly late10us: number;
}

/** Open-loop generator: message i is injected at t0 + i/rate whatever the consumer does. */
async function pacedProducer(send: (tick: MutableTick, stampNs: number) => void): Promise<PacedStats> {
  const { rate, count } = d as unknown as LatData;
  const tick = sampleTick();
  parent.postMessage({ type: 'ready' });
  await waitFor('go');
  const period = 1000 / rate;
  const t0 = now() + 1;
  let maxLateNs = 0;
  let late10us = 0;
  for (let i = 0; i < count; i++) {
    const target = t0 + i * period;
    waitUntil(target);
    // Stamp at injection: just before the message enters the transport.
    const stamp = now();
    const lateNs = (stamp - target) * 1e6;
    if (lateNs > maxLateNs) maxLateNs = lateNs;
    if (lateNs > 10_000) late10us++;
    tick.ltp = 250_000 + (i & 1023);
    send(tick, stamp * 1e6);
  }
  return { maxLateNs, late10us };
}

async function ringLatProducer(): Promise<void> {
  const { sab, board } = d as unknown as { sab: SharedArrayBuffer; board: SharedArrayBuffer };
  const sender = new TickSender(new RingProducer(sab, 1, new Int32Array(board)));
  let blocked = 0;
  const stats = await pacedProducer((tick, stampNs) => {
    while (!sender.tryPublish(tick, stampNs)) blocked++;
  });
  parent.postMessage({ type: 'done', ...stats, blocked });
}

async function pmLatProducer(): Promise<void> {
  const { port } = d as unknown as { port: MessagePort };
  const stats = await pacedProducer((tick, stampNs) => {
    tick.stampNs = stampNs;
    port.postMessage(tick);
  });
  parent.postMessage({ type: 'done', ...stats, blocked: 0 });
}

async function ringLatConsumer(): Promise<void> {
  const { sab, board, doorbell, mode, count, warmup } = d as unknown as LatData & {
    sab: SharedArrayBuffer;
    board: SharedArrayBuffer;
    doorbell: number;
    mode: 'spin' | 'pump';
  };
  const timerNs = timerCostNs();
  const hist = new Histogram();
  const gc = new GcMeter();
  const consumer = consumerOf(sab, doorbell);
  let seen = 0;
  const pump = new Pump(new Int32Array(board), doorbell, { ...DEFAULT_PUMP, monoMs: () => performance.now() });
  const receiver = new TickReceiver(
    consumer,
    (t) => {
      const lat = (now() - t.stampNs / 1e6) * 1e6;
      if (++seen > warmup) hist.record(lat);
      if (seen === count && mode === 'pump') void pump.stop();
    },
    () => undefined,
  );
  gc.start();
  parent.postMessage({ type: 'ready' });
  if (mode === 'spin') {
    // Pure spin: the awake-consumer baseline (never parks, never yields).
    while (seen < count) receiver.drain(256);
  } else {
    pump.add(receiver);
    await pump.start();
  }
  parent.postMessage({ type: 'result', counts: hist.counts, negatives: hist.negatives, timerNs, gc: await gc.stop(), pump: pump.stats() });
}

async function pmLatConsumer(): Promise<void> {
  const { port, count, warmup } = d as unknown as LatData & { port: MessagePort };
  const timerNs = timerCostNs();
  const hist = new Histogram();
  const gc = new GcMeter();
  let seen = 0;
  gc.start();
  port.on('message', (t: MutableTick) => {
    const lat = (now() - t.stampNs / 1e6) * 1e6;
    if (++seen > warmup) hist.record(lat);
    if (seen === count) {
      port.close();
      void gc.stop().then((g) => parent.postMessage({ type: 'result', counts: hist.counts, negatives: hist.negatives, timerNs, gc: g }));
    }
  });
  parent.postMessage({ type: 'ready' });
}

// ---------------------------------------------------------------- spin ping-pong floor (G13)
async function pingPongA(): Promise<void> {
  const { sab, n, warmup } = d as unknown as { sab: SharedArrayBuffer; n: number; warmup: number };
  const w = new Int32Array(sab, 0, 32);
  const f = new Float64Array(sab, 128, 2);
  const timerNs = timerCostNs();
  const rtt = new Histogram();
  // Clock offset estimate: B stamps its clock on reply; for the fastest round trips the true
  // offset is B's stamp minus the midpoint of ours (NTP-style).
  const fastest: [number, number][] = [];
  parent.postMessage({ type: 'ready' });
  await waitFor('go');
  for (let i = 1; i <= n; i++) {
    const t0 = now();
    Atomics.store(w, 0, i);
    while (Atomics.load(w, 16) !== i);
    const t1 = now();
    if (i > warmup) {
      rtt.record((t1 - t0) * 1e6);
      if ((i & 15) === 0) fastest.push([t1 - t0, f[0]! - (t0 + t1) / 2]);
    }
  }
  Atomics.store(w, 0, -1);
  fastest.sort((a, b) => a[0] - b[0]);
  const top = fastest.slice(0, Math.max(1, Math.floor(fastest.length / 100))).map((x) => x[1]).sort((a, b) => a - b);
  const offsetNs = top[Math.floor(top.length / 2)]! * 1e6;
  parent.postMessage({ type: 'result', counts: rtt.counts, timerNs, offsetNs });
}

function pingPongB(): void {
  const { sab } = d as unknown as { sab: SharedArrayBuffer };
  const w = new Int32Array(sab, 0, 32);
  const f = new Float64Array(sab, 128, 2);
  parent.postMessage({ type: 'ready' });
  let last = 0;
  for (;;) {
    let v: number;
    while ((v = Atomics.load(w, 0)) === last);
    if (v < 0) break;
    f[0] = now();
    Atomics.store(w, 16, v);
    last = v;
  }
  parent.postMessage({ type: 'result' });
}

// ---------------------------------------------------------------- idle cost (G3)
function idlePump(): void {
  const { sab, board, doorbell } = d as unknown as { sab: SharedArrayBuffer; board: SharedArrayBuffer; doorbell: number };
  const pump = new Pump(new Int32Array(board), doorbell, { ...DEFAULT_PUMP, monoMs: () => performance.now() });
  pump.add(new TickReceiver(consumerOf(sab, doorbell), () => undefined, () => undefined));
  void pump.start();
  parent.on('message', (m: { type: string }) => {
    if (m.type === 'stats') parent.postMessage({ type: 'stats', ...pump.stats() });
  });
  parent.postMessage({ type: 'ready' });
}

function idleBare(): void {
  parent.on('message', () => undefined);
  parent.postMessage({ type: 'ready' });
}

const roles: Record<string, () => unknown> = {
  'ring-tput-prod': ringTputProducer,
  'ring-tput-cons': ringTputConsumer,
  'pm-tput-prod': pmTputProducer,
  'pm-tput-cons': pmTputConsumer,
  'ring-lat-prod': ringLatProducer,
  'ring-lat-cons': ringLatConsumer,
  'pm-lat-prod': pmLatProducer,
  'pm-lat-cons': pmLatConsumer,
  'pp-a': pingPongA,
  'pp-b': pingPongB,
  'idle-pump': idlePump,
  'idle-bare': idleBare,
};
const job = roles[d.role];
if (job === undefined) throw new Error(`unknown bench role ${d.role}`);
void job();
