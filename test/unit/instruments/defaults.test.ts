import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInstrumentsCsv } from '../../../src/domain/instruments/csv-parser.js';
import { DEFAULT_INDEX_TOKENS, DEFAULT_INSTRUMENT_TOKENS } from '../../../src/domain/instruments/defaults.js';
import { REFERENCE_PRICES } from '../../../src/domain/feed/reference-prices.js';

const text = readFileSync(new URL('../../../src/defaults/instruments.csv', import.meta.url), 'utf8');

describe('src/defaults/instruments.csv', () => {
  it('has the original shape: 4 comment lines (the last documents the format), 20 rows, no header', () => {
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 4).every((l) => l.startsWith('#'))).toBe(true);
    expect(lines[3]).toBe('# Format: instrument_token,tradingsymbol,name,exchange');
    expect(lines).toHaveLength(24);
  });

  it('parses to exactly the 20 default tokens, in order, all NSE', () => {
    const r = parseInstrumentsCsv(text);
    expect(r.errors).toEqual([]);
    expect(r.hasHeader).toBe(false);
    expect(r.instruments.map((i) => i.token)).toEqual([...DEFAULT_INSTRUMENT_TOKENS]);
    expect(new Set(r.instruments.map((i) => i.exchange))).toEqual(new Set(['NSE']));
    const names = new Map(r.instruments.map((i) => [i.tradingsymbol, i.name]));
    expect(names.get('NIFTY50')).toBe('NIFTY 50');
    expect(names.get('BANKNIFTY')).toBe('NIFTY BANK');
    expect(names.get('M&M')).toBe('MAHINDRA & MAHINDRA');
    expect(names.get('HINDUNILVR')).toBe('HINDUSTAN UNILEVER');
  });

  it('marks exactly the two indices as not tradable', () => {
    const nonTradable = parseInstrumentsCsv(text).instruments.filter((i) => !i.tradable).map((i) => i.token);
    expect(nonTradable).toEqual([...DEFAULT_INDEX_TOKENS]);
  });

  it('has a reference price on the 5-paise grid for every default token', () => {
    for (const t of DEFAULT_INSTRUMENT_TOKENS) {
      const p = REFERENCE_PRICES.get(t);
      expect(p, `token ${t}`).toBeGreaterThan(0);
      expect((p ?? 1) % 5).toBe(0);
    }
    expect(REFERENCE_PRICES.size).toBe(DEFAULT_INSTRUMENT_TOKENS.length);
  });
});
