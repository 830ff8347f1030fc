// The message ids a bridge sends (src/cluster/message-ids.ts): stable across a crash where the
// record is regenerated with the same content, run-scoped otherwise.
import { describe, expect, it } from 'vitest';
import { identify } from '../../../src/cluster/message-ids.js';
import { encodeTick, newMutableTick, TICK_PAYLOAD_BYTES } from '../../../src/protocol/tick-record.js';

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

function tickBytes(feedSeq: number): Uint8Array {
  const buf = new ArrayBuffer(TICK_PAYLOAD_BYTES);
  encodeTick(new Int32Array(buf), new Float64Array(buf), 0, { ...newMutableTick(), token: 7, ltp: 100 }, 0, feedSeq);
  return new Uint8Array(buf);
}

describe('identify', () => {
  it('names a tick by its lineage and feed position, or by run and ring seq without one', () => {
    expect(identify('ticks', tickBytes(41), 3, 'run1', 'rabc')).toEqual({ msgID: 'rabc.41' });
    expect(identify('ticks', tickBytes(-1), 3, 'run1', 'rabc')).toEqual({ msgID: 'run1.3' });
  });

  it('names the runner\'s records by ordinal or cut number, and carries the tick they name', () => {
    expect(identify('names-ticks', json({ type: 'trading_signal', seq: 12, data: { tickSeq: 40 } }), 5, 'run1', 'l')).toEqual({ msgID: 'sig.12', tickRef: 40 });
    expect(identify('names-ticks', json({ type: 'cut', data: { n: 3, tickSeq: 44 } }), 6, 'run1', 'l')).toEqual({ msgID: 'cut.3', tickRef: 44 });
    expect(identify('names-ticks', json({ type: 'watermark', data: { tickSeq: 45 } }), 7, 'run1', 'l')).toEqual({ msgID: 'run1.7', tickRef: 45 });
    // A signal of a flatten names no tick
    expect(identify('names-ticks', json({ type: 'trading_signal', seq: 13, data: {} }), 8, 'run1', 'l')).toEqual({ msgID: 'sig.13' });
  });

  it('names a fill event by its fillSeq, and other events by run and ring seq', () => {
    expect(identify('fills', json({ type: 'order_filled', data: { fill: { fillSeq: 9 } } }), 2, 'run1', 'l')).toEqual({ msgID: 'fill.9' });
    expect(identify('fills', json({ type: 'something_else', data: {} }), 2, 'run1', 'l')).toEqual({ msgID: 'run1.2' });
    expect(identify('events', json({ type: 'pnl_snapshot' }), 4, 'run2', 'l')).toEqual({ msgID: 'run2.4' });
  });
});
