// Streams a text file as physical lines (1-based numbers) without loading it whole, so replay files
// of any size work. A trailing '\r' is stripped. A line longer than `maxLineChars` is cut to
// maxLineChars + 1 characters (the decoders then reject it as too long) and the rest of it is
// skipped, so a file without newlines cannot grow memory without bound.
import { createReadStream } from 'node:fs';

/** One physical line of a file. */
export interface FileLine {
  readonly text: string;
  readonly lineNo: number;
}

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Default 1 MiB. */
  readonly maxLineChars?: number;
  /** Read chunk size in bytes (default 256 KiB). */
  readonly chunkBytes?: number;
}

/** Yields every line of `path` in order; the last line is yielded even without a final newline. */
export async function* readLines(path: string, opts: ReadLinesOptions = {}): AsyncGenerator<FileLine> {
  const max = opts.maxLineChars ?? 1 << 20;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: opts.chunkBytes ?? 1 << 18 });
  let pending = '';
  let skipping = false; // inside an over-long line whose head was already yielded
  let lineNo = 0;
  const clean = (s: string): string => (s.endsWith('\r') ? s.slice(0, -1) : s);
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', start);
        if (nl < 0) break;
        const piece = chunk.slice(start, nl);
        start = nl + 1;
        if (skipping) {
          skipping = false;
          pending = '';
          continue;
        }
        const line = pending === '' ? piece : pending + piece;
        pending = '';
        lineNo++;
        yield { text: clean(line.length > max ? line.slice(0, max + 1) : line), lineNo };
      }
      if (skipping) continue;
      pending += chunk.slice(start);
      if (pending.length > max) {
        lineNo++;
        yield { text: pending.slice(0, max + 1), lineNo };
        pending = '';
        skipping = true;
      }
    }
    if (!skipping && pending !== '') {
      lineNo++;
      yield { text: clean(pending), lineNo };
    }
  } finally {
    stream.destroy();
  }
}
