// MARKET_FEED__SOURCE=kite end to end: the sandbox KiteTicker streams on 127.0.0.1, the real
// market-feed actor (worker thread, temp LMDB) subscribes every registry token over several
// connections, and a tick sink on the real tick ring receives the sandbox's prices. Faults: the
// sandbox drops every connection (reconnect + full resubscribe and mode), goes silent without
// closing (liveness timeout → reconnect), sends malformed frames (counted, feed alive), refuses
// the access token (unhealthy, backing off). Build first: npx tsc -p tsconfig.build.json
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ActorSystem } from '../../src/runtime/system.js';
import { createSandboxMarket, loadSandboxInstruments, type SandboxMarket } from '../../src/kite/sandbox/market.js';
import { startKiteTickerServer, type KiteTickerServer } from '../../src/kite/sandbox/ticker-server.js';
import { encodeKiteFrame } from '../../src/kite/ticker/encode.js';
import { PACKET } from '../../src/kite/ticker/layout.js';
import { eventually, tempDir } from '../support/system.js';
import { feedSnapshot, sinkRecord, startFeed } from '../support/market-feed.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const KEY = 'feed-test-key';
const TOKEN = 'feed-test-token';
const WAIT_MS = 20_000;

let system: ActorSystem | undefined;
let server: KiteTickerServer | undefined;
let stepper: NodeJS.Timeout | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  clearInterval(stepper);
  await system?.stop();
  system = undefined;
  await server?.close();
  server = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** Sandbox (stepping every 50 ms) + feed actor with 8 tokens per connection: 20 tokens → 3 connections. */
async function start(opts: { accessToken?: string; livenessMs?: number } = {}): Promise<{ s: ActorSystem; market: SandboxMarket; ticker: KiteTickerServer }> {
  const market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'feed-test' });
  const ticker = await startKiteTickerServer({ market, authorize: (k, t) => k === KEY && t === TOKEN, heartbeatMs: 200 });
  server = ticker;
  stepper = setInterval(() => market.step(Date.now()), 50);
  const dir = tempDir('ap-kite-feed-');
  cleanups.push(dir.cleanup);
  system = await startFeed(dir.path, {
    feed: {
      source: 'kite', kiteMode: 'full', kiteTokensPerConnection: 8, kiteLivenessMs: opts.livenessMs ?? 5000,
      kiteReconnectBaseMs: 50, kiteReconnectMaxMs: 400,
    },
    zerodha: { apiKey: KEY, accessToken: opts.accessToken ?? TOKEN, tickerUrl: ticker.url },
  });
  return { s: system, market, ticker };
}

const allFull = (t: KiteTickerServer, connections: number): boolean => {
  const subs = t.subscriptions();
  return subs.length === connections && subs.reduce((n, m) => n + m.size, 0) === 20 && subs.every((m) => [...m.values()].every((v) => v === 'full'));
};

describe('market feed (kite)', () => {
  it('subscribes every token in full mode over 3 connections and publishes the sandbox prices on the tick ring', async () => {
    const { s, market, ticker } = await start();
    await eventually(() => allFull(ticker, 3), WAIT_MS, '3 connections subscribed in full mode');
    await eventually(async () => (await sinkRecord(s)).tokens.length >= 200, WAIT_MS, '200 ticks');
    const rec = await sinkRecord(s);
    expect(new Set(rec.tokens).size).toBe(20);
    // Every received price is one the sandbox market produced for that token
    const produced = new Map<number, Set<number>>();
    const off = market.onTick((t) => (produced.get(t.token) ?? produced.set(t.token, new Set()).get(t.token)!).add(t.ltp));
    await eventually(async () => (await sinkRecord(s)).tokens.length >= rec.tokens.length + 100, WAIT_MS, '100 more ticks');
    off();
    const later = await sinkRecord(s);
    const fresh = later.tokens.slice(rec.tokens.length + 40).map((tok, i) => [tok, later.ltps[rec.tokens.length + 40 + i]!] as const);
    expect(fresh.length).toBeGreaterThan(0);
    for (const [tok, ltp] of fresh) expect(produced.get(tok)?.has(ltp)).toBe(true);
    expect(later.stamped).toBe(later.tokens.length);
    const snap = await feedSnapshot(s);
    expect(snap).toMatchObject({ source: 'kite', instruments: 20, dropped: 0, kite: { mode: 'full', malformed: 0 } });
    expect(snap.kite!.connections.map((c) => [c.state, c.tokens, c.opened])).toEqual([['open', 8, 1], ['open', 8, 1], ['open', 4, 1]]);
    expect(snap.kite!.packets).toBeGreaterThanOrEqual(later.tokens.length);
  });

  it('reconnects after dropConnections and resubscribes every token in its mode', async () => {
    const { s, ticker } = await start();
    await eventually(() => allFull(ticker, 3), WAIT_MS, 'subscribed');
    expect(ticker.dropConnections()).toBe(3);
    await eventually(() => ticker.accepted >= 6 && allFull(ticker, 3), WAIT_MS, 'reconnected and resubscribed');
    const before = (await sinkRecord(s)).tokens.length;
    await eventually(async () => (await sinkRecord(s)).tokens.length >= before + 100, WAIT_MS, 'ticks after the reconnection');
    const snap = await feedSnapshot(s);
    expect(snap.kite!.connections.every((c) => c.state === 'open' && c.opened === 2)).toBe(true);
    expect(snap.kite!.connections[0]!.lastError).toContain('1006');
  });

  it('treats a silent connection as dead after the liveness timeout and reconnects', async () => {
    const { s, ticker } = await start({ livenessMs: 1000 });
    await eventually(() => allFull(ticker, 3), WAIT_MS, 'subscribed');
    ticker.setSilent(true); // sockets stay open: only the liveness check can notice
    await eventually(() => ticker.accepted >= 6, WAIT_MS, 'reconnections after silence');
    ticker.setSilent(false);
    await eventually(() => allFull(ticker, 3), WAIT_MS, 'resubscribed');
    const snap = await feedSnapshot(s);
    expect(snap.kite!.connections.some((c) => (c.lastError ?? '').includes('liveness'))).toBe(true);
  });

  it('counts malformed frames and unpublishable packets and keeps streaming', async () => {
    const { s, ticker } = await start();
    await eventually(() => allFull(ticker, 3), WAIT_MS, 'subscribed');
    const good = encodeKiteFrame([{ length: PACKET.LTP, tick: { token: 408065, ltp: 0 } as never }]);
    ticker.sendFrame(good.slice(0, good.length - 2)); // truncated
    ticker.sendFrame(Uint8Array.of(0, 1, 0, 5, 1, 2, 3, 4, 5)); // unknown packet length
    ticker.sendFrame(good); // LTP 0: decodes, but no tick may carry it
    ticker.sendText('message', 'maintenance at 16:00');
    ticker.sendText('order', { order_id: '42', status: 'COMPLETE', tag: 't1' });
    ticker.sendFrame(new TextEncoder().encode('{"type":')); // binary garbage
    // 3 connections × 4 bad frames each
    await eventually(async () => (await feedSnapshot(s)).kite!.malformed >= 12, WAIT_MS, 'malformed counted');
    const before = (await sinkRecord(s)).tokens.length;
    await eventually(async () => (await sinkRecord(s)).tokens.length >= before + 100, WAIT_MS, 'ticks after the bad frames');
    const snap = await feedSnapshot(s);
    expect(snap.kite!.texts).toMatchObject({ message: 3, order: 3 });
    expect(snap.kite!.connections.every((c) => c.opened === 1)).toBe(true);
    const status = await s.actor('market-feed')!.control()!.status();
    // The order message lacks most of an order's fields: ERR_KITE_DATA, counted, the feed unharmed
    expect(status.errors).toMatchObject({ ERR_FRAME_KITE_TRUNCATED: expect.any(Number), ERR_FRAME_KITE_PACKET_LENGTH: expect.any(Number), ERR_FRAME_BAD_VALUE: expect.any(Number), ERR_KITE_DATA: expect.any(Number) });
  });

  it('survives fuzzed binary frames: no crash, no restart, ticks keep flowing', async () => {
    const { s, ticker } = await start();
    await eventually(() => allFull(ticker, 3), WAIT_MS, 'subscribed');
    // Random bytes, half of them with a small plausible packet count so the parser walks into packets
    const frames = fc.sample(fc.tuple(fc.uint8Array({ minLength: 2, maxLength: 400 }), fc.boolean()), { seed, numRuns: 300 }).map(([b, plausible]) => {
      if (plausible) {
        b[0] = 0;
        b[1] = b[1]! % 4;
      }
      return b;
    });
    for (const f of frames) ticker.sendFrame(f);
    const before = (await sinkRecord(s)).tokens.length;
    await eventually(async () => (await sinkRecord(s)).tokens.length >= before + 100, WAIT_MS, 'ticks after the fuzz');
    const status = await s.actor('market-feed')!.control()!.status();
    expect(status.gen).toBe(1);
    expect((await feedSnapshot(s)).kite!.connections.every((c) => c.state === 'open' && c.opened === 1)).toBe(true);
  });

  it('reports unhealthy while the access token is refused, and keeps backing off', async () => {
    const { s, ticker } = await start({ accessToken: 'expired' });
    const health = async () => (await s.actor('market-feed')!.control()!.status()).health;
    await eventually(async () => (await health()).detail?.includes('HTTP 403') === true, WAIT_MS, 'the refusal reported');
    expect((await health()).status).toBe('unhealthy');
    // Backing off: delays double up to kiteReconnectMaxMs (400 ms, jittered to 200..400) instead of
    // spinning, so 3 connections make at most ~3 × 8 attempts in 1.5 s, and keep trying
    const from = ticker.refused;
    await new Promise((r) => setTimeout(r, 1500));
    const attempts = ticker.refused - from;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(30);
    expect(ticker.accepted).toBe(0);
  });
});
