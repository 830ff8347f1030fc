// Records naming a tick by ring seq (src/cluster/tick-refs.ts).
import { describe, expect, it } from 'vitest';
import { refersTo, tickRefOf, withTickRef, SentTicks } from '../../../src/cluster/tick-refs.js';

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

describe('SentTicks', () => {
  it('knows a tick\'s stream sequence once stored, and says pending before and unknown for ticks it never sent', () => {
    const t = new SentTicks(true);
    expect(t.streamSeqOf(0)).toBe('pending');
    for (const ring of [5, 6, 7]) t.read(ring);
    t.stored(5, 100);
    t.stored(6, 101);
    expect([t.streamSeqOf(5), t.streamSeqOf(6), t.streamSeqOf(7)]).toEqual([100, 101, 'pending']);
    // Released before this incarnation (a restarted bridge reads from the first unreleased tick)
    expect(t.streamSeqOf(4)).toBe('unknown');
  });

  it('releases a tick once stored and no record still to be stored can name it', () => {
    const t = new SentTicks(true);
    for (let ring = 0; ring < 10; ring++) {
      t.read(ring);
      t.stored(ring, 1000 + ring);
    }
    // Nothing names a tick yet: every record still to come may name tick 0
    expect(t.release()).toBeNull();
    t.named(0, 3); // a signal of tick 3
    t.named(1, 3); // a watermark of tick 3: an equal tick may follow, so 3 itself stays
    t.named(2, 8);
    t.namesStored(1);
    expect(t.release()).toBe(2);
    expect(t.release()).toBeNull();
    t.namesStored(2);
    expect(t.release()).toBe(7);
    // A record naming no tick (a flatten's signal) moves nothing
    t.named(3, -1);
    t.namesStored(3);
    expect(t.release()).toBeNull();
  });

  it('releases ticks as soon as they are stored when no record names them', () => {
    const t = new SentTicks(false);
    t.read(0);
    t.stored(0, 1);
    t.stored(1, 2);
    expect(t.release()).toBe(1);
  });
});
