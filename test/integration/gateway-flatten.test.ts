// POST /api/v1/flatten through the real gateway process (canned actors, real sockets): scope
// `trade`, nothing happens without "confirm": true (400 ERR_FLATTEN_UNCONFIRMED), a validated body,
// and the paper broker's trading core gets one flatten call (it cancels and closes itself; the
// engine-then-risk path of a broker without a core is the route unit test's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const post = async (token: string, body: unknown): Promise<{ status: number; json: { ok: boolean; data?: unknown; error?: { code: string; message: string } } }> => {
  const r = await fetch(`${h.base}/api/v1/flatten`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as never };
};

describe('POST /api/v1/flatten', () => {
  it('refuses a read-only token, a missing or non-true confirm and a bad body, reaching no actor', async () => {
    const before = h.log.calls.length;
    const reader = await post(TOKENS.reader, { confirm: true });
    expect(reader.status).toBe(403);
    for (const body of [{}, { confirm: false }, { confirm: 'yes' }, { broker: 'paper', strategyId: 'momo' }]) {
      const r = await post(TOKENS.trader, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error?.code).toBe('ERR_FLATTEN_UNCONFIRMED');
    }
    const unconfirmed = await post(TOKENS.trader, { strategyId: 'momo' });
    expect(unconfirmed.json.error?.message).toContain('strategy momo');
    for (const body of [{ confirm: true, broker: 'nope' }, { confirm: true, extra: 1 }, { confirm: true, strategyId: '' }]) {
      const r = await post(TOKENS.trader, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error?.code).toBe('ERR_HTTP_BAD_REQUEST');
    }
    expect(h.log.calls.length).toBe(before);
  });

  it("hands the flatten to the paper broker's trading core, which cancels and closes in one step (split)", async () => {
    const before = h.log.calls.length;
    const r = await post(TOKENS.trader, { confirm: true, strategyId: 'momo' });
    expect(r.status).toBe(200);
    expect(h.log.calls.slice(before)).toEqual([{ actor: 'trading-core-paper', command: 'flatten', arg: { strategyId: 'momo' } }]);
    expect(r.json).toMatchObject({ ok: true, data: { paper: { canceled: [], closes: [{ strategyId: 'momo', outcome: 'validated' }], fills: 0 } } });
  });
});
