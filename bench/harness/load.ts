// Measures how much of the box other processes used during a measurement window: total busy CPU
// from /proc/stat minus this process's own CPU (all its threads). On a shared 2-core box this is
// the first thing to check before believing a latency tail. Linux only; null elsewhere.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function procStat(): { busyMs: number; totalMs: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busyMs: (total - idle) * TICK_MS, totalMs: total * TICK_MS };
  } catch {
    return null;
  }
}

/** Other processes' share of the CPUs over a window (start() … otherLoad()). */
export class LoadMeter {
  private s0 = procStat();
  private c0 = process.cpuUsage();
  private t0 = performance.now();

  start(): this {
    this.s0 = procStat();
    this.c0 = process.cpuUsage();
    this.t0 = performance.now();
    return this;
  }

  /** Share (0–1) of all CPUs used by other processes since start(). */
  otherLoad(): number | null {
    const s1 = procStat();
    if (s1 === null || this.s0 === null) return null;
    const c = process.cpuUsage(this.c0);
    const oursMs = (c.user + c.system) / 1000;
    const capacityMs = (performance.now() - this.t0) * cpus().length;
    if (capacityMs <= 0) return null;
    return Math.min(1, Math.max(0, (s1.busyMs - this.s0.busyMs - oursMs) / capacityMs));
  }
}
