// GC and heap meter for one thread (measurement rule 6: report heap growth and GC pauses next to
// every latency/throughput result). PerformanceObserver entries are delivered on the event loop,
// so stop() yields briefly to collect the ones buffered while a spin loop held the thread.
import { PerformanceObserver } from 'node:perf_hooks';
import * as v8 from 'node:v8';

/** GC pauses and heap growth of one thread over a measurement. */
export interface GcStats {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
  readonly heapDeltaBytes: number;
}

/** Counts GC pauses of the current thread between start() and stop(). */
export class GcMeter {
  private count = 0;
  private totalMs = 0;
  private maxMs = 0;
  private heap0 = 0;
  private readonly obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.count++;
      this.totalMs += e.duration;
      if (e.duration > this.maxMs) this.maxMs = e.duration;
    }
  });

  start(): void {
    this.obs.observe({ entryTypes: ['gc'] });
    this.heap0 = v8.getHeapStatistics().used_heap_size;
  }

  async stop(): Promise<GcStats> {
    const heap1 = v8.getHeapStatistics().used_heap_size;
    await new Promise((r) => setTimeout(r, 20));
    this.obs.disconnect();
    return { count: this.count, totalMs: this.totalMs, maxMs: this.maxMs, heapDeltaBytes: heap1 - this.heap0 };
  }
}
