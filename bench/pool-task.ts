// The task both pool benchmarks run (bench/pool-worker.ts under piscina, bench/pool-raw-worker.ts on
// a bare worker): busy-spin for `spinUs` microseconds of CPU-like work, then answer with a small
// object. The same payload travels both ways in both cases, so only the dispatch differs.

export interface PoolTask {
  readonly id: number;
  readonly spinUs: number;
  /** Representative sweep-task payload (~300 B structured-cloned each way). */
  readonly payload: unknown;
}

export interface PoolReply {
  readonly id: number;
  /** Time actually spent spinning, µs. */
  readonly spunUs: number;
  readonly payload: unknown;
}

export function runPoolTask(t: PoolTask): PoolReply {
  const t0 = performance.now();
  const until = t0 + t.spinUs / 1000;
  let x = 0;
  if (t.spinUs > 0) while (performance.now() < until) x++;
  return { id: t.id + (x & 0), spunUs: (performance.now() - t0) * 1000, payload: t.payload };
}
