import { describe, expect, it } from 'vitest';
import { parseInstrumentsCsv } from '../../../src/domain/instruments/csv-parser.js';
import { createInstrumentIndex } from '../../../src/domain/instruments/instrument-index.js';

const CSV = [
  '256265,NIFTY50,NIFTY 50,NSE',
  '738561,RELIANCE,RELIANCE INDUSTRIES,NSE',
  '128083204,RELIANCE,RELIANCE INDUSTRIES,BSE',
  '1195009,M&M,MAHINDRA & MAHINDRA,NSE',
  '492033,KOTAKBANK,KOTAK MAHINDRA BANK,NSE',
  '2714625,HINDUNILVR,HINDUSTAN UNILEVER,NSE',
].join('\n');

const index = createInstrumentIndex(parseInstrumentsCsv(CSV).instruments);

describe('InstrumentIndex', () => {
  it('looks up by token', () => {
    expect(index.byToken(1195009)?.tradingsymbol).toBe('M&M');
    expect(index.byToken(1)).toBeUndefined();
  });

  it('looks up symbols case-insensitively, optionally exchange-qualified', () => {
    expect(index.bySymbol('reliance')?.token).toBe(738561); // first in file order
    expect(index.bySymbol('BSE:Reliance')?.token).toBe(128083204);
    expect(index.bySymbol(' nse:m&m ')?.token).toBe(1195009);
    expect(index.bySymbol('NFO:RELIANCE')).toBeUndefined();
  });

  it('resolves tokens or symbols and reports unknown references', () => {
    expect(index.resolve(738561)).toMatchObject({ ok: true, value: { tradingsymbol: 'RELIANCE' } });
    expect(index.resolve('492033')).toMatchObject({ ok: true, value: { tradingsymbol: 'KOTAKBANK' } });
    expect(index.resolve('nifty50')).toMatchObject({ ok: true, value: { token: 256265 } });
    expect(index.resolve('TATA')).toEqual({ ok: false, error: { code: 'ERR_INSTRUMENT_UNKNOWN', ref: 'TATA' } });
  });

  it('searches symbol and name substrings, best match first, with a limit', () => {
    expect(index.search('mahindra').map((i) => i.token)).toEqual([1195009, 492033]);
    expect(index.search('M&M')[0]?.token).toBe(1195009);
    expect(index.search('NI').map((i) => i.tradingsymbol)).toEqual(['NIFTY50', 'HINDUNILVR']);
    expect(index.search('re', 1)).toHaveLength(1);
    expect(index.search('')).toEqual([]);
    expect(index.search('zzz')).toEqual([]);
  });

  it('lists by exchange and reports statistics', () => {
    expect(index.byExchange('bse').map((i) => i.token)).toEqual([128083204]);
    expect(index.statistics()).toEqual({ total: 6, tradable: 5, indices: 1, byExchange: { NSE: 5, BSE: 1 } });
  });

  it('keeps the first of two instruments with the same token', () => {
    const [a] = parseInstrumentsCsv('1,A,A,NSE').instruments;
    const [b] = parseInstrumentsCsv('1,B,B,NSE').instruments;
    if (a === undefined || b === undefined) throw new Error('fixture');
    const idx = createInstrumentIndex([a, b]);
    expect(idx.all).toHaveLength(1);
    expect(idx.byToken(1)?.tradingsymbol).toBe('A');
    expect(idx.bySymbol('B')).toBeUndefined();
  });
});
