// The official client is the oracle: kiteconnect's KiteTicker (npm `kiteconnect`), pointed at the
// sandbox with its `root` option, must decode the sandbox's frames to the same values as our
// parser, field by field: thousands of random packets of every length and segment (seeded, seed
// printed; SEED=n to replay), the worked example, and the sandbox market streamed through a real
// subscribe + mode. Known quirk of that client (not of the protocol): it reads 4-byte fields as
// signed, so the expected values below map ours through `signed()` (see src/kite/ticker/layout.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import { KiteTicker } from 'kiteconnect';
import { createSandboxMarket, loadSandboxInstruments, type SandboxMarket } from '../../src/kite/sandbox/market.js';
import { startKiteTickerServer, type KiteTickerServer } from '../../src/kite/sandbox/ticker-server.js';
import { encodeKiteFrame } from '../../src/kite/ticker/encode.js';
import { parseKiteFrame } from '../../src/kite/ticker/frame.js';
import { PACKET } from '../../src/kite/ticker/layout.js';
import { copyTick, newMutableTick } from '../../src/protocol/tick-record.js';
import type { Tick } from '../../src/domain/types.js';
import { packetArb } from '../unit/kite/ticker-arb.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);
const PACKETS = 4000;
const DEADLINE_MS = 20_000;

type Official = Record<string, unknown> & { instrument_token: number; mode: string };

let market: SandboxMarket;
let server: KiteTickerServer;
let ticker: InstanceType<typeof KiteTicker>;
const received: Official[] = [];

beforeAll(async () => {
  market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'oracle' });
  server = await startKiteTickerServer({ market, authorize: (k, t) => k === 'oracle-key' && t === 'oracle-token', heartbeatMs: 500 });
  // kiteconnect 5.3.0 reads `root` (its ticker.js) but its typings omit the option
  const params: ConstructorParameters<typeof KiteTicker>[0] & { root: string } = { api_key: 'oracle-key', access_token: 'oracle-token', root: server.url, reconnect: false };
  ticker = new KiteTicker(params);
  ticker.on('ticks', (ticks: Official[]) => received.push(...ticks));
  await new Promise<void>((resolve) => {
    ticker.on('connect', () => resolve());
    ticker.connect();
  });
});

afterAll(async () => {
  ticker.disconnect();
  await server.close();
});

async function until(what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + DEADLINE_MS;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The official JS client's reading of a u32 (it shifts into the sign bit). */
const signed = (v: number): number => (v >= 2 ** 31 ? v - 2 ** 32 : v);
const price = (v: number, d: number): number => signed(v) / d;
const date = (ms: number): number | null => (ms === 0 ? null : signed(ms / 1000) * 1000);
const time = (d: unknown): number | null => (d === null || d === undefined ? null : (d as Date).getTime());
const MODE: Record<number, string> = { 8: 'ltp', 28: 'quote', 44: 'quote', 32: 'full', 184: 'full' };

/** What the official client must report for a packet our parser decoded to `t`. */
function expectedOfficial(t: Tick, length: number): Record<string, unknown> {
  const d = t.divisor;
  const base = { tradable: t.tradable, mode: MODE[length], instrument_token: signed(t.token), last_price: price(t.ltp, d) };
  if (length === PACKET.LTP) return base;
  if (length === PACKET.INDEX_QUOTE || length === PACKET.INDEX_FULL) {
    return {
      ...base,
      ohlc: { high: price(t.high, d), low: price(t.low, d), open: price(t.open, d), close: price(t.close, d) },
      ...(length === PACKET.INDEX_FULL ? { exchange_timestamp: date(t.exchangeTs) } : {}),
    };
  }
  const quote = {
    ...base,
    last_traded_quantity: signed(t.lastQty),
    average_traded_price: price(t.avgPrice, d),
    volume_traded: signed(t.volume),
    total_buy_quantity: signed(t.buyQty),
    total_sell_quantity: signed(t.sellQty),
    ohlc: { open: price(t.open, d), high: price(t.high, d), low: price(t.low, d), close: price(t.close, d) },
  };
  if (length === PACKET.QUOTE) return quote;
  const level = (l: { price: number; quantity: number; orders: number }) => ({ quantity: signed(l.quantity), price: price(l.price, d), orders: l.orders });
  return {
    ...quote,
    last_trade_time: date(t.lastTradeTs),
    exchange_timestamp: date(t.exchangeTs),
    oi: signed(t.oi),
    oi_day_high: signed(t.oiDayHigh),
    oi_day_low: signed(t.oiDayLow),
    depth: { buy: t.depthBuy.map(level), sell: t.depthSell.map(level) },
  };
}

/** The official tick without `change` (derived, not a wire field) and with dates as epoch ms. */
function comparable(o: Official): Record<string, unknown> {
  const { change: _change, exchange_timestamp, last_trade_time, ...rest } = o;
  return {
    ...rest,
    ...('exchange_timestamp' in o ? { exchange_timestamp: time(exchange_timestamp) } : {}),
    ...('last_trade_time' in o ? { last_trade_time: time(last_trade_time) } : {}),
  };
}

/** Decodes `frames` with our parser into the official shape. */
function ours(frames: readonly Uint8Array[]): Record<string, unknown>[] {
  const out = newMutableTick();
  const got: Record<string, unknown>[] = [];
  for (const f of frames) {
    parseKiteFrame(f, out, {
      packet: (t, length) => got.push(expectedOfficial(copyTick(t), length)),
      error: (code) => {
        throw new Error(code);
      },
    });
  }
  return got;
}

describe('KiteTicker parity with the official client', () => {
  it(`decodes ${PACKETS} random packets of every length and segment exactly as the official client does`, async () => {
    const packets = fc.sample(packetArb, { seed, numRuns: PACKETS });
    const sizes = fc.sample(fc.integer({ min: 1, max: 24 }), { seed: seed + 1, numRuns: PACKETS });
    const frames: Uint8Array[] = [];
    for (let i = 0, k = 0; i < packets.length; k++) {
      const n = sizes[k % sizes.length]!;
      frames.push(encodeKiteFrame(packets.slice(i, i + n)));
      i += n;
    }
    received.length = 0;
    for (const f of frames) server.sendFrame(f);
    await until(`${PACKETS} official ticks`, () => received.length >= PACKETS);
    const expected = ours(frames);
    expect(expected.length).toBe(PACKETS);
    const official = received.map(comparable);
    for (let i = 0; i < PACKETS; i++) {
      if (JSON.stringify(official[i]) !== JSON.stringify(expected[i])) expect({ i, ...official[i] }).toEqual({ i, ...expected[i] });
    }
    expect(official).toEqual(expected);
  });

  it('agrees on the worked example (INFY LTP + NIFTY 50 index full)', async () => {
    const hex = '0002' + '0008' + '00063a01' + '00026683' + '0020' + '0003e909' + '0023b74d' + '0023c503' + '00238bfb' + '00239eed' + '00237fd5' + '00000000' + '66694b39';
    const frame = Uint8Array.from(Buffer.from(hex, 'hex'));
    received.length = 0;
    server.sendFrame(frame);
    await until('two ticks', () => received.length >= 2);
    expect(received.map(comparable)).toEqual(ours([frame]));
    expect(received[0]).toMatchObject({ instrument_token: 408065, last_price: 1573.15, mode: 'ltp', tradable: true });
    expect(received[1]).toMatchObject({
      instrument_token: 256265, last_price: 23406.85, mode: 'full', tradable: false,
      ohlc: { high: 23441.95, low: 23295.95, open: 23344.45, close: 23264.85 },
    });
  });

  it('subscribes and sets modes through the official client; the market stream decodes alike', async () => {
    const tokens = market.instruments().map((i) => i.token);
    const full = tokens.filter((_, i) => i % 3 === 0);
    const ltp = tokens.filter((_, i) => i % 3 === 1);
    ticker.subscribe(tokens);
    ticker.setMode('full', full);
    ticker.setMode('ltp', ltp);
    // Our own raw client with the same subscription sees the same packets
    const raw = new WebSocket(`${server.url}?api_key=oracle-key&access_token=oracle-token`);
    const rawFrames: Uint8Array[] = [];
    raw.on('message', (d: Buffer, isBinary: boolean) => {
      if (isBinary && d.length > 1) rawFrames.push(new Uint8Array(d));
    });
    await new Promise<void>((resolve) => raw.once('open', () => resolve()));
    raw.send(JSON.stringify({ a: 'subscribe', v: tokens }));
    raw.send(JSON.stringify({ a: 'mode', v: ['full', full] }));
    raw.send(JSON.stringify({ a: 'mode', v: ['ltp', ltp] }));
    await until('both subscribed', () => server.subscriptions().length === 2 && server.subscriptions().every((s) => s.size === tokens.length && s.get(ltp[0]!) === 'ltp'));
    received.length = 0;
    for (let i = 0; i < 5; i++) {
      market.step(1_718_176_569_000 + i * 1000);
      await new Promise((r) => setTimeout(r, 5));
    }
    await until('five steps on both', () => received.length >= 5 * tokens.length && ours(rawFrames).length >= 5 * tokens.length);
    raw.terminate();
    expect(received.map(comparable)).toEqual(ours(rawFrames));
    const modes = new Map(received.map((o) => [o.instrument_token, o.mode]));
    expect(modes.get(full[0]!)).toBe('full');
    expect(modes.get(ltp[0]!)).toBe('ltp');
    expect(modes.get(tokens[2]!)).toBe('quote');
  });
});
