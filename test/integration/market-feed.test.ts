// Market feed, synthetic source, with real workers and a temp LMDB: rate, tick grid, latency stamps,
// exact continuation of the walk across a restart, registry instruments, market-closed idling and
// counted (never waited-for) refusals under the block policy. Build first: npx tsc -p tsconfig.build.json
import { afterEach, describe, expect, it } from 'vitest';
import { createSyntheticFeed, isSyntheticFeedState, type SyntheticInstrument } from '../../src/domain/feed/index.js';
import { tradingDay } from '../../src/domain/market-hours/index.js';
import { K } from '../../src/store/keyspace.js';
import { instrumentsFromFile } from '../../src/services/feed/instruments.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import { eventually, tempDir } from '../support/system.js';
import { feedSnapshot, readStored, sinkCount, sinkRecord, startFeed, writeStored } from '../support/market-feed.js';

let system: ActorSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const c of cleanups.splice(0)) c();
});

function dir(): string {
  const d = tempDir('ap-feed-');
  cleanups.push(d.cleanup);
  return d.path;
}

async function start(path: string, feed: Record<string, unknown>, sink = {}, runtime: Record<string, unknown> = { tickRingPolicy: 'block' }): Promise<ActorSystem> {
  system = await startFeed(path, { feed, runtime }, sink);
  return system;
}

async function stop(): Promise<void> {
  await system?.stop();
  system = undefined;
}

/** The first `n` ltps of a fresh in-process feed with the same instruments and seed. */
function referenceLtps(instruments: readonly SyntheticInstrument[], seed: string, volatilityBps: number, n: number): number[] {
  const feed = createSyntheticFeed({ instruments, seed, volatilityBps });
  return Array.from({ length: n }, () => feed.next(1_750_000_000_000).ltp);
}

const SYNTH = { source: 'synthetic', seed: 'it-synth', volatilityBps: 2, ticksPerSecond: 1000 } as const;

describe('market feed (synthetic)', () => {
  it('publishes at the configured rate on the tick grid, stamped, and continues the same walk after a restart', async () => {
    const path = dir();
    let s = await start(path, SYNTH);
    await eventually(async () => (await sinkCount(s)) >= 300, 10_000, 'first ticks');

    // Rate over ~1.2 s of wall time, generous bounds for a loaded 2-core machine
    const a = { at: Date.now(), n: (await feedSnapshot(s)).published };
    await new Promise((r) => setTimeout(r, 1200));
    const b = { at: Date.now(), n: (await feedSnapshot(s)).published };
    const rate = ((b.n - a.n) * 1000) / (b.at - a.at);
    expect(rate).toBeGreaterThan(600);
    expect(rate).toBeLessThan(1400);

    const run1 = await sinkRecord(s);
    const snap1 = await feedSnapshot(s);
    expect(snap1).toMatchObject({ source: 'synthetic', instrumentSource: 'file', instruments: 20, targetRate: 1000, dropped: 0, replay: null });
    expect(snap1.market.open).toBe(true);
    expect(snap1.lastTickTs).toBeGreaterThan(Date.now() - 60_000);
    expect(run1.stamped).toBe(run1.tokens.length);
    expect(run1.ltps.every((p) => p > 0 && p % 5 === 0)).toBe(true);
    expect(run1.seqs.every((q, i) => i === 0 || q === run1.seqs[i - 1]! + 1)).toBe(true);
    expect(new Set(run1.tokens).size).toBe(20);

    // Prices depend only on seed and tick counter: the ring carries exactly the reference walk
    const { instruments } = instrumentsFromFile('src/defaults/instruments.csv');
    expect(run1.ltps).toEqual(referenceLtps(instruments, SYNTH.seed, SYNTH.volatilityBps, run1.ltps.length));

    await stop();
    const stored = await readStored(path, K.feedState());
    expect(isSyntheticFeedState(stored)).toBe(true);
    const seq = (stored as { seq: number }).seq;
    expect(seq).toBeGreaterThanOrEqual(run1.ltps.length);

    s = await start(path, SYNTH);
    await eventually(async () => (await sinkCount(s)) >= 200, 10_000, 'ticks after the restart');
    const run2 = await sinkRecord(s);
    expect((await feedSnapshot(s)).persistence.restored).toBe(true);
    const ref = referenceLtps(instruments, SYNTH.seed, SYNTH.volatilityBps, seq + run2.ltps.length);
    expect(run2.ltps).toEqual(ref.slice(seq));

    // Per instrument, the first price after the restart is one walk step from the last one before
    const lastBefore = new Map<number, number>();
    ref.slice(0, seq).forEach((p, i) => lastBefore.set(instruments[i % instruments.length]!.token, p));
    for (const token of new Set(run2.tokens)) {
      const first = run2.ltps[run2.tokens.indexOf(token)]!;
      const before = lastBefore.get(token)!;
      expect(Math.abs(first - before) / before).toBeLessThan(0.002);
    }
  });

  it('walks the instruments the registry wrote to LMDB instead of the file', async () => {
    const path = dir();
    const inst = (token: number) => ({
      token, exchangeToken: token >>> 8, tradingsymbol: `T${token}`, name: `T${token}`, exchange: 'NSE',
      tickSize: 10, lotSize: 1, divisor: 100, tradable: true, lastPrice: 100_000,
    });
    await writeStored(path, [
      { key: K.instrument(1001), value: inst(1001) },
      { key: K.instrument(1002), value: inst(1002) },
      { key: K.instrumentMeta(), value: { v: 1 } },
    ]);
    const s = await start(path, { ...SYNTH, ticksPerSecond: 500 });
    await eventually(async () => (await sinkCount(s)) >= 100, 10_000, 'ticks');
    const got = await sinkRecord(s);
    expect(new Set(got.tokens)).toEqual(new Set([1001, 1002]));
    expect(got.ltps.every((p) => p % 10 === 0 && Math.abs(p - 100_000) < 5_000)).toBe(true);
    expect(await feedSnapshot(s)).toMatchObject({ instrumentSource: 'lmdb', instruments: 2 });
  });

  it('idles while the market is closed (today is a holiday, 24x7 off)', async () => {
    // Wall-clock ticks (no synthetic sessions): only then does the wall-clock calendar gate the feed
    const s = await start(dir(), { ...SYNTH, syntheticSessionMs: 0, market24x7: false, holidays: [tradingDay(Date.now())] });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sinkCount(s)).toBe(0);
    const snap = await feedSnapshot(s);
    expect(snap.published).toBe(0);
    expect(snap.market).toEqual({ open: false, market24x7: false });
    const status = await s.actor('market-feed')!.control()!.status();
    expect(status.health).toEqual({ status: 'healthy', detail: 'market closed' });
  });

  it('counts refusals as drops under the block policy and never stalls behind a slow consumer', async () => {
    const s = await start(dir(), { ...SYNTH, ticksPerSecond: 20_000 }, { spinUs: 200 });
    await eventually(async () => (await feedSnapshot(s)).dropped > 0, 10_000, 'dropped ticks');
    const p0 = (await feedSnapshot(s)).published;
    await new Promise((r) => setTimeout(r, 500));
    const snap = await feedSnapshot(s);
    // The sink drains ~5k/s, so the feed keeps publishing into the space it frees
    expect(snap.published).toBeGreaterThan(p0);
    expect(snap.dropped).toBeGreaterThan(0);
    const status = await s.actor('market-feed')!.control()!.status();
    expect(status.health.status).toBe('degraded');
    expect(status.health.detail).toContain('dropped ticks');
  });
});
