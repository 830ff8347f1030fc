// The sandbox KiteTicker over a real socket on 127.0.0.1: handshake auth (403), subscribe streams in
// quote mode, mode switches packet lengths, unsubscribe stops a token, heartbeats when idle, text
// messages, the per-connection limit, and dropConnections. Frames are decoded with our parser.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSandboxMarket, loadSandboxInstruments, type SandboxMarket } from '../../src/kite/sandbox/market.js';
import { startKiteTickerServer, type KiteTickerServer } from '../../src/kite/sandbox/ticker-server.js';
import { parseKiteFrame, HEARTBEAT } from '../../src/kite/ticker/frame.js';
import { newMutableTick } from '../../src/protocol/tick-record.js';

const INFY = 408065;
const NIFTY = 256265;
const DEADLINE_MS = 10_000;

let server: KiteTickerServer | undefined;
let market: SandboxMarket;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) {
    s.on('error', () => undefined); // terminating a socket whose handshake failed emits one
    s.terminate();
  }
  await server?.close();
  server = undefined;
});

async function start(opts: { heartbeatMs?: number; maxTokensPerConnection?: number } = {}): Promise<KiteTickerServer> {
  market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'ticker-server-test' });
  server = await startKiteTickerServer({ market, authorize: (k, t) => k === 'key' && t === 'tok', heartbeatMs: opts.heartbeatMs ?? 200, ...opts });
  return server;
}

interface Client {
  ws: WebSocket;
  packets: { token: number; length: number; ltp: number }[];
  heartbeats: number;
  texts: { type: string; data: unknown }[];
}

async function connect(s: KiteTickerServer, key = 'key', tok = 'tok'): Promise<Client> {
  const ws = new WebSocket(`${s.url}?api_key=${key}&access_token=${tok}`);
  sockets.push(ws);
  const c: Client = { ws, packets: [], heartbeats: 0, texts: [] };
  const out = newMutableTick();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return void c.texts.push(JSON.parse(String(data)) as { type: string; data: unknown });
    const n = parseKiteFrame(new Uint8Array(data), out, {
      packet: (t, length) => c.packets.push({ token: t.token, length, ltp: t.ltp }),
      error: (code) => {
        throw new Error(code);
      },
    });
    if (n === HEARTBEAT) c.heartbeats++;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return c;
}

async function until(what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + DEADLINE_MS;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const send = (c: Client, msg: unknown): void => c.ws.send(JSON.stringify(msg));
const step = async (): Promise<void> => {
  market.step(1_718_176_569_000 + market.steps * 1000);
  await new Promise((r) => setTimeout(r, 20));
};

describe('sandbox KiteTicker server', () => {
  it('refuses bad credentials in the handshake with HTTP 403', async () => {
    const s = await start();
    const ws = new WebSocket(`${s.url}?api_key=key&access_token=wrong`);
    sockets.push(ws);
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
  });

  it('streams quote mode after subscribe, the mode asked for after mode, nothing after unsubscribe', async () => {
    const s = await start();
    const c = await connect(s);
    send(c, { a: 'subscribe', v: [INFY, NIFTY] });
    await until('subscriptions', () => s.subscriptions()[0]?.size === 2);
    await step();
    await until('quote packets', () => c.packets.length >= 2);
    expect(c.packets.map((p) => [p.token, p.length]).sort()).toEqual([[NIFTY, 28], [INFY, 44]].sort());
    expect(c.packets.find((p) => p.token === INFY)!.ltp).toBe(market.lastPrice(INFY));

    send(c, { a: 'mode', v: ['full', [INFY, NIFTY]] });
    await until('full mode', () => s.subscriptions()[0]?.get(INFY) === 'full');
    c.packets.length = 0;
    await step();
    await until('full packets', () => c.packets.length >= 2);
    expect(c.packets.map((p) => [p.token, p.length]).sort()).toEqual([[NIFTY, 32], [INFY, 184]].sort());

    send(c, { a: 'mode', v: ['ltp', [INFY]] });
    send(c, { a: 'unsubscribe', v: [NIFTY] });
    await until('unsubscribed', () => s.subscriptions()[0]?.size === 1);
    c.packets.length = 0;
    await step();
    await until('ltp packet', () => c.packets.length >= 1);
    expect(c.packets).toEqual([{ token: INFY, length: 8, ltp: market.lastPrice(INFY) }]);
  });

  it('sends 1-byte heartbeats while idle, none while silent', async () => {
    const s = await start({ heartbeatMs: 50 });
    const c = await connect(s);
    await until('heartbeats', () => c.heartbeats >= 2);
    s.setSilent(true);
    await new Promise((r) => setTimeout(r, 120)); // a heartbeat already in flight may still land
    const seen = c.heartbeats;
    await new Promise((r) => setTimeout(r, 300));
    expect(c.heartbeats).toBe(seen);
  });

  it('answers bad commands and the subscription limit with error text messages, and relays order/message texts', async () => {
    const s = await start({ maxTokensPerConnection: 2 });
    const c = await connect(s);
    c.ws.send('not json');
    send(c, { a: 'subscribe', v: 'INFY' });
    send(c, { a: 'subscribe', v: [1, 2, 3] });
    await until('three errors', () => c.texts.length >= 3);
    expect(c.texts.map((t) => t.type)).toEqual(['error', 'error', 'error']);
    expect(String(c.texts[2]!.data)).toContain('1 tokens refused');
    s.sendText('order', { order_id: '1', status: 'COMPLETE' });
    s.sendText('message', 'hello');
    await until('relayed', () => c.texts.length >= 5);
    expect(c.texts.slice(3)).toEqual([{ type: 'order', data: { order_id: '1', status: 'COMPLETE' } }, { type: 'message', data: 'hello' }]);
  });

  it('drops every connection on demand, without a close frame', async () => {
    const s = await start();
    const a = await connect(s);
    const b = await connect(s);
    const codes: number[] = [];
    for (const c of [a, b]) c.ws.on('close', (code: number) => codes.push(code));
    expect(s.dropConnections()).toBe(2);
    await until('closed', () => codes.length === 2);
    expect(codes).toEqual([1006, 1006]);
    expect(s.accepted).toBe(2);
  });
});
