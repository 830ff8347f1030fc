// The single-thread micro-benchmark cases of the `micro` suite, each a batch of `k` operations so
// that the timer (~0.1 µs a read) does not dominate sub-microsecond operations. Fixtures are built
// once from the real code: the default strategies file, synthetic ticks, the config loader, the
// gateway's WebSocket command parser and the replay JSONL parser (G11's hand-written validator).
import { z } from 'zod';
import { loadConfig } from '../src/config.js';
import { createSyntheticFeed, formatTickJsonl, MAX_TIMESTAMP_MS, parseTickJsonl } from '../src/domain/feed/index.js';
import { DEFAULT_INSTRUMENT_TOKENS } from '../src/domain/instruments/index.js';
import { createPaperBroker, type PaperBroker } from '../src/domain/paper/index.js';
import { createRiskState, evaluateSignal, onFill, onTick as riskTick, DEFAULT_RISK_LIMITS } from '../src/domain/risk/index.js';
import { createStrategyEngine } from '../src/domain/strategy/index.js';
import type { Tick, TradingSignal } from '../src/domain/types.js';
import { availableStreams, parseCommand } from '../src/gateway/ws-protocol.js';
import { decodeTick, encodeTick, newMutableTick, TICK_PAYLOAD_BYTES } from '../src/protocol/tick-record.js';
import { projectRoot } from '../src/runtime/system.js';
import { readStrategiesFile } from '../src/services/strategy/load.js';

/** One benchmark case: `fn` performs `k` operations. */
export interface MicroCase {
  readonly name: string;
  readonly group: 'pipeline' | 'boundary' | 'G11';
  readonly k: number;
  readonly fn: () => void;
  readonly note: string;
}

const T0 = 1_737_690_300_000;
let sink = 0;
/** Keeps results observable so the JIT cannot drop the work. */
export const consumed = (): number => sink;

function ticks(n: number): Tick[] {
  const feed = createSyntheticFeed({ instruments: DEFAULT_INSTRUMENT_TOKENS.map((token) => ({ token })), seed: 'micro' });
  return Array.from({ length: n }, (_, i) => feed.next(T0 + i * 100));
}

/** The zod schema of a JSONL tick record, with the checks of parseTickJsonl (G11 baseline). */
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const epochMs = z.number().int().min(1e11).max(MAX_TIMESTAMP_MS);
const level = z.strictObject({ price: z.number().int().positive(), quantity: count, orders: count });
const isPow10 = (v: number): boolean => [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000].includes(v);
export const ZodTick = z
  .strictObject({
    token: z.number().int().min(1).max(0xffffffff),
    ltp: z.number().int().positive(),
    lastQty: count.default(0),
    avgPrice: count.default(0),
    volume: count.default(0),
    buyQty: count.default(0),
    sellQty: count.default(0),
    open: count.default(0),
    high: count.default(0),
    low: count.default(0),
    close: count.default(0),
    oi: count.default(0),
    oiDayHigh: count.default(0),
    oiDayLow: count.default(0),
    divisor: z.number().int().refine(isPow10, 'expected a power of ten up to 1e7').default(100),
    tradable: z.boolean().optional(),
    exchangeTs: epochMs,
    lastTradeTs: z.union([z.literal(0), epochMs]).default(0),
    depthBuy: z.array(level).max(5).default([]),
    depthSell: z.array(level).max(5).default([]),
  })
  .refine((t) => !(t.high > 0 && t.low > t.high), 'low is above high');

export function buildCases(): MicroCase[] {
  const tape = ticks(20_000);
  const docs = readStrategiesFile(`${projectRoot()}/src/defaults/strategies.yaml`);
  if (!docs.ok) throw new Error('strategies file');
  const engine = createStrategyEngine(docs.value);
  if (!engine.ok) throw new Error('strategy engine');
  let ti = 0;

  // Risk state with positions and prices of every (strategy, instrument) the defaults trade
  const risk = createRiskState('paper');
  let seq = 1;
  for (const t of tape.slice(0, 200)) riskTick(risk, t.token, t.ltp);
  for (const c of docs.value) {
    for (const token of c.instruments) {
      onFill(risk, { tradeId: `f${seq}`, orderId: `o${seq}`, broker: 'paper', strategyId: c.id, token, side: 'BUY', quantity: 10, price: 100_000, fees: 100, ts: T0, fillSeq: seq });
      seq++;
    }
  }
  const signal: TradingSignal = { strategyId: 'momentum_20', token: 738561, side: 'BUY', quantity: 10, price: tape[2]!.ltp, ts: T0 + 5000, confidence: 0.7, order: {}, metadata: {} };

  // Paper venue: alternating BUY/SELL market orders of 1 unit, each a fill; a fresh broker every
  // 10k orders keeps the session book bounded (key trimming at 100k keys is not measured here)
  let broker: PaperBroker = createPaperBroker({});
  let orders = 0;
  const paperToken = tape[0]!.token;
  const fresh = (): void => {
    broker = createPaperBroker({});
    broker.onTick(paperToken, tape[0]!.ltp, T0);
  };
  fresh();

  const i32 = new Int32Array(TICK_PAYLOAD_BYTES / 4 + 2);
  const f64 = new Float64Array(i32.buffer);
  const out = newMutableTick();

  const env = { MARKET_FEED__TICKS_PER_SECOND: '1000', RISK__MAX_POSITION: '500', LOG_LEVEL: 'warn', PAPER_TRADING__SLIPPAGE_PERCENT: '0.05' };
  const cwd = projectRoot();
  const probe = loadConfig({ argv: [], env, cwd });
  if (!probe.ok) throw new Error(`micro: config fixture invalid: ${probe.error.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const streams = new Set(availableStreams(['paper']));
  const command = JSON.stringify({ op: 'subscribe', streams: ['market.ticks', 'paper.orders.filled'], tokens: [256265, 260105, 738561] });
  const lines = tape.slice(0, 1000).map(formatTickJsonl);
  let li = 0;

  return [
    {
      name: 'strategy engine onTick (6 default strategies, 20 instruments)',
      group: 'pipeline',
      k: 1000,
      fn: () => {
        for (let i = 0; i < 1000; i++) {
          sink += engine.value.onTick(tape[ti]!, tape[ti]!.exchangeTs).signals.length;
          ti = (ti + 1) % tape.length;
        }
      },
      note: 'per tick; the strategies keep their rolling windows; signals allocated as produced',
    },
    {
      name: 'risk evaluateSignal (6 rules, 120 positions)',
      group: 'pipeline',
      k: 1000,
      fn: () => {
        for (let i = 0; i < 1000; i++) sink += evaluateSignal(risk, signal, DEFAULT_RISK_LIMITS).outcome === 'validated' ? 1 : 0;
      },
      note: 'read-only verdict (evaluateAndRecord adds a counter update)',
    },
    {
      name: 'paper submit market order → fill',
      group: 'pipeline',
      k: 100,
      fn: () => {
        for (let i = 0; i < 100; i++) {
          const side = orders % 2 === 0 ? 'BUY' : 'SELL';
          const r = broker.submit({ signal: { ...signal, token: paperToken, side, quantity: 1, ts: T0 + orders, price: tape[0]!.ltp }, validatedQty: 1, validatedPrice: tape[0]!.ltp }, T0 + orders);
          sink += r.ok ? r.value.length : 0;
          if (++orders % 10_000 === 0) fresh();
        }
      },
      note: 'order created, routed, filled, ledger updated; fresh broker every 10k orders',
    },
    {
      name: 'tick record encodeTick (208 B, 5-level depth)',
      group: 'pipeline',
      k: 1000,
      fn: () => {
        for (let i = 0; i < 1000; i++) encodeTick(i32, f64, 0, tape[i]!, i);
      },
      note: 'into a plain Int32Array/Float64Array (the ring slot layout)',
    },
    {
      name: 'tick record decodeTick (validating, no allocation)',
      group: 'pipeline',
      k: 1000,
      fn: () => {
        for (let i = 0; i < 1000; i++) sink += decodeTick(i32, f64, 0, TICK_PAYLOAD_BYTES, out) === null ? out.ltp : 0;
      },
      note: 'into a reused MutableTick',
    },
    {
      name: 'config validation loadConfig (env overlay, no file)',
      group: 'boundary',
      k: 10,
      fn: () => {
        for (let i = 0; i < 10; i++) sink += loadConfig({ argv: [], env, cwd }).ok ? 1 : 0;
      },
      note: 'one zod schema over every section, defaults, freeze',
    },
    {
      name: 'WebSocket command parseCommand (zod, gateway)',
      group: 'boundary',
      k: 100,
      fn: () => {
        for (let i = 0; i < 100; i++) sink += parseCommand(command, streams).ok ? 1 : 0;
      },
      note: 'JSON.parse + discriminated-union zod schema + stream check',
    },
    {
      name: 'JSON.parse of a JSONL tick line (baseline)',
      group: 'G11',
      k: 100,
      fn: () => {
        for (let i = 0; i < 100; i++) {
          sink += (JSON.parse(lines[li]!) as { ltp: number }).ltp;
          li = (li + 1) % lines.length;
        }
      },
      note: 'what both validators below include',
    },
    {
      name: 'tick line → Tick, hand-written (parseTickJsonl)',
      group: 'G11',
      k: 100,
      fn: () => {
        for (let i = 0; i < 100; i++) {
          const r = parseTickJsonl(lines[li]!, 1);
          sink += r.ok ? r.value.ltp : 0;
          li = (li + 1) % lines.length;
        }
      },
      note: 'the replay/record ingress validator (JSON.parse included)',
    },
    {
      name: 'tick line → Tick, zod 4 strictObject',
      group: 'G11',
      k: 100,
      fn: () => {
        for (let i = 0; i < 100; i++) {
          const r = ZodTick.safeParse(JSON.parse(lines[li]!));
          sink += r.success ? r.data.ltp : 0;
          li = (li + 1) % lines.length;
        }
      },
      note: 'same checks as parseTickJsonl (JSON.parse included)',
    },
  ];
}
