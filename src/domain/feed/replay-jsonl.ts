// JSONL tick records: one `Tick` per line, integer minor units, epoch-ms timestamps. PURE.
// Format: JSON.stringify of the Tick with keys in declaration order, no trailing newline.
// Parsing is strict (trust boundary): unknown keys, non-integers, negative values or a
// non-positive ltp reject the line, and so do timestamps before 1e11 ms (epoch seconds by mistake). Only token, ltp and exchangeTs are required; the rest default.

import { err, ok, type Result } from '../../errors.js';
import { divisorDecimals } from '../instruments/decimal.js';
import { isIndexToken, isValidToken } from '../instruments/instrument.js';
import type { DepthLevel, Tick } from '../types.js';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from './replay-timestamp.js';
import { MAX_LINE_CHARS, recordError, type FeedRecordError } from './replay-types.js';

/** Serializes a tick as one JSONL record (no newline), with a stable key order. */
export function formatTickJsonl(t: Tick): string {
  const level = (l: DepthLevel): DepthLevel => ({ price: l.price, quantity: l.quantity, orders: l.orders });
  const canonical: Tick = {
    token: t.token,
    ltp: t.ltp,
    lastQty: t.lastQty,
    avgPrice: t.avgPrice,
    volume: t.volume,
    buyQty: t.buyQty,
    sellQty: t.sellQty,
    open: t.open,
    high: t.high,
    low: t.low,
    close: t.close,
    oi: t.oi,
    oiDayHigh: t.oiDayHigh,
    oiDayLow: t.oiDayLow,
    divisor: t.divisor,
    tradable: t.tradable,
    exchangeTs: t.exchangeTs,
    lastTradeTs: t.lastTradeTs,
    depthBuy: t.depthBuy.map(level),
    depthSell: t.depthSell.map(level),
  };
  return JSON.stringify(canonical);
}

/** Non-negative integer fields that default to 0. */
const COUNT_FIELDS = [
  'lastQty', 'avgPrice', 'volume', 'buyQty', 'sellQty', 'open', 'high', 'low', 'close',
  'oi', 'oiDayHigh', 'oiDayLow', 'lastTradeTs',
] as const;
const KNOWN = new Set<string>([
  ...COUNT_FIELDS, 'token', 'ltp', 'divisor', 'tradable', 'exchangeTs', 'depthBuy', 'depthSell',
]);
const MAX_DEPTH = 5;

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
// Values below 1e11 ms (before March 1973) are epoch seconds written by mistake
const isTimestamp = (x: unknown): x is number => isCount(x) && x >= MIN_TIMESTAMP_MS && x <= MAX_TIMESTAMP_MS;

/** Parses one JSONL record; `lineNo` is used in the error. */
export function parseTickJsonl(line: string, lineNo: number): Result<Tick, FeedRecordError> {
  if (line.length > MAX_LINE_CHARS) return err(recordError(lineNo, `line longer than ${MAX_LINE_CHARS} characters`));
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return err(recordError(lineNo, 'not valid JSON'));
  }
  const reason = checkRecord(raw);
  if (typeof reason === 'string') return err(recordError(lineNo, reason));
  return ok(reason);
}

/** Validates a decoded JSON value and builds the Tick, or returns the first problem found. */
function checkRecord(raw: unknown): Tick | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected a JSON object';
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).find((k) => !KNOWN.has(k));
  if (unknown !== undefined) return `unknown field "${unknown}"`;
  const token = r['token'];
  if (typeof token !== 'number' || !isValidToken(token)) return `token: expected an integer in [1, 2^32-1], was ${show(token)}`;
  const ltp = r['ltp'];
  if (!isCount(ltp) || ltp === 0) return `ltp: expected a positive integer (minor units), was ${show(ltp)}`;
  const ts = r['exchangeTs'];
  if (!isTimestamp(ts)) return `exchangeTs: expected epoch milliseconds in [1e11, 2100-01-01], was ${show(ts)}`;
  const counts: Record<string, number> = {};
  for (const k of COUNT_FIELDS) {
    const v = r[k] ?? 0;
    if (!isCount(v)) return `${k}: expected a non-negative integer, was ${show(v)}`;
    counts[k] = v;
  }
  const lastTradeTs = counts['lastTradeTs'] ?? 0;
  if (lastTradeTs !== 0 && !isTimestamp(lastTradeTs)) {
    return `lastTradeTs: expected 0 or epoch milliseconds in [1e11, 2100-01-01], was ${lastTradeTs}`;
  }
  const high = counts['high'] ?? 0;
  const low = counts['low'] ?? 0;
  if (high > 0 && low > high) return `low ${low} is above high ${high}`;
  const divisor = r['divisor'] ?? 100;
  if (!isCount(divisor) || divisor === 0 || divisorDecimals(divisor) === undefined || divisor > 10_000_000) {
    return `divisor: expected a power of ten up to 1e7, was ${show(divisor)}`;
  }
  const tradable = r['tradable'] ?? !isIndexToken(token);
  if (typeof tradable !== 'boolean') return `tradable: expected a boolean, was ${show(tradable)}`;
  const depthBuy = checkDepth(r['depthBuy'], 'depthBuy');
  if (typeof depthBuy === 'string') return depthBuy;
  const depthSell = checkDepth(r['depthSell'], 'depthSell');
  if (typeof depthSell === 'string') return depthSell;
  return {
    token,
    ltp,
    lastQty: counts['lastQty'] ?? 0,
    avgPrice: counts['avgPrice'] ?? 0,
    volume: counts['volume'] ?? 0,
    buyQty: counts['buyQty'] ?? 0,
    sellQty: counts['sellQty'] ?? 0,
    open: counts['open'] ?? 0,
    high,
    low,
    close: counts['close'] ?? 0,
    oi: counts['oi'] ?? 0,
    oiDayHigh: counts['oiDayHigh'] ?? 0,
    oiDayLow: counts['oiDayLow'] ?? 0,
    divisor,
    tradable,
    exchangeTs: ts,
    lastTradeTs,
    depthBuy,
    depthSell,
  };
}

function checkDepth(raw: unknown, field: string): DepthLevel[] | string {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_DEPTH) return `${field}: expected an array of at most ${MAX_DEPTH} levels`;
  const out: DepthLevel[] = [];
  for (let i = 0; i < raw.length; i++) {
    const l: unknown = raw[i];
    if (typeof l !== 'object' || l === null || Array.isArray(l)) return `${field}[${i}]: expected an object`;
    const o = l as Record<string, unknown>;
    const extra = Object.keys(o).find((k) => k !== 'price' && k !== 'quantity' && k !== 'orders');
    if (extra !== undefined) return `${field}[${i}]: unknown field "${extra}"`;
    const { price, quantity, orders } = o;
    if (!isCount(price) || price === 0) return `${field}[${i}].price: expected a positive integer, was ${show(price)}`;
    if (!isCount(quantity)) return `${field}[${i}].quantity: expected a non-negative integer, was ${show(quantity)}`;
    if (!isCount(orders)) return `${field}[${i}].orders: expected a non-negative integer, was ${show(orders)}`;
    out.push({ price, quantity, orders });
  }
  return out;
}

/** Short printable form of an offending value for error reasons. */
function show(v: unknown): string {
  const s = v === undefined ? 'missing' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
