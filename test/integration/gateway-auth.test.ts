// F4: unauthorized clients are refused before the WebSocket upgrade, with no data frames; scopes
// are enforced (read-only tokens cannot trade); REST never accepts ?token=; rate limit → 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ gateway: { rateLimitPerMinute: 120, corsOrigins: ['http://allowed.example'] } });
});
afterAll(async () => {
  await h?.stop();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('gateway authentication (F4)', () => {
  it('refuses the upgrade without a token, with a bad token, and from a foreign Origin — zero data frames', async () => {
    const cases: [Parameters<typeof Client.connect>[1], number, string][] = [
      [{}, 401, 'ERR_WS_UNAUTHORIZED'],
      [{ token: 'not-a-valid-token-at-all' }, 401, 'ERR_WS_UNAUTHORIZED'],
      [{ header: 'not-a-valid-token-at-all' }, 401, 'ERR_WS_UNAUTHORIZED'],
      [{ token: TOKENS.reader, origin: 'http://evil.example' }, 403, 'ERR_WS_FORBIDDEN'],
    ];
    for (const [opts, status, code] of cases) {
      const refused = (await Client.connect(h.wsUrl, opts).then(
        () => undefined,
        (e: unknown) => e,
      )) as { status: number; body: string; frames: number } | undefined;
      expect(refused, JSON.stringify(opts)).toBeDefined();
      expect(refused!.status).toBe(status);
      expect(refused!.frames).toBe(0);
      const body = JSON.parse(refused!.body) as { ok: boolean; error: { code: string; message: string } };
      expect(body.ok).toBe(false);
      expect(body.error.code).toBe(code);
      expect(refused!.body).not.toContain(TOKENS.reader);
    }
    // the gateway and other sessions are unaffected
    const ok = await Client.connect(h.wsUrl, { header: TOKENS.reader, origin: 'http://allowed.example' });
    await ok.waitFor((c) => c.of('welcome').length === 1, 'welcome');
    expect(ok.of('welcome')[0]!['scopes']).toEqual(['read']);
    ok.close();
  });

  it('REST: 401 without or with a query-string token, 200 with a bearer token', async () => {
    const none = await fetch(`${h.base}/api/v1/status`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const query = await fetch(`${h.base}/api/v1/status?token=${TOKENS.reader}`);
    expect(query.status).toBe(401);
    expect(((await query.json()) as { error: { message: string } }).error.message).toContain('query-string');
    const ok = await fetch(`${h.base}/api/v1/status`, { headers: auth(TOKENS.reader) });
    expect(ok.status).toBe(200);
  });

  it('a read-only token gets 403 on the kill switch and cancel; nothing reaches the actor', async () => {
    const before = h.log.calls.length;
    const ks = await fetch(`${h.base}/api/v1/kill-switch`, { method: 'POST', headers: { ...auth(TOKENS.reader), 'Content-Type': 'application/json' }, body: JSON.stringify({ engaged: true, reason: 'test' }) });
    expect(ks.status).toBe(403);
    expect(((await ks.json()) as { error: { code: string } }).error.code).toBe('ERR_WS_FORBIDDEN');
    const cancel = await fetch(`${h.base}/api/v1/orders/o-1/cancel`, { method: 'POST', headers: auth(TOKENS.reader) });
    expect(cancel.status).toBe(403);
    expect(h.log.calls.length).toBe(before);
  });

  it('a trade token engages the kill switch (validated body)', async () => {
    const bad = await fetch(`${h.base}/api/v1/kill-switch`, { method: 'POST', headers: auth(TOKENS.trader), body: JSON.stringify({ engaged: 'yes' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('ERR_HTTP_BAD_REQUEST');
    const ok = await fetch(`${h.base}/api/v1/kill-switch`, { method: 'POST', headers: auth(TOKENS.trader), body: JSON.stringify({ engaged: true, reason: 'operator test' }) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, data: { paper: { engaged: true, reason: 'operator test' } } });
    expect(h.log.calls.at(-1)).toEqual({ actor: 'trading-core-paper', command: 'kill-switch', arg: { engaged: true, reason: 'operator test' } });
    const before = h.log.calls.length;
    const huge = await fetch(`${h.base}/api/v1/kill-switch`, { method: 'POST', headers: auth(TOKENS.trader), body: JSON.stringify({ engaged: true, reason: 'x'.repeat(100_000) }) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('ERR_HTTP_PAYLOAD_TOO_LARGE');
    expect(h.log.calls.length).toBe(before);
  });

  it('trading commands over WebSocket are forbidden whatever the scope', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.trader });
    const before = h.log.calls.length;
    c.send({ op: 'cancel', orderId: 'o-1' });
    c.send({ op: 'kill-switch', engaged: true });
    await c.waitFor((x) => x.of('error').length === 2, 'two errors');
    expect(c.of('error').map((e) => e['code'])).toEqual(['ERR_WS_FORBIDDEN', 'ERR_WS_FORBIDDEN']);
    expect(c.closed).toBeUndefined();
    expect(h.log.calls.length).toBe(before);
    c.close();
  });

  it('CORS preflight answers configured origins only', async () => {
    const ok = await fetch(`${h.base}/api/v1/status`, { method: 'OPTIONS', headers: { Origin: 'http://allowed.example', 'Access-Control-Request-Method': 'GET' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    expect(ok.headers.get('access-control-allow-headers')).toContain('Authorization');
    const no = await fetch(`${h.base}/api/v1/status`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
    expect(no.status).toBe(403);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rate-limits per token with 429 and Retry-After; other tokens are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 130; i++) {
      const r = await fetch(`${h.base}/api/v1/strategies`, { headers: auth(TOKENS.spare) });
      statuses.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('ERR_RATE_LIMITED');
        break;
      }
      await r.arrayBuffer();
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeGreaterThan(100);
    const other = await fetch(`${h.base}/api/v1/status`, { headers: auth(TOKENS.reader) });
    expect(other.status).toBe(200);
    const health = await fetch(`${h.base}/health`);
    expect(health.status).toBe(200);
  });
});
