import { describe, expect, it } from 'vitest';
import { parseInstrumentsCsv, tradabilityProblem, tradableLookup } from '../../../src/domain/instruments/index.js';
import { readFileSync } from 'node:fs';

describe('tradableLookup', () => {
  it('follows the registry flag, falls back to the token segment, and knows nothing else', () => {
    const lookup = tradableLookup([{ token: 738561, tradable: true }, { token: 260105, tradable: false }, { token: 256265 }, { token: 408065 }]);
    expect(lookup(738561)).toBe(true);
    expect(lookup(260105)).toBe(false);
    expect(lookup(256265)).toBe(false); // segment 9: an index
    expect(lookup(408065)).toBe(true);
    expect(lookup(42)).toBeUndefined();
    expect(tradabilityProblem(lookup, 260105)).toBe('not_tradable');
    expect(tradabilityProblem(lookup, 42)).toBe('unknown_instrument');
    expect(tradabilityProblem(lookup, 738561)).toBeNull();
    expect(tradabilityProblem(undefined, 260105)).toBeNull();
  });

  it('the default instruments file marks exactly NIFTY50 and BANKNIFTY not tradable', () => {
    const parsed = parseInstrumentsCsv(readFileSync(new URL('../../../src/defaults/instruments.csv', import.meta.url), 'utf8'));
    const lookup = tradableLookup(parsed.instruments);
    expect(parsed.instruments.filter((i) => lookup(i.token) === false).map((i) => i.tradingsymbol)).toEqual(['NIFTY50', 'BANKNIFTY']);
  });
});
