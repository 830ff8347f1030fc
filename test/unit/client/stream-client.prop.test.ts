// The SDK decodes exactly what the server encodes: random tick batches go through the gateway's
// encoders (binary frame and JSON message, the bytes a socket carries) into a StreamClient over a
// stub WebSocket, and the ticks it emits must equal the server-side ticks field by field. Also the
// backoff bounds, and resubscription after a reconnect.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, StreamClient, type WebSocketLike } from '../../../src/client/index.js';
import type { Tick } from '../../../src/domain/types.js';
import { encodeTickFrame } from '../../../src/gateway/tick-frame.js';
import { ticksJsonMessage } from '../../../src/gateway/tick-encoder.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

/** A WebSocket the test drives: it records what the client sends and injects server messages. */
class StubWs implements WebSocketLike {
  static last: StubWs[] = [];
  binaryType = 'blob';
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { readonly data: unknown }) => void) | null = null;
  onclose: ((ev: { readonly code: number; readonly reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {
    StubWs.last.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  /** The server accepts: open, then welcome. */
  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
    this.text({ type: 'welcome', streams: ['market.ticks'], scopes: ['read'], gen: 1, limits: {} });
  }
  text(m: unknown): void {
    this.onmessage?.({ data: typeof m === 'string' ? m : JSON.stringify(m) });
  }
  binary(bytes: Uint8Array): void {
    // What a browser hands over with binaryType 'arraybuffer': a standalone ArrayBuffer
    this.onmessage?.({ data: bytes.slice().buffer });
  }
}

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const ts = fc.double({ min: 0, max: 4e12, noNaN: true });
const level = fc.record({ price: i32, quantity: u32, orders: u32 });
const tickArb: fc.Arbitrary<Tick> = fc.record({
  token: fc.integer({ min: 1, max: 2 ** 32 - 1 }), ltp: i32, lastQty: u32, avgPrice: i32, volume: u32, buyQty: u32, sellQty: u32,
  open: i32, high: i32, low: i32, close: i32, oi: u32, oiDayHigh: u32, oiDayLow: u32, divisor: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  tradable: fc.boolean(), exchangeTs: ts, lastTradeTs: ts,
  depthBuy: fc.array(level, { minLength: 5, maxLength: 5 }), depthSell: fc.array(level, { minLength: 5, maxLength: 5 }),
});

/** The fields a client sees for a server tick. */
const seen = (t: Tick) => ({
  token: t.token, ltp: t.ltp, open: t.open, high: t.high, low: t.low, close: t.close, volume: t.volume, lastQty: t.lastQty,
  avgPrice: t.avgPrice, buyQty: t.buyQty, sellQty: t.sellQty, oi: t.oi, divisor: t.divisor, tradable: t.tradable,
  exchangeTs: t.exchangeTs, lastTradeTs: t.lastTradeTs,
});

function connected(format: 'json' | 'binary'): { client: StreamClient; ws: StubWs; got: unknown[][] } {
  StubWs.last = [];
  const client = new StreamClient({ url: 'ws://x/ws', token: 't', format, WebSocket: StubWs }).connect();
  const ws = StubWs.last[0]!;
  ws.accept();
  const got: unknown[][] = [];
  client.on('ticks', (e) => got.push([...e.ticks]));
  return { client, ws, got };
}

describe('client SDK decode == server encode (property)', () => {
  it('binary frames', () => {
    fc.assert(
      fc.property(fc.array(tickArb, { minLength: 0, maxLength: 40 }), (ticks) => {
        const { client, ws, got } = connected('binary');
        ws.binary(encodeTickFrame(ticks));
        expect(got).toEqual([ticks.map(seen)]);
        client.close();
      }),
      { seed, numRuns: 200 },
    );
  });

  it('JSON messages (with and without depth)', () => {
    fc.assert(
      fc.property(fc.array(tickArb, { minLength: 0, maxLength: 20 }), fc.boolean(), (ticks, depth) => {
        const { client, ws, got } = connected('json');
        ws.text(Buffer.from(ticksJsonMessage(ticks, depth)).toString('utf8'));
        expect(got.length).toBe(1);
        expect(got[0]!.map((t) => seen(t as Tick))).toEqual(ticks.map(seen));
        if (depth) expect((got[0]![0] as { depth?: unknown } | undefined)?.depth ?? null).toEqual(ticks[0] === undefined ? null : { buy: ticks[0].depthBuy, sell: ticks[0].depthSell });
        client.close();
      }),
      { seed, numRuns: 100 },
    );
  });

  it('never throws on arbitrary binary input; reports ERR_CLIENT_BAD_FRAME instead', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const { client, ws } = connected('binary');
        const errors: string[] = [];
        let ticks = 0;
        client.on('error', (e) => errors.push(e.code));
        client.on('ticks', () => ticks++);
        ws.binary(bytes);
        expect(errors.length + ticks).toBe(1);
        expect(errors.every((c) => c === 'ERR_CLIENT_BAD_FRAME')).toBe(true);
        client.close();
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('reconnect', () => {
  it('backoff stays within [base × (1 − jitter), base], base capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const base = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** attempt);
        const d = backoffDelay(attempt, DEFAULT_BACKOFF, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * (1 - DEFAULT_BACKOFF.jitter)));
        expect(d).toBeLessThanOrEqual(base);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('re-sends the format and every subscription after a reconnect, and stops after close()', async () => {
    StubWs.last = [];
    const client = new StreamClient({ url: 'ws://x/ws', token: 'a b', WebSocket: StubWs, backoff: { initialMs: 1, maxMs: 1 } }).connect();
    const first = StubWs.last[0]!;
    expect(first.url).toBe('ws://x/ws?token=a%20b');
    first.accept();
    client.subscribe(['market.ticks'], { tokens: [5, 6], mode: 'every' });
    client.subscribe(['paper.orders.filled']);
    client.unsubscribe(['market.ticks'], [5]);
    const opens: number[] = [];
    client.on('open', (e) => opens.push(e.reconnects));
    first.close(1006, '');
    await new Promise((r) => setTimeout(r, 20));
    const second = StubWs.last[1]!;
    second.accept();
    expect(opens).toEqual([1]);
    expect(second.sent).toEqual([
      { op: 'format', ticks: 'binary' },
      { op: 'subscribe', streams: ['market.ticks', 'paper.orders.filled'], tokens: [6], mode: 'every' },
    ]);
    client.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(StubWs.last).toHaveLength(2);
  });
});
