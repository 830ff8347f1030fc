// Ad-hoc measurement behind the stream tap's design (README "Live stream path"): one-way latency
// ring publish → decoded in a child process, and CPU per tick on both sides, for
//   tap  the runtime's stream tap (Atomics.waitAsync wake, raw-record frames over a socketpair)
//   ipc  the same ticks sent one IPC message per tick, structured clone ('advanced'), sent at
//        publish time — the channel the tap replaced, minus the old 50 ms timer (a best case for it)
// Usage: node dist/bench/ws-fanout/tap-measure.js [seconds=3] — prints a table; not a suite.
import { fork } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Histogram } from '../harness/histogram.js';
import { ns } from '../harness/format.js';
import type { Tick } from '../../src/domain/types.js';
import { TapFeed } from './feed.js';
import { epochMs } from './protocol.js';

const seconds = Number(process.argv[2] ?? 3);
const sinkPath = fileURLToPath(new URL('./tap-sink.js', import.meta.url));

interface Row {
  mode: string;
  rate: number;
  ticks: number;
  frames: number;
  p50: number;
  p99: number;
  p999: number;
  parentUsPerTick: number;
  childUsPerTick: number;
}

async function run(mode: 'tap' | 'ipc', rate: number): Promise<Row> {
  const child = fork(sinkPath, [mode], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'] });
  const next = <T>(type: string): Promise<T> => new Promise((resolve) => child.on('message', (m: { type: string }) => m.type === type && resolve(m as T)));
  await next('ready');
  const cpu0 = process.cpuUsage();
  const before = await (child.send({ type: 'report' }), next<{ cpuUs: number }>('report'));
  let late = 0;
  let count = 0;
  if (mode === 'tap') {
    const feed = new TapFeed(child.stdio[4] as Socket);
    late = await feed.runPhase(1, rate, rate * seconds, 0);
    count = rate * seconds;
    await new Promise((r) => setTimeout(r, 300));
    feed.stop();
  } else {
    const period = 1000 / rate;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        const now = performance.now();
        while (count < rate * seconds && t0 + count * period <= now) {
          const t: Tick = {
            token: 1, ltp: 100, lastQty: 1, avgPrice: 1, volume: count, buyQty: 0, sellQty: 0, open: 1, high: 1, low: 1, close: 1, oi: 1,
            oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: 0, lastTradeTs: epochMs(),
            depthBuy: [], depthSell: [],
          };
          child.send({ type: 'batch', ticks: [t] });
          count++;
        }
        if (count < rate * seconds) setTimeout(pump, Math.max(0, t0 + count * period - performance.now()));
        else resolve();
      };
      pump();
    });
    await new Promise((r) => setTimeout(r, 300));
  }
  const cpu = process.cpuUsage(cpu0);
  child.send({ type: 'report' });
  const r = await next<{ counts: number[]; ticks: number; frames: number; cpuUs: number }>('report');
  child.send({ type: 'stop' });
  const h = new Histogram(Float64Array.from(r.counts));
  const s = h.summary();
  void late;
  return {
    mode,
    rate,
    ticks: r.ticks,
    frames: r.frames,
    p50: s.p50Ns,
    p99: s.p99Ns,
    p999: s.p999Ns,
    parentUsPerTick: (cpu.user + cpu.system) / count,
    childUsPerTick: (r.cpuUs - before.cpuUs) / Math.max(1, r.ticks),
  };
}

const rows: Row[] = [];
for (const rate of [1000, 10_000]) for (const mode of ['tap', 'ipc'] as const) rows.push(await run(mode, rate));
process.stdout.write('mode  ticks/s  delivered  frames  publish→decoded p50 / p99 / p99.9   parent µs/tick  child µs/tick\n');
for (const r of rows) {
  process.stdout.write(
    `${r.mode.padEnd(5)} ${String(r.rate).padStart(7)}  ${String(r.ticks).padStart(9)}  ${String(r.frames).padStart(6)}  ${`${ns(r.p50)} / ${ns(r.p99)} / ${ns(r.p999)}`.padEnd(34)} ${r.parentUsPerTick.toFixed(1).padStart(14)}  ${r.childUsPerTick.toFixed(1).padStart(13)}\n`,
  );
}
process.stdout.write(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' / ')}\n`);
