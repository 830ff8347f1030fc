// The sandbox's order postbacks (src/kite/sandbox/orders.ts orderPostback), as the ticker streams them:
// only Kite's postback states, with user_id, unfilled_quantity, app_id and the checksum
// sha256(order_id + order_timestamp + api_secret), checked by the official client's validatePostback; and the
// ring record the market feed forwards (order-updates.ts) stays small whatever Kite's message.
import { createHash } from 'node:crypto';
import { KiteConnect } from 'kiteconnect';
import { describe, expect, it } from 'vitest';
import { orderPostback, POSTBACK_STATUSES } from '../../../src/kite/sandbox/orders.js';
import { decodeOrderUpdate, orderUpdateRecord } from '../../../src/services/engine/order-updates.js';
import { kiteOrder } from './zerodha-fixtures.js';

const wire = (status: string) => ({ order_id: '2611', order_timestamp: '2026-12-02 10:15:00', placed_by: 'AP0001', status, pending_quantity: 4, tag: 'apx' });

describe('order postbacks', () => {
  it('carries the postback fields and the documented checksum', () => {
    const p = orderPostback(wire('COMPLETE'), 'k', 'secret');
    expect(p).toMatchObject({ order_id: '2611', status: 'COMPLETE', user_id: 'AP0001', unfilled_quantity: 4, app_id: 'k', tag: 'apx' });
    expect(p?.['checksum']).toBe(createHash('sha256').update('26112026-12-02 10:15:00secret').digest('hex'));
    // The official client's own check (kiteconnect validatePostback) accepts it, and refuses another secret
    const kc = new KiteConnect({ api_key: 'k' });
    const postback = p as { order_id: string; checksum: string; order_timestamp: string };
    expect(kc.validatePostback(postback, 'secret')).toBe(true);
    expect(kc.validatePostback(postback, 'other')).toBe(false);
  });

  it('is sent only for the postback states, not for the OMS interim ones', () => {
    for (const s of POSTBACK_STATUSES) expect(orderPostback(wire(s), 'k', 's')).toBeDefined();
    for (const s of ['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'MODIFY PENDING', 'MODIFIED', 'CANCEL PENDING']) expect(orderPostback(wire(s), 'k', 's')).toBeUndefined();
  });

  it('the forwarded record truncates a long status message and still decodes', () => {
    const rec = orderUpdateRecord(kiteOrder('K1', 'apx', 'REJECTED', 0, { statusMessage: 'x'.repeat(5000) }), 1);
    expect(rec.order.statusMessage).toHaveLength(300);
    expect(JSON.stringify(rec).length).toBeLessThan(2048);
    expect(decodeOrderUpdate(JSON.parse(JSON.stringify(rec)))).toMatchObject({ ok: true });
  });
});
