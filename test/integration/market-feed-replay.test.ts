// Market feed, replay source, with real workers and a temp LMDB: lossless in-order replay at 'max'
// pace behind a slow consumer (block policy), record → replay round trip, and an exact resume after
// a requested stop. Build first: npx tsc -p tsconfig.build.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyntheticFeed, formatTickJsonl, parseReplay } from '../../src/domain/feed/index.js';
import type { Tick } from '../../src/domain/types.js';
import { K } from '../../src/store/keyspace.js';
import { isReplayPosition } from '../../src/services/feed/replay-position.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import { eventually, tempDir } from '../support/system.js';
import { feedSnapshot, readStored, sinkCount, sinkRecord, startFeed } from '../support/market-feed.js';

let system: ActorSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const c of cleanups.splice(0)) c();
});

function dir(): string {
  const d = tempDir('ap-replay-');
  cleanups.push(d.cleanup);
  return d.path;
}

async function start(path: string, feed: Record<string, unknown>, sink = {}): Promise<ActorSystem> {
  system = await startFeed(path, { feed }, sink);
  return system;
}

async function stop(): Promise<void> {
  await system?.stop();
  system = undefined;
}

const T0 = 1_737_690_300_000; // 2025-01-24 09:15 IST

/** `n` synthetic ticks over three instruments, `gapMs` apart, as a JSONL text. */
function jsonlFile(path: string, n: number, gapMs: number): Tick[] {
  const feed = createSyntheticFeed({ instruments: [{ token: 738561 }, { token: 81153 }, { token: 256265 }], seed: 'replay-it' });
  const ticks = Array.from({ length: n }, (_, i) => feed.next(T0 + i * gapMs));
  writeFileSync(path, ticks.map(formatTickJsonl).join('\n') + '\n');
  return ticks;
}

describe('market feed (replay)', () => {
  it("replays a JSONL file at 'max' pace exactly, in order, behind a slow consumer, then idles", async () => {
    const path = dir();
    const file = join(path, 'ticks.jsonl');
    const ticks = jsonlFile(file, 5000, 7);
    // ~0.1 s of sink work per 1024-slot ring: the feed must wait for space many times
    const s = await start(path, { source: 'replay', replayFile: file, replayPace: 'max' }, { spinUs: 20 });
    await eventually(async () => (await feedSnapshot(s)).replay?.complete === true, 30_000, 'replay complete');
    await eventually(async () => (await sinkCount(s)) >= ticks.length, 10_000, 'all ticks at the sink');
    const got = await sinkRecord(s);
    expect(got.tokens).toEqual(ticks.map((t) => t.token));
    expect(got.ltps).toEqual(ticks.map((t) => t.ltp));
    expect(got.ts).toEqual(ticks.map((t) => t.exchangeTs));
    expect(got.stamped).toBe(ticks.length);
    const snap = await feedSnapshot(s);
    expect(snap).toMatchObject({ source: 'replay', published: 5000, dropped: 0, targetRate: null, lastTickTs: ticks.at(-1)!.exchangeTs });
    expect(snap.replay).toMatchObject({ format: 'jsonl', pace: 'max', position: 5000, resumedFrom: 0, lines: 5000, badLines: 0, complete: true });
    const status = await s.actor('market-feed')!.control()!.status();
    expect(status.health).toEqual({ status: 'healthy', detail: 'replay complete' });
    // Idle after the end: nothing more arrives
    await new Promise((r) => setTimeout(r, 300));
    expect(await sinkCount(s)).toBe(ticks.length);
  });

  it('records every published synthetic tick as JSONL and replays the recording identically', async () => {
    const path = dir();
    const rec = join(path, 'rec', 'recorded.jsonl');
    let s = await start(path, { source: 'synthetic', seed: 'rt', ticksPerSecond: 2000, recordFile: rec }, { keepTicks: true });
    await eventually(async () => (await sinkCount(s)) >= 1500, 10_000, 'recorded ticks');
    const live = (await s.actor('sink')!.control()!.call('ticks', null)) as Tick[];
    await stop();

    const parsed = parseReplay(readFileSync(rec, 'utf8'), rec);
    expect(parsed.ok).toBe(true);
    const recorded = parsed.ok ? parsed.value.ticks : [];
    expect(parsed.ok && parsed.value.errors).toEqual([]);
    // The feed may publish a few more after our last look at the sink, never fewer
    expect(recorded.length).toBeGreaterThanOrEqual(live.length);

    s = await start(dir(), { source: 'replay', replayFile: rec, replayPace: 'max' }, { keepTicks: true });
    await eventually(async () => (await feedSnapshot(s)).replay?.complete === true, 20_000, 'replay complete');
    await eventually(async () => (await sinkCount(s)) >= recorded.length, 10_000, 'all replayed ticks');
    const replayed = (await s.actor('sink')!.control()!.call('ticks', null)) as Tick[];
    expect(replayed.length).toBe(recorded.length);
    // feedSeq is the position in each feed (synthetic run vs file index): compare the market data
    const market = (t: Tick): Tick => {
      const { feedSeq: _feedSeq, ...rest } = t;
      return rest;
    };
    expect(replayed.slice(0, live.length).map(market)).toEqual(live.map(market));
    expect(replayed.map((t) => t.feedSeq)).toEqual(replayed.map((_, i) => i));
  });

  it('resumes after a requested stop exactly where it stopped: no tick repeated, none skipped', async () => {
    const path = dir();
    const file = join(path, 'slow.jsonl');
    const ticks = jsonlFile(file, 200, 10); // 2 s at realtime pace
    let s = await start(path, { source: 'replay', replayFile: file, replayPace: 'realtime', replaySpeed: 1 });
    await eventually(async () => (await sinkCount(s)) >= 50, 10_000, 'first replayed ticks');
    const first = await sinkRecord(s);
    await stop();
    const pos = await readStored(path, K.feedReplay());
    expect(isReplayPosition(pos)).toBe(true);
    const at = (pos as { ticks: number }).ticks;
    expect(at).toBeGreaterThanOrEqual(first.ltps.length);
    expect(at).toBeLessThan(ticks.length);
    expect(first.ltps).toEqual(ticks.slice(0, first.ltps.length).map((t) => t.ltp));

    s = await start(path, { source: 'replay', replayFile: file, replayPace: 'max' });
    await eventually(async () => (await feedSnapshot(s)).replay?.complete === true, 10_000, 'replay complete');
    await eventually(async () => (await sinkCount(s)) >= ticks.length - at, 10_000, 'the rest of the file');
    const rest = await sinkRecord(s);
    expect(rest.ts).toEqual(ticks.slice(at).map((t) => t.exchangeTs));
    expect(rest.ltps).toEqual(ticks.slice(at).map((t) => t.ltp));
    const snap = await feedSnapshot(s);
    expect(snap.persistence.restored).toBe(true);
    expect(snap.replay).toMatchObject({ resumedFrom: at, position: ticks.length, complete: true });
  });
});
