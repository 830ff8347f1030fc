// The WebSocket protocol against the real gateway process (F3): subscribe and receive ticks (JSON
// and binary, token filters), events, system.health, ping; bad input gets error frames then 1008;
// oversize gets 1009 up to a 256 MiB hard cap; a flood is rate-limited then closed with 1008; the process stays up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTickFrame } from '../../src/gateway/tick-frame.js';
import { WS_HARD_CAP_BYTES } from '../../src/gateway/ws-server.js';
import { Client, emitTicks, startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ gateway: { maxPayloadBytes: 4096, rateLimitPerMinute: 600 } });
});
afterAll(async () => {
  await h?.stop();
});

type TickMsg = { type: string; data: { token: number; ltp: number; divisor: number }[] };
const ticksOf = (c: Client): TickMsg['data'] => (c.of('ticks') as unknown as TickMsg[]).flatMap((m) => m.data);

describe('gateway WebSocket protocol', () => {
  it('welcomes, subscribes and streams ticks (latest per instrument, integer paise + divisor)', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    await c.waitFor((x) => x.of('welcome').length === 1, 'welcome');
    expect(c.of('welcome')[0]).toMatchObject({ type: 'welcome', scopes: ['read'], gen: 1, streams: expect.arrayContaining(['market.ticks', 'paper.orders.filled', 'system.health']) });
    c.send({ op: 'subscribe', streams: ['market.ticks'] });
    await c.waitFor((x) => x.of('subscribed').length === 1, 'subscribed');
    await emitTicks(h.system, [101, 102], 250_050);
    await c.waitFor((x) => new Set(ticksOf(x).map((t) => t.token)).size === 2, 'ticks of both tokens');
    expect(ticksOf(c)[0]).toMatchObject({ ltp: 250_050, divisor: 100, change: 0 });
    c.close();
  });

  it('filters by tokens and sends binary frames on request', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    c.send({ op: 'subscribe', streams: ['market.ticks'], tokens: [202] });
    c.send({ op: 'format', ticks: 'binary' });
    await c.waitFor((x) => x.of('format').length === 1, 'format ack');
    await emitTicks(h.system, [201, 202, 203], 99_900);
    await c.waitFor((x) => x.binary.length > 0, 'binary frame');
    const decoded = c.binary.flatMap((b) => decodeTickFrame(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) ?? []);
    expect(decoded.map((t) => t.token)).toEqual([202]);
    expect(decoded[0]).toMatchObject({ ltp: 99_900, divisor: 100, tradable: true });
    expect(c.of('ticks')).toHaveLength(0);
    c.close();
  });

  it('streams events and system.health, answers ping', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    c.send({ op: 'subscribe', streams: ['paper.signals.raw', 'system.health'] });
    c.send({ op: 'ping', id: 42 });
    await c.waitFor((x) => x.of('pong').length === 1, 'pong');
    expect(c.of('pong')[0]).toMatchObject({ id: 42, ts: expect.any(Number) });
    await h.system.actor('signals')!.control()!.call('emit', 3);
    await c.waitFor((x) => x.of('event').length === 3, 'three events');
    const ev = c.of('event') as { stream: string; seq: number; data: { type: string; data: { i: number } } }[];
    expect(ev.map((e) => e.data.data.i)).toEqual([0, 1, 2]);
    expect(ev.every((e) => e.stream === 'paper.signals.raw' && e.data.type === 'trading_signal')).toBe(true);
    expect(ev.map((e) => e.seq)).toEqual([...ev.map((e) => e.seq)].sort((a, b) => a - b));
    await c.waitFor((x) => x.of('health').length >= 2, 'health pushes', 5000);
    const health = c.of('health').at(-1)!['data'] as { ready: { ready: boolean }; nodes: { name: string }[] };
    expect(health.ready.ready).toBe(true);
    expect(health.nodes.map((n) => n.name)).toContain('worker-a');
    c.close();
  });

  it('answers bad input with error frames, keeps the connection, then closes with 1008 after 5 strikes', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    const bad = ['{not json', '{"op":"dance"}', '{"op":"subscribe","streams":["nope.topic"]}', '[]'];
    for (const b of bad) c.send(b);
    await c.waitFor((x) => x.of('error').length === 4, 'four errors');
    expect(c.of('error').every((e) => e['code'] === 'ERR_WS_BAD_COMMAND')).toBe(true);
    c.send({ op: 'ping', id: 'still-here' });
    await c.waitFor((x) => x.of('pong').length === 1, 'pong after strikes');
    expect(c.closed).toBeUndefined();
    c.send('{"op":"subscribe","streams":"market.ticks"}');
    await c.waitFor((x) => x.closed !== undefined, 'close');
    expect(c.closed).toEqual({ code: 1008, reason: 'ERR_WS_BAD_COMMAND' });
  });

  it('closes every oversize message under the hard cap with 1009, whatever its size or fragmentation', async () => {
    // 2 MiB and 24 MiB were closed by uWS itself without a close frame (1006) before
    expect(WS_HARD_CAP_BYTES).toBeGreaterThan(24 * 1024 * 1024);
    for (const bytes of [2 * 1024 * 1024, 24 * 1024 * 1024]) {
      const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
      c.send(JSON.stringify({ op: 'ping', id: 'y'.repeat(bytes) }));
      await c.waitFor((x) => x.closed !== undefined, `close after ${bytes} bytes`, 30_000);
      expect(c.closed, `${bytes} bytes`).toEqual({ code: 1009, reason: 'ERR_WS_TOO_LARGE' });
    }
    // a message sent as many small fragments is judged by its whole size
    const f = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    for (let i = 0; i < 9; i++) f.ws.send('z'.repeat(1000), { fin: i === 8 });
    await f.waitFor((x) => x.closed !== undefined, 'close after fragments');
    expect(f.closed).toEqual({ code: 1009, reason: 'ERR_WS_TOO_LARGE' });
    const ok = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    ok.send({ op: 'ping', id: 'after' });
    await ok.waitFor((x) => x.of('pong').length === 1, 'gateway still serving');
    ok.close();
    expect(h.system.process('gateway')!.gen).toBe(1);
  });

  it('rate-limits a flood with one error frame, then closes it with 1008; the gateway stays up', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    const started = Date.now();
    for (let i = 0; i < 2000 && c.closed === undefined; i++) c.send({ op: 'ping', id: i });
    await c.waitFor((x) => x.closed !== undefined, 'flood close');
    expect(c.closed).toEqual({ code: 1008, reason: 'ERR_RATE_LIMITED' });
    expect(c.of('error').map((e) => e['code'])).toEqual(['ERR_RATE_LIMITED']);
    // burst (60) answered, the rest dropped
    expect(c.of('pong').length).toBeGreaterThanOrEqual(60);
    expect(c.of('pong').length).toBeLessThan(200);
    expect(Date.now() - started).toBeLessThan(5000);
    const health = await fetch(`${h.base}/health`);
    expect(health.status).toBe(200);
    expect(h.system.process('gateway')!.gen).toBe(1);
  });

  it('unsubscribes', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    c.send({ op: 'subscribe', streams: ['market.ticks'] });
    c.send({ op: 'unsubscribe', streams: ['market.ticks'] });
    await c.waitFor((x) => x.of('unsubscribed').length === 1, 'unsubscribed');
    expect(c.of('unsubscribed')[0]).toEqual({ type: 'unsubscribed', streams: ['market.ticks'], tokens: null });
    // a witness still subscribed: once it has the tick, the same batch has passed every session
    const witness = await Client.connect(h.wsUrl, { token: TOKENS.spare });
    witness.send({ op: 'subscribe', streams: ['market.ticks'], tokens: [301] });
    await witness.waitFor((x) => x.of('subscribed').length === 1, 'witness subscribed');
    await emitTicks(h.system, [301], 1);
    await witness.waitFor((x) => x.of('ticks').length === 1, 'witness tick');
    expect(c.of('ticks')).toHaveLength(0);
    c.close();
    witness.close();
  });
});
