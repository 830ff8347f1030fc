// Records naming a tick by ring seq (src/cluster/tick-refs.ts).
import { describe, expect, it } from 'vitest';
import { refersTo, tickRefOf, withTickRef } from '../../../src/cluster/tick-refs.js';

describe('refersTo', () => {
  it('signals.raw of any broker names market.ticks ring seqs', () => {
    expect(refersTo('paper.signals.raw')).toBe('market.ticks');
    expect(refersTo('zerodha.signals.raw')).toBe('market.ticks');
  });

  it('no other topic names ticks', () => {
    for (const t of ['paper.orders.filled', 'paper.signals.validated', 'market.ticks', 'paper.signals.raw.dlq', 'zerodha.orders.updates', 'nonsense', 'nope.signals.raw']) {
      expect(refersTo(t), t).toBeUndefined();
    }
  });
});

describe('tickRefOf', () => {
  it("reads an integer data.tickSeq", () => {
    expect(tickRefOf({ type: 'trading_signal', data: { tickSeq: 42 } })).toBe(42);
    expect(tickRefOf({ data: { tickSeq: 0 } })).toBe(0);
  });

  it('is undefined for anything else', () => {
    for (const r of [{ data: { tickSeq: 1.5 } }, { data: { tickSeq: '3' } }, { data: { tickSeq: Number.NaN } }, { data: {} }, { data: null }, {}, null, undefined, 7, 'x']) {
      expect(tickRefOf(r), JSON.stringify(r)).toBeUndefined();
    }
  });
});

describe('withTickRef', () => {
  it('returns a copy with the tick seq replaced, leaving the original unchanged', () => {
    const original = { type: 'trading_signal', seq: 3, data: { tickSeq: 10, symbol: 'X', qty: 2 } };
    const snapshot = structuredClone(original);
    const copy = withTickRef(original, 77);
    expect(copy).toEqual({ type: 'trading_signal', seq: 3, data: { tickSeq: 77, symbol: 'X', qty: 2 } });
    expect(original).toEqual(snapshot);
    expect(copy).not.toBe(original);
    expect(copy.data).not.toBe(original.data);
    expect(tickRefOf(copy)).toBe(77);
  });

  it('adds a data object when the record has none', () => {
    expect(withTickRef({ type: 'cut' } as { type: string; data?: unknown }, 5)).toEqual({ type: 'cut', data: { tickSeq: 5 } });
  });
});
