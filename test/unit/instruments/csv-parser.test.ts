import { describe, expect, it } from 'vitest';
import { parseInstrumentsCsv } from '../../../src/domain/instruments/csv-parser.js';
import { splitCsvLine } from '../../../src/domain/instruments/csv-fields.js';

describe('parseInstrumentsCsv', () => {
  it('skips comments and blank lines and uses default columns without a header', () => {
    const text = '# comment\n\n  # indented comment\n738561,RELIANCE,RELIANCE INDUSTRIES,NSE\r\n\n256265,NIFTY50,NIFTY 50,NSE\n';
    const r = parseInstrumentsCsv(text);
    expect(r.hasHeader).toBe(false);
    expect(r.errors).toEqual([]);
    expect(r.instruments.map((i) => i.token)).toEqual([738561, 256265]);
    expect(r.instruments[0]).toEqual({
      token: 738561,
      exchangeToken: 2885,
      tradingsymbol: 'RELIANCE',
      name: 'RELIANCE INDUSTRIES',
      exchange: 'NSE',
      tickSize: 5,
      lotSize: 1,
      divisor: 100,
      tradable: true,
    });
    expect(r.instruments[1]?.tradable).toBe(false); // segment 9 = index
  });

  it('detects a header and reads the extra Kite columns exactly (no float rounding)', () => {
    const text = [
      'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange',
      '408065,1594,INFY,INFOSYS,1573.15,,,0.05,1,EQ,NSE,NSE',
      '5720322,22345,NIFTY15DECFUT,NIFTY,78.0,2015-12-31,,0.05,75,FUT,NFO-FUT,NFO',
      '256265,1001,NIFTY 50,NIFTY 50,0,,0,0,0,EQ,INDICES,NSE',
      '12345,48,USDINR24JUNFUT,USDINR,83.1275,2024-06-26,0,0.0025,1,FUT,CDS-FUT,CDS',
    ].join('\n');
    const r = parseInstrumentsCsv(text);
    expect(r.hasHeader).toBe(true);
    expect(r.errors).toEqual([{ code: 'ERR_INSTRUMENT_ROW_INVALID', line: 4, reason: 'lot_size: expected at least 1, was 0' }]);
    const [infy, fut, usd] = r.instruments;
    expect(infy).toMatchObject({ token: 408065, exchangeToken: 1594, lastPrice: 157315, tickSize: 5, lotSize: 1, instrumentType: 'EQ', segment: 'NSE' });
    expect(infy).not.toHaveProperty('expiry');
    expect(infy).not.toHaveProperty('strike');
    expect(fut).toMatchObject({ lastPrice: 7800, expiry: '2015-12-31', lotSize: 75, segment: 'NFO-FUT', tradable: true });
    expect(usd).toMatchObject({ divisor: 10_000_000, lastPrice: 831_275_000, tickSize: 25_000 });
  });

  it('marks INDICES-segment rows not tradable and defaults a zero tick size', () => {
    const text = 'instrument_token,tradingsymbol,name,exchange,segment,tick_size\n256265,NIFTY 50,NIFTY 50,NSE,INDICES,0\n';
    const [nifty] = parseInstrumentsCsv(text).instruments;
    expect(nifty?.tradable).toBe(false);
    expect(nifty?.tickSize).toBe(5);
  });

  it('supports quoted fields with commas and escaped quotes', () => {
    const text = '1,ABC,"ACME, INDIA ""LTD""",NSE\n2,XYZ, "  spaced  " ,BSE\n';
    const r = parseInstrumentsCsv(text);
    expect(r.errors).toEqual([]);
    // values are trimmed, even quoted ones
    expect(r.instruments.map((i) => i.name)).toEqual(['ACME, INDIA "LTD"', 'spaced']);
    expect(r.instruments[1]?.exchange).toBe('BSE');
  });

  it('reports invalid rows with physical line numbers and keeps the valid ones', () => {
    const text = [
      '# header comment', // 1
      '1,AAA,A,NSE', // 2
      'x1,BBB,B,NSE', // 3 non-integer token
      '3,,C,NSE', // 4 missing symbol
      '', // 5
      '4,DDD,D', // 6 missing exchange
      '5,EEE,"E,NSE', // 7 unterminated quote
      '6,FFF,F,NSE,extra', // 8 too many fields
      '1,AAA2,A2,NSE', // 9 duplicate token
      '-7,GGG,G,NSE', // 10 negative token
      '4294967296,HHH,H,NSE', // 11 beyond uint32
      '8,HHH,H,NSE', // 12 ok
    ].join('\n');
    const r = parseInstrumentsCsv(text);
    expect(r.instruments.map((i) => i.token)).toEqual([1, 8]);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 6, 7, 8, 9, 10, 11]);
    expect(r.errors.every((e) => e.code === 'ERR_INSTRUMENT_ROW_INVALID')).toBe(true);
    expect(r.errors[1]?.reason).toBe('missing required field tradingsymbol');
    expect(r.errors[5]?.reason).toContain('duplicate instrument_token 1 (first on line 2)');
  });

  it('rejects bad numbers and dates in extra columns', () => {
    const text = [
      'instrument_token,tradingsymbol,name,exchange,last_price,tick_size,lot_size,expiry,strike',
      '1,A,A,NSE,12.5x,,,,',
      '2,B,B,NSE,,-0.05,,,',
      '3,C,C,NSE,,,1.5,,',
      '4,D,D,NSE,,,,2024-02-30,',
      '5,E,E,NSE,,,,,1e3',
      '6,F,F,NSE,10,0.10,50,2024-02-29,23500.5',
    ].join('\n');
    const r = parseInstrumentsCsv(text);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.errors[3]?.reason).toContain('expiry');
    expect(r.instruments).toHaveLength(1);
    expect(r.instruments[0]).toMatchObject({ token: 6, lastPrice: 1000, tickSize: 10, lotSize: 50, expiry: '2024-02-29', strike: 2_350_050 });
  });

  it('reports a header lacking required columns once and returns nothing', () => {
    const r = parseInstrumentsCsv('instrument_token,tradingsymbol,exchange\n1,A,NSE\n');
    expect(r.instruments).toEqual([]);
    expect(r.errors).toEqual([{ code: 'ERR_INSTRUMENT_ROW_INVALID', line: 1, reason: 'header lacks required column(s) name' }]);
  });

  it('accepts header columns in any order, case-insensitively, ignoring unknown ones', () => {
    const r = parseInstrumentsCsv('\uFEFFExchange, NAME ,colour,Instrument_Token,TradingSymbol\nnse,Foo Ltd,red,42,FOO\n');
    expect(r.errors).toEqual([]);
    expect(r.instruments[0]).toMatchObject({ token: 42, tradingsymbol: 'FOO', name: 'Foo Ltd', exchange: 'NSE' });
  });

  it('returns nothing for an empty or comment-only file', () => {
    expect(parseInstrumentsCsv('')).toEqual({ instruments: [], errors: [], hasHeader: false });
    expect(parseInstrumentsCsv('# a\n# b\n\n').instruments).toEqual([]);
  });
});

describe('splitCsvLine', () => {
  it('splits, trims unquoted fields and keeps a trailing empty field', () => {
    expect(splitCsvLine(' a , b ,')).toEqual({ ok: true, value: ['a', 'b', ''] });
  });
  it('rejects stray quotes', () => {
    expect(splitCsvLine('a"b,c').ok).toBe(false);
    expect(splitCsvLine('"a"b,c').ok).toBe(false);
  });
});
