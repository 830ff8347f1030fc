// piscina task module of the parameter sweep (actors/sweep.ts): runs one SweepTask (one backtest)
// and returns its summary with the time it took. CPU-bound, synchronous; a synthetic series is
// generated once per worker thread and reused by the following tasks on that thread.
import { realClock } from '../runtime/clock.js';
import { runSweepTask, SeriesCache, type SweepOutcome, type SweepTask } from './sweep-task.js';

const cache = new SeriesCache();

/** piscina entry point: `pool.run(task)`. */
export default function sweepWorker(task: SweepTask): SweepOutcome {
  const t0 = realClock.monoMs();
  const out = runSweepTask(task, cache);
  return out.ok ? { ...out, elapsedMs: realClock.monoMs() - t0 } : out;
}
