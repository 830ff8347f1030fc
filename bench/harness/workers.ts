// Bench worker plumbing: spawn a built worker script with a role, await typed messages with a
// timeout, and a shared clock origin so timestamps taken on different threads are comparable.
import { Worker, type TransferListItem } from 'node:worker_threads';

/** Any message a bench worker posts: tagged by `type`. */
export interface Msg {
  readonly type: string;
}

/** A bench worker with an inbox: next(type) resolves with the next message of that type. */
export class BenchWorker {
  readonly worker: Worker;
  private readonly inbox: Msg[] = [];
  private readonly waiters: { type: string; resolve: (m: Msg) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;
  private gone = false;

  constructor(script: URL, workerData: unknown, transferList: readonly TransferListItem[] = []) {
    this.worker = new Worker(script, { workerData, transferList: [...transferList] });
    this.worker.on('message', (m: Msg) => {
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
      else this.inbox.push(m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.gone = true;
      this.fail(new Error(`bench worker exited (code ${code})`));
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  next<T extends Msg>(type: string, timeoutMs = 120_000): Promise<T> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as T);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const w = { type, resolve: resolve as (m: Msg) => void, reject };
      this.waiters.push(w);
      setTimeout(() => {
        const k = this.waiters.indexOf(w);
        if (k < 0) return;
        this.waiters.splice(k, 1);
        reject(new Error(`bench worker: timed out after ${timeoutMs} ms waiting for "${type}"`));
      }, timeoutMs).unref();
    });
  }

  post(m: Msg): void {
    this.worker.postMessage(m);
  }

  async terminate(): Promise<void> {
    if (!this.gone) await this.worker.terminate();
  }
}

/**
 * Clock origin for cross-thread timestamps: every thread computes
 * `performance.timeOrigin - origin + performance.now()` (ms). Subtracting the main thread's
 * timeOrigin keeps the values small, so float64 keeps sub-ns resolution (an absolute epoch in ms
 * only resolves ~0.24 µs). The residual offset between threads is measured by the ping-pong bench.
 */
export function clockOrigin(): number {
  return performance.timeOrigin;
}
