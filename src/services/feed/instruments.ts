// The feed's instrument list: the registry's LMDB records (`K.instrument(token)`, written by the
// instrument-registry actor before the trading subtree starts), else the instruments file parsed
// directly. Always sorted by token, so both sources give the synthetic walk the same order.
import { readFileSync } from 'node:fs';
import type { RootDatabase } from 'lmdb';
import { appError } from '../../errors.js';
import { parseInstrumentsCsv, type Instrument, type InstrumentRowError } from '../../domain/instruments/index.js';
import type { SyntheticInstrument } from '../../domain/feed/index.js';
import type { InstrumentSource } from '../../protocol/market-feed.js';

/** The loaded list plus where it came from and the file's rejected rows. */
export interface FeedInstruments {
  readonly instruments: readonly SyntheticInstrument[];
  readonly source: InstrumentSource;
  readonly errors: readonly InstrumentRowError[];
}

const posInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0;

/**
 * Maps one stored registry value to what the feed needs, or undefined when it does not look like
 * an instrument (token mismatch, bad tick or lot size). Optional fields are only kept when valid.
 */
export function storedInstrument(token: number, value: unknown): SyntheticInstrument | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v['token'] !== token || !posInt(token)) return undefined;
  const tickSize = v['tickSize'];
  const lotSize = v['lotSize'];
  if ((tickSize !== undefined && !posInt(tickSize)) || (lotSize !== undefined && !posInt(lotSize))) return undefined;
  const out: { -readonly [K in keyof SyntheticInstrument]: SyntheticInstrument[K] } = { token };
  if (posInt(tickSize)) out.tickSize = tickSize;
  if (posInt(lotSize)) out.lotSize = lotSize;
  if (typeof v['tradable'] === 'boolean') out.tradable = v['tradable'];
  if (posInt(v['divisor'])) out.divisor = v['divisor'];
  if (posInt(v['lastPrice'])) out.lastPrice = v['lastPrice'];
  return out;
}

/** Instruments found under `['inst', token]` keys; entries that do not decode are skipped. */
export function instrumentsFromStore(store: RootDatabase): SyntheticInstrument[] {
  const out: SyntheticInstrument[] = [];
  for (const { key, value } of store.getRange({ start: ['inst'], end: ['inst', Number.MAX_SAFE_INTEGER] })) {
    if (!Array.isArray(key) || key[0] !== 'inst' || typeof key[1] !== 'number') continue;
    const inst = storedInstrument(key[1], value);
    if (inst !== undefined) out.push(inst);
  }
  return out.sort((a, b) => a.token - b.token);
}

/** The file's instruments as full records; throws ERR_CONFIG_INVALID when it cannot be read or has no valid row. */
export function parseInstrumentsFile(file: string): { instruments: readonly Instrument[]; errors: readonly InstrumentRowError[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw appError('ERR_CONFIG_INVALID', { summary: `instruments file ${file} cannot be read: ${(e as Error).message}` }, e);
  }
  const parsed = parseInstrumentsCsv(text);
  if (parsed.instruments.length === 0) {
    throw appError('ERR_CONFIG_INVALID', { summary: `instruments file ${file} has no valid instrument (${parsed.errors.length} bad rows)` });
  }
  return parsed;
}

/** Parses the instruments file; throws ERR_CONFIG_INVALID when it cannot be read or has no valid row. */
export function instrumentsFromFile(file: string): { instruments: SyntheticInstrument[]; errors: readonly InstrumentRowError[] } {
  const parsed = parseInstrumentsFile(file);
  const instruments = parsed.instruments.map((i): SyntheticInstrument => ({
    token: i.token,
    tickSize: i.tickSize,
    lotSize: i.lotSize,
    tradable: i.tradable,
    divisor: i.divisor,
    ...(i.lastPrice !== undefined ? { lastPrice: i.lastPrice } : {}),
  }));
  return { instruments: instruments.sort((a, b) => a.token - b.token), errors: parsed.errors };
}

/** Registry records when there are any, else the file (whose failure is fatal: no instruments, no feed). */
export function loadFeedInstruments(store: RootDatabase | undefined, file: string): FeedInstruments {
  const stored = store === undefined ? [] : instrumentsFromStore(store);
  if (stored.length > 0) return { instruments: stored, source: 'lmdb', errors: [] };
  const parsed = instrumentsFromFile(file);
  return { instruments: parsed.instruments, source: 'file', errors: parsed.errors };
}
