// CSV replay decoders (trust boundary). PURE. Tick rows `timestamp,instrument_token,last_price[,volume]`
// and bar rows `timestamp,instrument_token,open,high,low,close[,volume]`, prices in rupee decimals
// (→ paise, half-up at the paisa), an optional header (columns then in any order, unknown ones
// ignored). Tick `volume` is the cumulative day volume (Kite volume_traded); a bar's is its own.
// Each bar expands into 4 ticks O,H,L,C at bar start + 0, ¼, ½, ¾ of the bar length.

import { appError, err, ok, type Result } from '../../errors.js';
import { splitCsvLine } from '../instruments/csv-fields.js';
import { parseDecimalMinor, parseUnsignedInt } from '../instruments/decimal.js';
import { isIndexToken, isValidToken } from '../instruments/instrument.js';
import { SESSION_MS } from '../market-hours/status.js';
import type { Paise, Tick } from '../types.js';
import { createSessionTracker, type SessionTracker } from './replay-session.js';
import { parseReplayTimestamp } from './replay-timestamp.js';
import { MAX_LINE_CHARS, recordError, type FeedRecordError } from './replay-types.js';

/** Options shared by the CSV decoders. */
export interface CsvReplayOptions {
  /** Length of bars in ms, an integer >= 4 (default 60 000; bare-date bars default to the 6 h 15 min session). */
  readonly barMs?: number;
  /** Tradable flag per token (default: false only for Kite index tokens, segment 9). */
  readonly isTradable?: (token: number) => boolean;
}

/** Stateful line decoder for one CSV replay file (keeps the header and running day statistics). */
export interface CsvReplayDecoder {
  /** Ticks of one physical line: [] for blank, `#` and header lines, 4 per bar row. */
  decodeLine(line: string, lineNo: number): Result<readonly Tick[], FeedRecordError>;
}

type Role = 'ts' | 'token' | 'price' | 'open' | 'high' | 'low' | 'close' | 'volume';

const ALIASES: Readonly<Record<string, Role>> = {
  timestamp: 'ts', time: 'ts', datetime: 'ts', date: 'ts', ts: 'ts',
  instrument_token: 'token', token: 'token',
  last_price: 'price', ltp: 'price', price: 'price',
  open: 'open', high: 'high', low: 'low', close: 'close',
  volume: 'volume', volume_traded: 'volume',
};
const TICK_ROLES: readonly Role[] = ['ts', 'token', 'price', 'volume'];
const BAR_ROLES: readonly Role[] = ['ts', 'token', 'open', 'high', 'low', 'close', 'volume'];
const DEFAULT_BAR_MS = 60_000;

/** Creates a decoder for tick rows (`csv_ticks`) or bar rows (`csv_bars`). */
export function createCsvDecoder(kind: 'csv_ticks' | 'csv_bars', opts: CsvReplayOptions = {}): CsvReplayDecoder {
  const roles = kind === 'csv_bars' ? BAR_ROLES : TICK_ROLES;
  const required = roles.filter((r) => r !== 'volume');
  const tracker = createSessionTracker();
  const tradable = opts.isTradable ?? ((t: number) => !isIndexToken(t));
  let columns: ReadonlyMap<Role, number> = new Map(roles.map((r, i) => [r, i]));
  let first = true;
  let positional = true;

  if (opts.barMs !== undefined && (!Number.isSafeInteger(opts.barMs) || opts.barMs < 4)) {
    // Fewer than 4 ms would give two of a bar's ticks the same timestamp
    throw appError('ERR_CONFIG_INVALID', { summary: `replay barMs must be an integer >= 4, was ${opts.barMs}` });
  }
  const ctx: RowContext = { tracker, tradable, barMs: opts.barMs };

  return {
    decodeLine(line, lineNo) {
      const text = line.replace(/\r$/, '');
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return ok([]);
      if (text.length > MAX_LINE_CHARS) return err(recordError(lineNo, `line longer than ${MAX_LINE_CHARS} characters`));
      const split = splitCsvLine(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      if (!split.ok) return err(recordError(lineNo, split.error));
      const fields = split.value;
      const isFirst = first;
      first = false;
      if (isFirst && looksLikeHeader(fields)) {
        const mapped = headerColumns(fields, required);
        if (typeof mapped === 'string') return err(recordError(lineNo, mapped));
        columns = mapped;
        positional = false;
        return ok([]);
      }
      if (positional && fields.length > roles.length) {
        return err(recordError(lineNo, `expected at most ${roles.length} fields, was ${fields.length}`));
      }
      const row = readRow(fields, columns, kind === 'csv_bars');
      return typeof row === 'string' ? err(recordError(lineNo, row)) : ok(rowTicks(row, ctx));
    },
  };
}

interface RowContext {
  readonly tracker: SessionTracker;
  readonly tradable: (token: number) => boolean;
  readonly barMs: number | undefined;
}

/** Ticks of one valid row: 1 for a tick row, 4 (O,H,L,C) for a bar, day fields from the tracker. */
function rowTicks(row: Row, ctx: RowContext): Tick[] {
  const make = (ts: number, ltp: Paise, lastQty: number): Tick => {
    const day = ctx.tracker.apply(row.token, ts, ltp, lastQty);
    return {
      token: row.token, ltp, lastQty, avgPrice: day.avgPrice, volume: day.volume, buyQty: 0, sellQty: 0,
      open: day.open, high: day.high, low: day.low, close: day.close, oi: 0, oiDayHigh: 0, oiDayLow: 0,
      divisor: 100, tradable: ctx.tradable(row.token), exchangeTs: ts, lastTradeTs: ts, depthBuy: [], depthSell: [],
    };
  };
  if (row.kind === 'tick') {
    // The column is the cumulative day volume; the trade size is its increase (never negative)
    const prev = ctx.tracker.volumeOn(row.token, row.ts);
    return [make(row.ts, row.price, row.volume === undefined ? 0 : Math.max(0, row.volume - prev))];
  }
  const barMs = ctx.barMs ?? (row.dateOnly ? SESSION_MS : DEFAULT_BAR_MS);
  const volume = row.volume ?? 0;
  const share = Math.floor(volume / 4);
  return [row.open, row.high, row.low, row.close].map((p, k) =>
    // The remainder of the volume split goes to the close tick
    make(row.ts + Math.floor((k * barMs) / 4), p, k === 3 ? volume - 3 * share : share),
  );
}

type Row =
  | { kind: 'tick'; ts: number; token: number; price: Paise; volume: number | undefined }
  | { kind: 'bar'; ts: number; dateOnly: boolean; token: number; open: Paise; high: Paise; low: Paise; close: Paise; volume: number | undefined };

/** Reads and validates one data row, or returns the reason it is invalid. */
function readRow(fields: readonly string[], columns: ReadonlyMap<Role, number>, bar: boolean): Row | string {
  const get = (r: Role): string => {
    const i = columns.get(r);
    return i === undefined ? '' : (fields[i] ?? '').trim();
  };
  const tsText = get('ts');
  const ts = parseReplayTimestamp(tsText);
  if (ts === undefined) return `timestamp: expected ISO 8601 or epoch ms, was "${tsText}"`;
  const tokenText = get('token');
  const token = parseUnsignedInt(tokenText);
  if (token === undefined || !isValidToken(token)) return `instrument_token: expected an integer in [1, 2^32-1], was "${tokenText}"`;
  const price = (r: Role): Paise | string => {
    const s = get(r);
    const v = parseDecimalMinor(s, 2);
    return v !== undefined && v > 0 ? v : `${r === 'price' ? 'last_price' : r}: expected a positive rupee decimal, was "${s}"`;
  };
  const volText = get('volume');
  const volume = volText === '' ? undefined : parseUnsignedInt(volText);
  if (volText !== '' && volume === undefined) return `volume: expected a non-negative integer, was "${volText}"`;
  if (!bar) {
    const p = price('price');
    return typeof p === 'string' ? p : { kind: 'tick', ts: ts.ms, token, price: p, volume };
  }
  const [open, high, low, close] = [price('open'), price('high'), price('low'), price('close')];
  if (typeof open === 'string') return open;
  if (typeof high === 'string') return high;
  if (typeof low === 'string') return low;
  if (typeof close === 'string') return close;
  if (low > Math.min(open, close) || high < Math.max(open, close)) {
    return `bar prices inconsistent: expected low <= open, close <= high, was O ${open} H ${high} L ${low} C ${close} (paise)`;
  }
  return { kind: 'bar', ts: ts.ms, dateOnly: ts.dateOnly, token, open, high, low, close, volume };
}

/** A header has a first field that is not a timestamp but contains a letter. */
function looksLikeHeader(fields: readonly string[]): boolean {
  const f = (fields[0] ?? '').trim();
  return /[a-z]/i.test(f) && parseReplayTimestamp(f) === undefined;
}

/** Column index per role from a header row, or the reason the header is unusable. */
function headerColumns(fields: readonly string[], required: readonly Role[]): ReadonlyMap<Role, number> | string {
  const map = new Map<Role, number>();
  for (let i = 0; i < fields.length; i++) {
    const role = ALIASES[(fields[i] ?? '').trim().toLowerCase()];
    if (role === undefined) continue;
    if (map.has(role)) return `header names the ${role} column twice`;
    map.set(role, i);
  }
  const missing = required.filter((r) => !map.has(r));
  return missing.length > 0 ? `header lacks column(s) for ${missing.join(', ')}` : map;
}
