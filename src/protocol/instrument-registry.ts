// Control-plane payloads of the instrument registry (`call('lookup' | 'search' | 'list' | 'stats')`)
// and its stored meta record. Call arguments come from other threads (the gateway) and are checked
// here with plain guards; an unusable reference is an ERR_INSTRUMENT_UNKNOWN value, never a throw.
import { err, ok, type Result } from '../errors.js';
import type { Instrument, InstrumentStatistics, UnknownInstrumentError } from '../domain/instruments/index.js';
import { SEARCH_LIMIT } from '../domain/instruments/index.js';

/** Schema version of the registry meta record. */
export const REGISTRY_META_VERSION = 1;

/** `K.instrumentMeta()`: written with the instruments, in the same transaction. */
export interface RegistryMeta {
  readonly v: typeof REGISTRY_META_VERSION;
  /** Epoch ms of the load. */
  readonly loadedAt: number;
  /** The file the instruments came from. */
  readonly source: string;
  readonly count: number;
  readonly invalidRows: number;
  readonly hasHeader: boolean;
  /** Tokens in file order (search ranks ties by file order). */
  readonly tokens: readonly number[];
}

/** `call('lookup', arg)`: by token or by symbol (`RELIANCE` or `NSE:RELIANCE`). */
export type LookupArg = { readonly token: number | string } | { readonly symbol: string };

/** `call('search', arg)`. */
export interface SearchArg {
  readonly q: string;
  readonly limit?: number;
}

export type LookupResult = Result<Instrument, UnknownInstrumentError>;

/** Result of `call('stats')`. */
export interface RegistryStats extends InstrumentStatistics {
  readonly loadedAt: number;
  readonly source: string;
  readonly invalidRows: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The reference of a lookup argument (token number or symbol text), or ERR_INSTRUMENT_UNKNOWN. */
export function decodeLookupArg(arg: unknown): Result<number | string, UnknownInstrumentError> {
  if (isRecord(arg)) {
    const { token, symbol } = arg;
    if (typeof token === 'number' && Number.isInteger(token)) return ok(token);
    if (typeof token === 'string' && /^\d+$/.test(token.trim())) return ok(Number(token.trim()));
    if (typeof symbol === 'string' && symbol.trim() !== '') return ok(symbol.trim());
  }
  return err({ code: 'ERR_INSTRUMENT_UNKNOWN', ref: describe(arg) });
}

/** Query text and a limit in [0, SEARCH_LIMIT]; a missing or malformed query searches for nothing. */
export function decodeSearchArg(arg: unknown): { q: string; limit: number } {
  const r = isRecord(arg) ? arg : {};
  const q = typeof r['q'] === 'string' ? r['q'] : '';
  const raw = r['limit'];
  const limit = typeof raw === 'number' && Number.isFinite(raw) ? Math.max(0, Math.min(SEARCH_LIMIT, Math.floor(raw))) : SEARCH_LIMIT;
  return { q, limit };
}

/** The stored meta, or undefined when absent or of another schema (then the file is loaded again). */
export function decodeRegistryMeta(raw: unknown): RegistryMeta | undefined {
  if (!isRecord(raw) || raw['v'] !== REGISTRY_META_VERSION) return undefined;
  const tokens = raw['tokens'];
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'number')) return undefined;
  if (typeof raw['loadedAt'] !== 'number' || typeof raw['source'] !== 'string') return undefined;
  return raw as unknown as RegistryMeta;
}

function describe(arg: unknown): string {
  try {
    const s = JSON.stringify(arg);
    return s === undefined ? String(arg) : s.slice(0, 80);
  } catch {
    return '(unprintable)';
  }
}
