// Progress of a long backtest or sweep on stderr: a cli-progress bar (done / total, rate, ETA)
// when the stream is a terminal, else one plain line at every 10 % (logs and CI stay readable).
// Never writes to stdout, which carries the results (and the JSON document with --json).
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** Absolute progress (done ≤ total). */
  update(done: number): void;
  /** Completes the bar (or prints the last line). */
  stop(): void;
}

export interface ProgressOptions {
  readonly total: number;
  /** What is counted, e.g. "ticks" or "combinations". */
  readonly unit: string;
  /** Line prefix, e.g. "backtest". */
  readonly label: string;
  readonly stream: NodeJS.WriteStream;
  /** Monotonic clock, ms (the plain lines show the elapsed time). */
  readonly now: () => number;
}

/** A bar on a TTY, plain lines otherwise; a total of 0 draws nothing. */
export function createProgress(o: ProgressOptions): Progress {
  if (o.total <= 0) return { update: () => undefined, stop: () => undefined };
  if (o.stream.isTTY === true) {
    const bar = new SingleBar({
      stream: o.stream,
      format: `${o.label} [{bar}] {percentage}% | {value}/{total} ${o.unit} | {rate}/s | ETA {eta_formatted}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      etaBuffer: 20,
      fps: 10,
    });
    const t0 = o.now();
    bar.start(o.total, 0, { rate: '0' });
    return {
      update: (done) => {
        const s = (o.now() - t0) / 1000;
        bar.update(Math.min(done, o.total), { rate: s > 0 ? Math.round(done / s).toLocaleString('en-US') : '0' });
      },
      stop: () => bar.stop(),
    };
  }
  const t0 = o.now();
  let nextTenth = 1;
  const line = (done: number): void => {
    const pct = Math.floor((done / o.total) * 100);
    o.stream.write(`[${o.label}] ${pct}% ${done}/${o.total} ${o.unit}, ${((o.now() - t0) / 1000).toFixed(1)} s\n`);
  };
  return {
    update: (done) => {
      if (done * 10 < nextTenth * o.total) return;
      while (done * 10 >= nextTenth * o.total) nextTenth++;
      line(done);
    },
    stop: () => {
      if (nextTenth <= 10) line(o.total);
      nextTenth = 11;
    },
  };
}
