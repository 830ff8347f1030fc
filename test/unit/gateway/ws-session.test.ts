import { describe, expect, it } from 'vitest';
import { handleMessage, type CommandEnv } from '../../../src/gateway/ws-commands.js';
import { availableStreams, parseCommand } from '../../../src/gateway/ws-protocol.js';
import { WsSession, type SessionCounters, type SocketLike } from '../../../src/gateway/ws-session.js';
import { TokenBucket } from '../../../src/gateway/rate-limit.js';
import { TickEncoder } from '../../../src/gateway/tick-encoder.js';
import { latestPerInstrument } from '../../../src/gateway/ws-hub.js';
import { decodeTickFrame } from '../../../src/gateway/tick-frame.js';
import type { Tick } from '../../../src/domain/types.js';

const level = { price: 0, quantity: 0, orders: 0 };
const tick = (token: number, ltp: number): Tick => ({
  token, ltp, lastQty: 1, avgPrice: ltp, volume: 1, buyQty: 0, sellQty: 0, open: ltp, high: ltp, low: ltp, close: ltp,
  oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: 0, lastTradeTs: 0,
  depthBuy: [level, level, level, level, level], depthSell: [level, level, level, level, level],
});

/** A socket whose buffered amount the test sets. */
class StubSocket implements SocketLike {
  buffered = 0;
  sent: { data: Uint8Array | string; binary: boolean }[] = [];
  ended: { code: number; reason: string } | undefined;
  send(message: Uint8Array | string, isBinary: boolean): number {
    this.sent.push({ data: message, binary: isBinary });
    return 1;
  }
  getBufferedAmount(): number {
    return this.buffered;
  }
  end(code: number, reason: string): void {
    this.ended = { code, reason };
  }
  texts(): Record<string, unknown>[] {
    return this.sent.filter((s) => !s.binary).map((s) => JSON.parse(typeof s.data === 'string' ? s.data : Buffer.from(s.data).toString('utf8')));
  }
}

const counters: SessionCounters & { coalescedTicks: number } = {
  coalescedTicks: 0,
  sent: () => undefined,
  coalesced(n) {
    this.coalescedTicks += n;
  },
  everyDropped: () => undefined,
  error: () => undefined,
};

let now = 0;
const streams = availableStreams(['paper']);
const env: CommandEnv = {
  streams: new Set(streams),
  maxPayloadBytes: 1024,
  strikeLimit: 3,
  strikeWindowMs: 60_000,
  floodCloseAfter: 5,
  floodWindowMs: 10_000,
  floodPerMinute: 60,
  monoMs: () => now,
  wallMs: () => 1_700_000_000_000 + now,
  lastHealth: () => Buffer.from('{"type":"health","data":{}}'),
};

/** One batch as the hub offers it: latest per instrument and every tick. */
const offer = (s: WsSession, ticks: readonly Tick[]): void => s.deliverTicks(new TickEncoder(latestPerInstrument(ticks)), new TickEncoder(ticks));

function session(limits: Partial<{ softLimitBytes: number; maxQueuedEvents: number; maxQueuedBytes: number; maxQueuedTicks: number; stallMs: number }> = {}) {
  const sock = new StubSocket();
  const s = new WsSession(1, { name: 't', scopes: new Set(['read']) }, '127.0.0.1', sock,
    { softLimitBytes: 1000, maxQueuedEvents: 3, maxQueuedBytes: 10_000, maxQueuedTicks: 4, stallMs: 5000, ...limits }, counters,
    new TokenBucket({ perMinute: 60, burst: 10 }, 0));
  return { s, sock };
}
const msg = (o: unknown): ArrayBuffer => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o)).buffer as ArrayBuffer;

describe('parseCommand', () => {
  const set = new Set(streams);
  it('accepts the four ops and refuses unknown streams, ops and shapes with a strike', () => {
    expect(parseCommand('{"op":"ping","id":7}', set)).toEqual({ ok: true, value: { op: 'ping', id: 7 } });
    expect(parseCommand('{"op":"format","ticks":"binary"}', set).ok).toBe(true);
    const unknownStream = parseCommand('{"op":"subscribe","streams":["nope"]}', set);
    expect(unknownStream.ok === false && unknownStream.error).toMatchObject({ code: 'ERR_WS_BAD_COMMAND', strike: true });
    expect(parseCommand('{"op":"dance"}', set).ok).toBe(false);
    expect(parseCommand('[1,2]', set).ok).toBe(false);
    expect(parseCommand('{"op":"subscribe","streams":["market.ticks"],"tokens":[1.5]}', set).ok).toBe(false);
    expect(parseCommand('{"op":"ping","extra":1}', set).ok).toBe(false);
  });
  it('refuses trading ops as forbidden, not as a strike', () => {
    const r = parseCommand('{"op":"cancel","orderId":"x"}', set);
    expect(r.ok === false && r.error).toMatchObject({ code: 'ERR_WS_FORBIDDEN', strike: false });
  });
});

describe('command handling', () => {
  it('subscribes additively, filters tokens, and answers pings', () => {
    const { s, sock } = session();
    handleMessage(s, msg({ op: 'subscribe', streams: ['market.ticks'], tokens: [2] }), false, env);
    handleMessage(s, msg({ op: 'subscribe', streams: ['market.ticks'], tokens: [3] }), false, env);
    handleMessage(s, msg({ op: 'ping', id: 'a' }), false, env);
    expect(sock.texts()[1]).toEqual({ type: 'subscribed', streams: ['market.ticks'], tokens: [2, 3], mode: 'latest' });
    expect(sock.texts()[2]).toMatchObject({ type: 'pong', id: 'a' });
    offer(s, [tick(1, 10), tick(2, 20), tick(3, 30)]);
    const ticks = sock.texts()[3] as { type: string; data: { token: number }[] };
    expect(ticks.type).toBe('ticks');
    expect(ticks.data.map((t) => t.token)).toEqual([2, 3]);
    handleMessage(s, msg({ op: 'unsubscribe', streams: ['market.ticks'], tokens: [2] }), false, env);
    expect(sock.texts()[4]).toEqual({ type: 'unsubscribed', streams: [], tokens: [3] });
    handleMessage(s, msg({ op: 'unsubscribe', streams: ['market.ticks'], tokens: [3] }), false, env);
    expect(s.wantsTicks).toBe(false);
  });

  it('sends the latest health at once to a new system.health subscriber', () => {
    const { s, sock } = session();
    handleMessage(s, msg({ op: 'subscribe', streams: ['system.health'] }), false, env);
    expect(sock.texts().map((m) => m['type'])).toEqual(['subscribed', 'health']);
  });

  it('sends binary frames after format binary', () => {
    const { s, sock } = session();
    handleMessage(s, msg({ op: 'subscribe', streams: ['market.ticks'] }), false, env);
    handleMessage(s, msg({ op: 'format', ticks: 'binary' }), false, env);
    const batch = [tick(5, 55)];
    offer(s, batch);
    const last = sock.sent.at(-1)!;
    expect(last.binary).toBe(true);
    expect(decodeTickFrame(last.data as Uint8Array)?.[0]).toMatchObject({ token: 5, ltp: 55 });
  });

  it('counts strikes and closes with 1008 at the limit', () => {
    const { s, sock } = session();
    handleMessage(s, msg('not json'), false, env);
    handleMessage(s, msg({ op: 'nope' }), false, env);
    expect(sock.ended).toBeUndefined();
    expect(sock.texts().every((m) => m['code'] === 'ERR_WS_BAD_COMMAND')).toBe(true);
    handleMessage(s, msg({ op: 'subscribe', streams: [] }), false, env);
    expect(sock.ended).toEqual({ code: 1008, reason: 'ERR_WS_BAD_COMMAND' });
  });

  it('forgets strikes outside the window', () => {
    const { s, sock } = session();
    now = 0;
    handleMessage(s, msg('x'), false, env);
    handleMessage(s, msg('y'), false, env);
    now = 61_000;
    handleMessage(s, msg('z'), false, env);
    expect(sock.ended).toBeUndefined();
    now = 0;
  });

  it('closes oversize messages with 1009', () => {
    const { s, sock } = session();
    handleMessage(s, msg('x'.repeat(1025)), false, env);
    expect(sock.ended).toEqual({ code: 1009, reason: 'ERR_WS_TOO_LARGE' });
  });

  it('rate-limits a flood: one error frame, then 1008', () => {
    const { s, sock } = session();
    for (let i = 0; i < 10; i++) handleMessage(s, msg({ op: 'ping' }), false, env);
    expect(sock.ended).toBeUndefined();
    for (let i = 0; i < 5; i++) handleMessage(s, msg({ op: 'ping' }), false, env);
    const errors = sock.texts().filter((m) => m['type'] === 'error');
    expect(errors.map((e) => e['code'])).toEqual(['ERR_RATE_LIMITED']);
    expect(sock.ended).toEqual({ code: 1008, reason: 'ERR_RATE_LIMITED' });
  });
});

describe('slow consumers', () => {
  it('coalesces ticks to the latest per instrument while backpressured and flushes on drain', () => {
    const { s, sock } = session();
    handleMessage(s, msg({ op: 'subscribe', streams: ['market.ticks'] }), false, env);
    sock.buffered = 5000;
    for (let round = 1; round <= 50; round++) offer(s, [tick(1, round), tick(2, round)]);
    const before = sock.sent.length;
    expect(s.pendingTicks).toBe(2);
    sock.buffered = 0;
    s.flush(new TickEncoder([]), 100, true);
    expect(sock.sent.length).toBe(before + 1);
    const data = (sock.texts().at(-1) as { data: { token: number; ltp: number }[] }).data;
    expect(data).toEqual([expect.objectContaining({ token: 1, ltp: 50 }), expect.objectContaining({ token: 2, ltp: 50 })]);
  });

  it('`every` queues ticks in order up to maxQueuedTicks, then drops; the dropped message sits at the gap', () => {
    const { s, sock } = session({ maxQueuedTicks: 4 });
    handleMessage(s, msg({ op: 'subscribe', streams: ['market.ticks'], mode: 'every' }), false, env);
    offer(s, [tick(1, 1), tick(1, 2)]);
    sock.buffered = 5000;
    offer(s, [tick(1, 3), tick(2, 3), tick(1, 4)]);
    offer(s, [tick(1, 5), tick(1, 6)]);
    // Once the gap opened, later ticks join it even if there is room: order is never broken
    offer(s, [tick(1, 7)]);
    expect(s.pendingTicks).toBe(4);
    sock.buffered = 0;
    s.flush(new TickEncoder([]), 0, true);
    offer(s, [tick(1, 8)]);
    const texts = sock.texts().slice(1);
    expect(texts.map((m) => m['type'])).toEqual(['ticks', 'ticks', 'dropped', 'ticks']);
    const ltps = (i: number): number[] => (texts[i] as { data: { ltp: number }[] }).data.map((t) => t.ltp);
    expect(ltps(0)).toEqual([1, 2]);
    expect(ltps(1)).toEqual([3, 3, 4, 5]);
    expect(texts[2]).toEqual({ type: 'dropped', stream: 'market.ticks', count: 2 });
    expect(ltps(3)).toEqual([8]);
  });

  it('queues events up to the bound, then closes with ERR_WS_SLOW_CONSUMER (1013)', () => {
    const { s, sock } = session();
    handleMessage(s, msg({ op: 'subscribe', streams: ['paper.orders.filled'] }), false, env);
    sock.buffered = 5000;
    for (let i = 0; i < 3; i++) s.deliver('paper.orders.filled', Buffer.from(`{"i":${i}}`));
    expect(s.queuedEvents).toBe(3);
    expect(sock.ended).toBeUndefined();
    s.deliver('paper.orders.filled', Buffer.from('{"i":3}'));
    expect(sock.ended).toEqual({ code: 1013, reason: 'ERR_WS_SLOW_CONSUMER' });
  });

  it('delivers queued events in order once the socket drains', () => {
    const { s, sock } = session();
    handleMessage(s, msg({ op: 'subscribe', streams: ['paper.orders.filled'] }), false, env);
    sock.buffered = 5000;
    s.deliver('paper.orders.filled', Buffer.from('{"i":0}'));
    s.deliver('paper.orders.filled', Buffer.from('{"i":1}'));
    sock.buffered = 0;
    s.deliver('paper.orders.filled', Buffer.from('{"i":2}'));
    s.flush(new TickEncoder([]), 0, true);
    expect(sock.texts().slice(1).map((m) => m['i'])).toEqual([0, 1, 2]);
  });

  it('closes a client stalled longer than stallMs', () => {
    const { s, sock } = session({ stallMs: 1000 });
    handleMessage(s, msg({ op: 'subscribe', streams: ['market.ticks'] }), false, env);
    sock.buffered = 5000;
    offer(s, [tick(1, 1)]);
    s.flush(new TickEncoder([]), 0);
    s.flush(new TickEncoder([]), 900);
    expect(sock.ended).toBeUndefined();
    s.flush(new TickEncoder([]), 1001);
    expect(sock.ended).toEqual({ code: 1013, reason: 'ERR_WS_SLOW_CONSUMER' });
  });

  it('ignores streams it did not subscribe to', () => {
    const { s, sock } = session();
    s.deliver('paper.orders.filled', Buffer.from('{}'));
    offer(s, [tick(1, 1)]);
    expect(sock.sent).toHaveLength(0);
  });
});
