// Deterministic replay dataset for the `replay` suite: n synthetic ticks round-robin over the 20
// default instruments, spaced so they all fall inside one NSE session (09:15 → before 15:30 IST
// of a trading day), kept as columns in memory for the in-process backtest and written as a
// minimal JSONL replay file (token, ltp, exchangeTs; the parser defaults the rest) for the pipeline.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateColumns, SYNTHETIC_T0, syntheticTicks, type TickColumns } from '../src/backtest/index.js';

export interface ReplayDataset {
  readonly n: number;
  readonly file: string;
  readonly bytes: number;
  readonly gapMs: number;
  readonly columns: TickColumns;
  readonly genMs: number;
  cleanup(): void;
}

/** Session length used for the spacing: 6 h 10 min, so the last tick is before 15:30 IST. */
const SESSION_SPAN_MS = 22_200_000;

export async function makeDataset(n: number, seed: string): Promise<ReplayDataset> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-replay-'));
  const file = join(dir, 'ticks.jsonl');
  const gapMs = Math.max(1, Math.min(100, Math.floor(SESSION_SPAN_MS / n)));
  const columns = allocateColumns(n, false);
  const out = createWriteStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const write = (s: string): Promise<void> =>
    out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r()));
  let batch: string[] = [];
  let i = 0;
  for (const t of syntheticTicks({ seed, n, t0: SYNTHETIC_T0, gapMs, volatilityBps: 2 })) {
    columns.token[i] = t.token;
    columns.ltp[i] = t.ltp;
    columns.ts[i] = t.exchangeTs;
    i++;
    batch.push(`{"token":${t.token},"ltp":${t.ltp},"exchangeTs":${t.exchangeTs}}`);
    if (batch.length === 10_000) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return {
    n,
    file,
    bytes: statSync(file).size,
    gapMs,
    columns,
    genMs: performance.now() - t0,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
