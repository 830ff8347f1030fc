// POST /api/v1/orders/:id/modify through the real gateway process (src/gateway/routes-orders.ts):
// trade scope, zod-validated body (integer paise), the engine's answer passed back, its refusal
// mapped to its catalogued code, and exactly the validated change forwarded to the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const modify = async (id: string, body: unknown, token: string = TOKENS.trader, query = '') => {
  const r = await fetch(`${h.base}/api/v1/orders/${id}/modify${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as { ok: boolean; data?: unknown; error?: { code: string; message: string } } };
};

describe('POST /api/v1/orders/:id/modify', () => {
  it('forwards the validated change to the broker engine and passes its answer back', async () => {
    const r = await modify('o-1', { quantity: 12, price: 157_350 }, TOKENS.trader, '?broker=paper');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, data: { ok: true, order: { orderId: 'o-1', qty: 12, limitPrice: 157_350 } } });
    expect(h.log.calls.at(-1)).toEqual({ actor: 'trading-core-paper', command: 'modify', arg: { orderId: 'o-1', quantity: 12, price: 157_350 } });
  });

  it("maps the engine's refusal to its catalogued code", async () => {
    const r = await modify('o-404', { quantity: 5 });
    expect(r.status).toBe(404);
    expect(r.body.error?.code).toBe('ERR_ORDER_UNKNOWN');
  });

  it('refuses bad bodies before the engine is asked, and needs the trade scope', async () => {
    const calls = h.log.calls.length;
    for (const body of [{}, { price: 1.5 }, { quantity: -1 }, { price: '100' }, { quantity: 1, extra: true }, { quantity: 1, broker: 'nope' }]) {
      const r = await modify('o-1', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error?.code).toBe('ERR_HTTP_BAD_REQUEST');
    }
    const reader = await modify('o-1', { quantity: 5 }, TOKENS.reader);
    expect(reader.status).toBe(403);
    expect(h.log.calls.length).toBe(calls);
  });
});
