// The client SDK against the real gateway process: it authenticates, subscribes in `every` mode,
// decodes binary frames, and when the gateway is SIGKILLed mid-stream it reconnects with backoff
// and resubscribes by itself — ticks published after the restart arrive without the caller doing
// anything.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamClient, type ClientTick } from '../../src/client/index.js';
import { startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';
import { eventually } from '../support/system.js';
import { freePort } from '../../bench/harness/net.js';

/** A port free right now (the restarted gateway must come back on the same one). */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ gateway: { port: await freePort() } });
});
afterAll(async () => {
  await h?.stop();
});

async function emit(token: number, from: number, n: number): Promise<void> {
  const ticks = Array.from({ length: n }, (_, k) => ({ token, ltp: from + k, exchangeTs: Date.now() }));
  await h.system.actor('ticks')!.control()!.call('emit', ticks);
}

describe('client SDK', () => {
  it('streams binary ticks, then survives a gateway SIGKILL: reconnects and resubscribes on its own', async () => {
    const client = new StreamClient({ url: h.wsUrl, token: TOKENS.reader, WebSocket, backoff: { initialMs: 50, maxMs: 500 } });
    const ticks: ClientTick[] = [];
    const opens: { gen: number; reconnects: number }[] = [];
    const closes: (number | null)[] = [];
    client.on('ticks', (e) => ticks.push(...e.ticks));
    client.on('open', (e) => opens.push({ gen: e.welcome.gen, reconnects: e.reconnects }));
    client.on('close', (e) => closes.push(e.retryInMs));
    // Subscribed before connecting: sent with the first welcome
    client.subscribe(['market.ticks'], { tokens: [901], mode: 'every' });
    client.connect();
    await eventually(() => opens.length === 1, 10_000, 'first open');
    // The subscribe is processed before the ticks are published: wait for it to take effect
    await eventually(async () => {
      await emit(901, 1, 1);
      return ticks.length > 0;
    }, 10_000, 'first tick');
    await emit(901, 100, 200);
    // (probe ticks of ltp 1 may still trail in; the series is told apart by its prices)
    const series = (): number[] => ticks.map((t) => t.ltp).filter((p) => p >= 100 && p < 300);
    await eventually(() => series().length >= 200, 10_000, '200 ticks');
    expect(series()).toEqual(Array.from({ length: 200 }, (_, k) => 100 + k));
    // binary frames carry no depth/change: proof the SDK asked for (and decoded) the binary format
    expect(ticks[0]).not.toHaveProperty('change');

    const gw = h.system.process('gateway')!;
    gw.kill9();
    await eventually(() => closes.length >= 1, 10_000, 'close seen');
    expect(closes[0]).not.toBeNull();
    await eventually(() => gw.state === 'running' && gw.gen === 2, 15_000, 'gateway restart');
    await eventually(() => opens.length === 2, 15_000, 'reconnected');
    expect(opens[1]).toEqual({ gen: 2, reconnects: expect.any(Number) });
    expect(opens[1]!.reconnects).toBeGreaterThanOrEqual(1);
    const after = ticks.length;
    await eventually(async () => {
      await emit(901, 5000, 1);
      return ticks.length > after;
    }, 10_000, 'ticks after the restart, without a new subscribe');
    expect(ticks.slice(after).every((t) => t.token === 901 && t.ltp === 5000)).toBe(true);
    client.close();
  });
});

describe('client SDK for a screen (what the dashboard builds on)', () => {
  it('reports a refused upgrade, reads the token again on reconnectNow, and answers ping with pong', async () => {
    let token = 'not-a-token';
    // A long backoff: only reconnectNow can bring the second attempt within the test's wait
    const client = new StreamClient({ url: h.wsUrl, token: () => token, WebSocket, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const closes: { welcomed: boolean; retryInMs: number | null }[] = [];
    const connecting: number[] = [];
    const pongs: unknown[] = [];
    let opens = 0;
    client.on('close', (e) => closes.push({ welcomed: e.welcomed, retryInMs: e.retryInMs }));
    client.on('connecting', (e) => connecting.push(e.attempt));
    client.on('open', () => opens++);
    client.on('pong', (e) => pongs.push(e.id));
    try {
      client.connect();
      await eventually(() => closes.length === 1, 10_000, 'the refused upgrade closes');
      expect(closes[0]).toEqual({ welcomed: false, retryInMs: expect.any(Number) });
      expect(opens).toBe(0);
      expect(client.ping('p0')).toBe(false);
      token = TOKENS.reader;
      client.reconnectNow();
      await eventually(() => opens === 1, 10_000, 'open with the new token');
      expect(connecting).toEqual([0, 1]);
      expect(client.ping('p1')).toBe(true);
      await eventually(() => pongs.length === 1, 10_000, 'pong');
      expect(pongs).toEqual(['p1']);
      // connected: reconnectNow does nothing
      client.reconnectNow();
      expect(connecting).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it('is served to browsers at /sdk/ (its .js modules only, never outside its directory)', async () => {
    const base = h.base;
    const index = await fetch(`${base}/sdk/index.js`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/javascript/);
    expect(await index.text()).toContain('StreamClient');
    for (const bad of ['/sdk/index.js.map', '/sdk/..%2Fgateway%2Fserver.js', '/sdk/nope.js']) expect((await fetch(`${base}${bad}`)).status, bad).toBe(404);
  });
});
