// Buffered JSONL tick recorder (config.feed.recordFile): every published tick becomes one
// formatTickJsonl line, appended to the file in chunks (when `maxPending` lines are buffered, on
// each flush() call and on close()). Writes are chained, so lines land in publish order. A write
// error is kept and rethrown by the next flush()/close(): losing the recording is a failure.
import { mkdirSync, createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { formatTickJsonl } from '../../domain/feed/index.js';
import type { Tick } from '../../domain/types.js';
import type { RecordingInfo } from '../../protocol/market-feed.js';

/** Appends ticks to a JSONL file. */
export class TickRecorder {
  private pending: string[] = [];
  private written = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private readonly stream: WriteStream;

  /** Opens `file` for appending (creating its directory). */
  constructor(
    readonly file: string,
    private readonly maxPending = 4096,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.stream = createWriteStream(file, { flags: 'a' });
    this.stream.on('error', (e) => {
      this.failure ??= e;
    });
  }

  /** Buffers one tick; starts a write when the buffer is full. */
  append(t: Tick): void {
    this.pending.push(formatTickJsonl(t));
    if (this.pending.length >= this.maxPending) void this.flush().catch(() => undefined);
  }

  /** Writes everything buffered so far; resolves when the OS has it. */
  flush(): Promise<void> {
    if (this.pending.length > 0) {
      const lines = this.pending;
      this.pending = [];
      const chunk = lines.join('\n') + '\n';
      this.chain = this.chain.then(
        () =>
          new Promise<void>((resolve, reject) => {
            this.stream.write(chunk, (e) => {
              if (e) reject(e);
              else {
                this.written += lines.length;
                resolve();
              }
            });
          }),
      );
    }
    return this.chain.then(() => {
      if (this.failure !== undefined) throw this.failure;
    });
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }

  /** Counters for the snapshot. */
  info(): RecordingInfo {
    return { file: this.file, written: this.written, pending: this.pending.length };
  }
}
