// Deterministic replay dataset for the `replay` suite: n synthetic ticks round-robin over the 20
// default instruments, spread over consecutive NSE sessions of at most 200k ticks (09:15 → 15:25
// IST of trading days from 2025-01-24), kept as columns in memory for the in-process backtest and
// written as a minimal JSONL replay file (token, ltp, exchangeTs; the parser defaults the rest).
// Several sessions keep each session's order book bounded (the venue drops finished orders at
// its session end) and exercise the session end on both paths.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateColumns, SYNTHETIC_T0, type TickColumns } from '../src/backtest/index.js';
import { createSyntheticFeed } from '../src/domain/feed/index.js';
import { DEFAULT_INSTRUMENT_TOKENS } from '../src/domain/instruments/index.js';
import { isTradingDay, istDayNumber, istDayStartMs, OPEN_MS } from '../src/domain/market-hours/index.js';

export interface ReplayDataset {
  readonly n: number;
  readonly file: string;
  readonly bytes: number;
  readonly sessions: number;
  readonly gapMs: number;
  readonly columns: TickColumns;
  readonly genMs: number;
  cleanup(): void;
}

/** Most ticks per session. */
export const TICKS_PER_SESSION = 200_000;
/** Span used inside a session: 6 h 10 min from the open, so the last tick is before 15:30. */
const SESSION_SPAN_MS = 22_200_000;

/** Start (09:15 IST) of the first `count` trading days from SYNTHETIC_T0's day. */
function sessionOpens(count: number): number[] {
  const out: number[] = [];
  for (let d = istDayNumber(SYNTHETIC_T0); out.length < count; d++) {
    if (isTradingDay(istDayStartMs(d))) out.push(istDayStartMs(d) + OPEN_MS);
  }
  return out;
}

export async function makeDataset(n: number, seed: string): Promise<ReplayDataset> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-replay-'));
  const file = join(dir, 'ticks.jsonl');
  const sessions = Math.max(1, Math.ceil(n / TICKS_PER_SESSION));
  const perSession = Math.ceil(n / sessions);
  const gapMs = Math.max(1, Math.min(100, Math.floor(SESSION_SPAN_MS / perSession)));
  const opens = sessionOpens(sessions);
  const feed = createSyntheticFeed({ instruments: DEFAULT_INSTRUMENT_TOKENS.map((token) => ({ token })), seed, volatilityBps: 2 });
  const columns = allocateColumns(n, false);
  const out = createWriteStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const write = (s: string): Promise<void> => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r())));
  let batch: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = feed.next(opens[Math.floor(i / perSession)]! + (i % perSession) * gapMs);
    columns.token[i] = t.token;
    columns.ltp[i] = t.ltp;
    columns.ts[i] = t.exchangeTs;
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
    sessions,
    gapMs,
    columns,
    genMs: performance.now() - t0,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
