// Instruments CSV parser (docs/original-system.md §11, Kite dump columns §12.2). PURE.
// Invalid rows are reported (ERR_INSTRUMENT_ROW_INVALID with the physical line number) and skipped;
// valid rows are returned in file order with unique tokens (a repeated token keeps the first row).

import type { Paise } from '../types.js';
import { contentLines, splitCsvLine } from './csv-fields.js';
import { parseIsoDate } from '../market-hours/calendar.js';
import { divisorDecimals, parseDecimalMinor, parseUnsignedInt } from './decimal.js';
import {
  defaultTickSize,
  divisorForExchange,
  isTradable,
  isValidToken,
  MAX_TOKEN,
  type Instrument,
} from './instrument.js';

/** A rejected instruments-file row (or header). Detail fields match the catalogue template. */
export interface InstrumentRowError {
  readonly code: 'ERR_INSTRUMENT_ROW_INVALID';
  /** 1-based physical line number in the file. */
  readonly line: number;
  readonly reason: string;
}

/** Outcome of parsing a whole file: the usable rows plus one error per rejected line. */
export interface InstrumentsParseResult {
  readonly instruments: readonly Instrument[];
  readonly errors: readonly InstrumentRowError[];
  /** Whether the file had a header row (otherwise {@link DEFAULT_COLUMNS} were assumed). */
  readonly hasHeader: boolean;
}

/** Columns assumed when the file has no header (the original's format line). */
export const DEFAULT_COLUMNS: readonly string[] = ['instrument_token', 'tradingsymbol', 'name', 'exchange'];

const REQUIRED = DEFAULT_COLUMNS;

type Row = ReadonlyMap<string, string>;

function rowError(line: number, reason: string): InstrumentRowError {
  return { code: 'ERR_INSTRUMENT_ROW_INVALID', line, reason };
}

/**
 * Parses an instruments file. Blank and `#` lines are skipped; if the first remaining line contains
 * `instrument_token` it is the header (names trimmed, lower-cased, unknown columns ignored),
 * otherwise the columns are `instrument_token,tradingsymbol,name,exchange`.
 */
export function parseInstrumentsCsv(text: string): InstrumentsParseResult {
  const lines = contentLines(text);
  const errors: InstrumentRowError[] = [];
  const instruments: Instrument[] = [];
  const first = lines[0];
  if (first === undefined) return { instruments, errors, hasHeader: false };

  const hasHeader = first.text.toLowerCase().includes('instrument_token');
  let columns = DEFAULT_COLUMNS;
  if (hasHeader) {
    const header = parseHeader(first.text);
    if (typeof header === 'string') {
      return { instruments, errors: [rowError(first.lineNo, header)], hasHeader };
    }
    columns = header;
  }

  const firstLineOfToken = new Map<number, number>();
  for (const { lineNo, text: lineText } of hasHeader ? lines.slice(1) : lines) {
    const split = splitCsvLine(lineText);
    if (!split.ok) {
      errors.push(rowError(lineNo, split.error));
      continue;
    }
    if (split.value.length > columns.length) {
      errors.push(rowError(lineNo, `expected at most ${columns.length} fields, was ${split.value.length}`));
      continue;
    }
    const row = new Map<string, string>();
    columns.forEach((c, i) => row.set(c, split.value[i] ?? ''));
    const parsed = rowToInstrument(row);
    if (typeof parsed === 'string') {
      errors.push(rowError(lineNo, parsed));
      continue;
    }
    const seen = firstLineOfToken.get(parsed.token);
    if (seen !== undefined) {
      errors.push(rowError(lineNo, `duplicate instrument_token ${parsed.token} (first on line ${seen})`));
      continue;
    }
    firstLineOfToken.set(parsed.token, lineNo);
    instruments.push(parsed);
  }
  return { instruments, errors, hasHeader };
}

/** Header names, or a reason string when the header is unusable (then every row would fail). */
function parseHeader(line: string): readonly string[] | string {
  const split = splitCsvLine(line);
  if (!split.ok) return `header: ${split.error}`;
  const names = split.value.map((s) => s.trim().toLowerCase());
  const dup = names.find((n, i) => n !== '' && names.indexOf(n) !== i);
  if (dup !== undefined) return `header repeats column "${dup}"`;
  const missing = REQUIRED.filter((r) => !names.includes(r));
  if (missing.length > 0) return `header lacks required column(s) ${missing.join(', ')}`;
  return names;
}

/** Converts one row to an Instrument, or returns the reason it is invalid. */
function rowToInstrument(row: Row): Instrument | string {
  const get = (k: string): string => (row.get(k) ?? '').trim();
  for (const k of REQUIRED) if (get(k) === '') return `missing required field ${k}`;

  const token = parseUnsignedInt(get('instrument_token'));
  if (token === undefined || !isValidToken(token)) {
    return `instrument_token: expected an integer in [1, ${MAX_TOKEN}], was "${get('instrument_token')}"`;
  }
  const exchange = get('exchange').toUpperCase();
  const divisor = divisorForExchange(exchange);
  const decimals = divisorDecimals(divisor) ?? 2;

  const problems: string[] = [];
  const price = (k: string): Paise | undefined => {
    const s = get(k);
    if (s === '') return undefined;
    const v = parseDecimalMinor(s, decimals);
    if (v === undefined) problems.push(`${k}: expected a non-negative decimal, was "${s}"`);
    return v;
  };
  const integer = (k: string): number | undefined => {
    const s = get(k);
    if (s === '') return undefined;
    const v = parseUnsignedInt(s);
    if (v === undefined) problems.push(`${k}: expected a non-negative integer, was "${s}"`);
    return v;
  };

  const exchangeToken = integer('exchange_token');
  const lastPrice = price('last_price');
  const tick = price('tick_size');
  const lot = integer('lot_size');
  const strike = price('strike');
  const expiry = get('expiry');
  if (expiry !== '' && parseIsoDate(expiry) === undefined) problems.push(`expiry: expected YYYY-MM-DD, was "${expiry}"`);
  if (lot === 0) problems.push('lot_size: expected at least 1, was 0');
  if (problems.length > 0) return problems.join('; ');

  const segment = get('segment');
  const instrumentType = get('instrument_type');
  // Kite dumps carry tick_size 0 for indices; a zero tick would make price rounding impossible
  const tickSize = tick === undefined || tick === 0 ? defaultTickSize(divisor) : tick;
  return {
    token,
    exchangeToken: exchangeToken ?? token >>> 8,
    tradingsymbol: get('tradingsymbol'),
    name: get('name'),
    exchange,
    ...(segment !== '' ? { segment: segment.toUpperCase() } : {}),
    ...(instrumentType !== '' ? { instrumentType: instrumentType.toUpperCase() } : {}),
    ...(lastPrice !== undefined && lastPrice > 0 ? { lastPrice } : {}),
    tickSize,
    lotSize: lot ?? 1,
    ...(expiry !== '' ? { expiry } : {}),
    ...(strike !== undefined && strike > 0 ? { strike } : {}),
    divisor,
    tradable: isTradable(token, segment !== '' ? segment : undefined),
  };
}
