import { describe, expect, it } from 'vitest';
import { clientOrderIdFor, hash64Hex, signalKey, tradeIdFor } from '../../../src/domain/order/index.js';

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
