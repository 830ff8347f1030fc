// In-memory instrument lookups (original registry query API, §1.2), built once from parsed rows.
// PURE and immutable after construction. Invariant: one entry per token; when two rows share a
// token or an exchange-qualified symbol, the first row wins (the parser already rejects repeats).

import { err, ok, type Result } from '../../errors.js';
import type { Instrument } from './instrument.js';

/** Returned when a token or symbol reference matches no instrument (HTTP 404 at the gateway). */
export interface UnknownInstrumentError {
  readonly code: 'ERR_INSTRUMENT_UNKNOWN';
  readonly ref: string;
}

/** Counts reported by {@link InstrumentIndex.statistics} (original `get_statistics`). */
export interface InstrumentStatistics {
  readonly total: number;
  readonly tradable: number;
  readonly indices: number;
  /** Instrument count per exchange name (e.g. `{ NSE: 20 }`). */
  readonly byExchange: Readonly<Record<string, number>>;
}

/** Read-only lookups over a fixed instrument list. */
export interface InstrumentIndex {
  /** All instruments in file order. */
  readonly all: readonly Instrument[];
  byToken(token: number): Instrument | undefined;
  /**
   * Case-insensitive lookup of `RELIANCE` or exchange-qualified `NSE:RELIANCE`. An unqualified
   * symbol listed on several exchanges resolves to the first one in file order.
   */
  bySymbol(ref: string): Instrument | undefined;
  /** Token (number or digit string) or symbol reference → instrument, or ERR_INSTRUMENT_UNKNOWN. */
  resolve(ref: string | number): Result<Instrument, UnknownInstrumentError>;
  /**
   * Case-insensitive substring search on tradingsymbol or name, best matches first (exact symbol,
   * then symbol prefix, then symbol substring, then name substring; file order within a rank).
   */
  search(query: string, limit?: number): Instrument[];
  byExchange(exchange: string): Instrument[];
  statistics(): InstrumentStatistics;
}

/** Default and maximum result count of {@link InstrumentIndex.search} (the original used 50). */
export const SEARCH_LIMIT = 50;

/** Builds an index over `instruments`. */
export function createInstrumentIndex(instruments: readonly Instrument[]): InstrumentIndex {
  const tokens = new Map<number, Instrument>();
  const symbols = new Map<string, Instrument>();
  const all: Instrument[] = [];
  for (const inst of instruments) {
    if (tokens.has(inst.token)) continue;
    tokens.set(inst.token, inst);
    all.push(inst);
    const sym = inst.tradingsymbol.toUpperCase();
    const qualified = `${inst.exchange.toUpperCase()}:${sym}`;
    if (!symbols.has(qualified)) symbols.set(qualified, inst);
    if (!symbols.has(sym)) symbols.set(sym, inst);
  }

  const bySymbol = (ref: string): Instrument | undefined => symbols.get(ref.trim().toUpperCase());

  return {
    all,
    byToken: (token) => tokens.get(token),
    bySymbol,
    resolve(ref) {
      const text = String(ref).trim();
      const found = /^\d+$/.test(text) ? (tokens.get(Number(text)) ?? bySymbol(text)) : bySymbol(text);
      return found !== undefined ? ok(found) : err({ code: 'ERR_INSTRUMENT_UNKNOWN', ref: text });
    },
    search(query, limit = SEARCH_LIMIT) {
      const q = query.trim().toUpperCase();
      const max = Math.max(0, Math.min(Math.floor(limit), SEARCH_LIMIT));
      if (q === '' || max === 0) return [];
      const ranked: { inst: Instrument; rank: number; pos: number }[] = [];
      all.forEach((inst, pos) => {
        const rank = searchRank(inst, q);
        if (rank >= 0) ranked.push({ inst, rank, pos });
      });
      ranked.sort((a, b) => a.rank - b.rank || a.pos - b.pos);
      return ranked.slice(0, max).map((r) => r.inst);
    },
    byExchange(exchange) {
      const e = exchange.trim().toUpperCase();
      return all.filter((i) => i.exchange.toUpperCase() === e);
    },
    statistics() {
      const byExchange: Record<string, number> = {};
      let tradable = 0;
      for (const i of all) {
        byExchange[i.exchange] = (byExchange[i.exchange] ?? 0) + 1;
        if (i.tradable) tradable++;
      }
      return { total: all.length, tradable, indices: all.length - tradable, byExchange };
    },
  };
}

/** 0..3 relevance rank (lower is better), -1 when the instrument does not match. */
function searchRank(inst: Instrument, q: string): number {
  const sym = inst.tradingsymbol.toUpperCase();
  if (sym === q) return 0;
  if (sym.startsWith(q)) return 1;
  if (sym.includes(q)) return 2;
  return inst.name.toUpperCase().includes(q) ? 3 : -1;
}
