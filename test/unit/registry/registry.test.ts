import { describe, expect, it } from 'vitest';
import { parseInstrumentsCsv } from '../../../src/domain/instruments/index.js';
import { decodeLookupArg, decodeRegistryMeta, decodeSearchArg } from '../../../src/protocol/instrument-registry.js';
import { registryWrites } from '../../../src/services/instrument-registry/records.js';
import { K } from '../../../src/store/keyspace.js';

describe('registry call arguments', () => {
  it('accepts a token (number or digits) or a symbol', () => {
    expect(decodeLookupArg({ token: 738561 })).toEqual({ ok: true, value: 738561 });
    expect(decodeLookupArg({ token: ' 81153 ' })).toEqual({ ok: true, value: 81153 });
    expect(decodeLookupArg({ symbol: ' NSE:TCS ' })).toEqual({ ok: true, value: 'NSE:TCS' });
  });

  it('turns anything else into ERR_INSTRUMENT_UNKNOWN instead of throwing', () => {
    for (const bad of [undefined, null, 7, {}, { token: 1.5 }, { token: 'abc' }, { symbol: '  ' }]) {
      const r = decodeLookupArg(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('ERR_INSTRUMENT_UNKNOWN');
    }
  });

  it('clamps the search limit and defaults a missing query to nothing', () => {
    expect(decodeSearchArg({ q: 'rel', limit: 5 })).toEqual({ q: 'rel', limit: 5 });
    expect(decodeSearchArg({ q: 'rel', limit: 10_000 })).toEqual({ q: 'rel', limit: 50 });
    expect(decodeSearchArg({ q: 'rel', limit: -1 })).toEqual({ q: 'rel', limit: 0 });
    expect(decodeSearchArg(undefined)).toEqual({ q: '', limit: 50 });
  });
});

describe('registryWrites', () => {
  it('writes every instrument, its qualified symbol and the meta last, in file order', () => {
    const parsed = parseInstrumentsCsv('# c\n738561,RELIANCE,RELIANCE INDUSTRIES,NSE\nbad,row\n81153,TCS,TATA CONSULTANCY SERVICES,NSE\n');
    const { puts, meta } = registryWrites(parsed, '/x/instruments.csv', 1234);
    expect(puts).toHaveLength(5);
    expect(puts[0]!.key).toEqual(K.instrument(738561));
    expect(puts[1]).toEqual({ key: K.instrumentSymbol('NSE:RELIANCE'), value: 738561 });
    expect(puts[4]).toEqual({ key: K.instrumentMeta(), value: meta });
    expect(meta).toEqual({ v: 1, loadedAt: 1234, source: '/x/instruments.csv', count: 2, invalidRows: 1, hasHeader: false, tokens: [738561, 81153] });
    expect(decodeRegistryMeta(meta)).toEqual(meta);
    expect(decodeRegistryMeta({ ...meta, v: 0 })).toBeUndefined();
    expect(decodeRegistryMeta({ ...meta, tokens: ['x'] })).toBeUndefined();
    expect(decodeRegistryMeta(undefined)).toBeUndefined();
  });
});
