import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderIdFor, hash64Hex, signalKey, tradeIdFor } from '../../../src/domain/order/index.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

/** FNV-1a 64 by its definition, in BigInt: the independent oracle of the limb implementation. */
function fnv1a64Reference(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

describe('deterministic ids', () => {
  it('signal key is strategy:token:side:ts', () => {
    expect(signalKey({ strategyId: 'mom', token: 256265, side: 'SELL', ts: 1700000000123 })).toBe('mom:256265:SELL:1700000000123');
  });

  it('client order id is broker + 64-bit FNV-1a hex of the key, stable across calls', () => {
    expect(hash64Hex('')).toBe('cbf29ce484222325'); // FNV-1a 64 offset basis
    expect(hash64Hex('a')).toBe('af63dc4c8601ec8c'); // published FNV-1a 64 test vector
    const id = clientOrderIdFor('paper', 'mom:1:BUY:5');
    expect(id).toMatch(/^paper-[0-9a-f]{16}$/);
    expect(clientOrderIdFor('paper', 'mom:1:BUY:5')).toBe(id);
    expect(clientOrderIdFor('paper', 'mom:1:BUY:6')).not.toBe(id);
  });

  it('the 16-bit-limb FNV-1a equals the BigInt definition on any string (ids never change)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
        expect(hash64Hex(text)).toBe(fnv1a64Reference(text));
      }),
      { seed, numRuns: 2000 },
    );
    expect(hash64Hex('momentum_20:738561:BUY:1737690300000:12345')).toBe(fnv1a64Reference('momentum_20:738561:BUY:1737690300000:12345'));
  });

  it('trade id is orderId-n', () => {
    expect(tradeIdFor('paper-abc', 3)).toBe('paper-abc-3');
  });
});

describe('signal keys and ticks that share a timestamp', () => {
  it('two signals from different ticks of the same millisecond get different keys and orders', () => {
    const base = { strategyId: 's', token: 738561, side: 'BUY' as const, ts: 1_700_000_000_000 };
    const a = signalKey({ ...base, feedSeq: 41 });
    const b = signalKey({ ...base, feedSeq: 42 });
    expect(a).not.toBe(b);
    expect(clientOrderIdFor('paper', a)).not.toBe(clientOrderIdFor('paper', b));
    // The same tick redelivered maps to the same key (idempotent)
    expect(signalKey({ ...base, feedSeq: 41 })).toBe(a);
    // Without a feed position the key is the original's shape
    expect(signalKey(base)).toBe('s:738561:BUY:1700000000000');
  });
});
