// Our Kite REST client against the sandbox's fault hooks, over real sockets on 127.0.0.1:
// 5xx and dropped connections are retried for GETs only (a placement is sent exactly once), a slow
// answer times out, a TokenException is never retried and tells the owner, the breaker opens after
// repeated outages and closes after a good trial, and the sandbox answers a flood with Kite's 429.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualPriceSource } from '../../src/kite/sandbox/price-source.js';
import { startRestSandbox, type RestSandbox } from '../../src/kite/sandbox/rest-server.js';
import { KiteRestClient, type KiteRestOptions } from '../../src/kite/rest/client.js';
import { CircuitBreaker } from '../../src/runtime/circuit-breaker.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { isOutage } from '../../src/kite/rest/errors.js';
import { orderTag } from '../../src/kite/rest/tag.js';
import { isAppError } from '../../src/errors.js';
import { KITE_LIMITS } from '../../src/kite/rest/limiter.js';
import { reconcile } from '../../src/kite/rest/reconcile.js';
import { kiteProfileValidator } from '../../src/kite/rest/validator.js';
import { createSession } from '../../src/domain/auth/session.js';
import { guardedValidate } from '../../src/services/auth/guarded-check.js';

let sandbox: RestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

let prices = new ManualPriceSource();

async function setup(extra: Partial<KiteRestOptions> = {}): Promise<{ sb: RestSandbox; kite: KiteRestClient }> {
  prices = new ManualPriceSource();
  prices.set(408065, 157315);
  sandbox = await startRestSandbox({ prices });
  const kite = new KiteRestClient({ apiKey: sandbox.apiKey, accessToken: sandbox.issueAccessToken(), root: sandbox.url, retryBaseMs: 5, ...extra });
  return { sb: sandbox, kite };
}

const buy = { exchange: 'NSE', tradingsymbol: 'INFY', transactionType: 'BUY', quantity: 1, product: 'MIS', orderType: 'MARKET' } as const;
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

describe('Kite REST client faults', () => {
  it('a GET is retried through 5xx and dropped connections; a placement is never re-sent', async () => {
    const { sb, kite } = await setup();
    sb.faults.failNext(2, 503);
    expect(await kite.orders()).toEqual([]);
    sb.faults.dropNext(1);
    expect(await kite.trades()).toEqual([]);
    expect(sb.statusCounts.get(503)).toBe(2);

    sb.faults.failNext(1, 503);
    const e = await failure(kite.placeOrder({ ...buy, tag: orderTag('s1') }));
    expect(isAppError(e, 'ERR_KITE_NETWORK')).toBe(true);
    sb.faults.dropNext(1);
    const dropped = await failure(kite.placeOrder({ ...buy, tag: orderTag('s2') }));
    expect(isAppError(dropped, 'ERR_KITE_NETWORK')).toBe(true);
    // Neither reached the book, and nothing was sent twice
    expect(await kite.orders()).toEqual([]);
    // A GeneralException 500 is Kite's own failure (retried); exhausted retries surface the last error
    sb.faults.failNext(5, 500, 'GeneralException', 'boom');
    const exhausted = await failure(kite.positions());
    expect(isAppError(exhausted, 'ERR_KITE_GENERAL')).toBe(true);
    expect((exhausted as { detail: { status: number } }).detail.status).toBe(500);
  });

  it('a slow answer times out (and is retried for a GET)', async () => {
    const { sb, kite } = await setup({ timeoutMs: 300, maxAttempts: 2 });
    sb.faults.delayMs = 3000;
    const e = await failure(kite.profile());
    expect(isAppError(e, 'ERR_KITE_TIMEOUT')).toBe(true);
    expect((e as { detail: Record<string, unknown> }).detail).toMatchObject({ route: 'GET /user/profile', timeoutMs: 300 });
    sb.faults.delayMs = 0;
    // A client with the default 7 s timeout: the sandbox answers normally again
    const patient = new KiteRestClient({ apiKey: sb.apiKey, accessToken: sb.issueAccessToken(), root: sb.url });
    expect((await patient.profile()).userId).toBe('AP0001');
  });

  it('an expired session is a TokenException: never retried, the owner is told once per answer', async () => {
    let told = 0;
    const { sb, kite } = await setup({ onTokenException: () => told++ });
    expect((await kite.profile()).userId).toBe('AP0001');
    sb.faults.expireSessions();
    const e = await failure(kite.orders());
    expect(isAppError(e, 'ERR_KITE_TOKEN')).toBe(true);
    expect((e as { detail: Record<string, unknown> }).detail).toMatchObject({ status: 403, errorType: 'TokenException' });
    expect(told).toBe(1);
    expect(sb.statusCounts.get(403)).toBe(1);
    // The token never appears in the error
    expect(JSON.stringify({ m: (e as Error).message, d: (e as { detail: unknown }).detail })).not.toMatch(/[0-9a-f]{32}/);
    // The breaker is not opened by session errors: Kite answered
    expect(kite.breaker.state).toBe('closed');
  });

  it('the breaker opens after repeated outages, refuses without calling, then closes after a good trial', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ name: 'kite-rest', clock, failureThreshold: 3, recoveryMs: 10_000, isFailure: isOutage });
    const { sb, kite } = await setup({ breaker, maxAttempts: 1 });
    sb.faults.failNext(3, 502, 'DataException', 'OMS down');
    for (let i = 0; i < 3; i++) expect(isAppError(await failure(kite.orders()), 'ERR_KITE_DATA')).toBe(true);
    expect(breaker.state).toBe('open');
    const before = [...sb.statusCounts.values()].reduce((a, b) => a + b, 0);
    expect(isAppError(await failure(kite.orders()), 'ERR_CIRCUIT_OPEN')).toBe(true);
    expect([...sb.statusCounts.values()].reduce((a, b) => a + b, 0)).toBe(before); // nothing sent
    clock.advance(10_000);
    expect(await kite.orders()).toEqual([]);
    expect(breaker.state).toBe('closed');
  });

  it('the sandbox answers a flood with 429 NetworkException; our limiter keeps us under it', async () => {
    // A flood (no limiter) against a sandbox whose bucket barely refills (5 at once, then 1/min), so
    // the count does not depend on how fast this machine sends
    const flooded = await startRestSandbox({ prices: new ManualPriceSource(), limits: { ...KITE_LIMITS, other: [{ perMinute: 1, burst: 5 }] } });
    try {
      const auth = `token ${flooded.apiKey}:${flooded.issueAccessToken()}`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${flooded.url}/orders`, { headers: { 'X-Kite-Version': '3', Authorization: auth } }).then(async (r) => [r.status, await r.json()] as const)),
      );
      const limited = answers.filter(([st]) => st === 429);
      expect(limited).toHaveLength(15);
      expect(limited[0]![1]).toMatchObject({ status: 'error', error_type: 'NetworkException', message: 'Too many requests' });
    } finally {
      await flooded.close();
    }
    // Through our client, 12 GETs at once against Kite's documented limits all succeed: the limiter spaces them
    const { sb, kite } = await setup({ maxAttempts: 1 });
    const ok = await Promise.all(Array.from({ length: 12 }, () => kite.orders()));
    expect(ok).toHaveLength(12);
    expect(kite.limiter.totalWaitMs).toBeGreaterThan(0);
    expect(sb.statusCounts.get(429)).toBeUndefined();
    // A 429 on a placement surfaces as ERR_KITE_RATE_LIMITED and is not re-sent
    sb.faults.failNext(1, 429, 'NetworkException', 'Too many requests');
    const e = await failure(kite.placeOrder({ ...buy, tag: orderTag('s3') }));
    expect(isAppError(e, 'ERR_KITE_RATE_LIMITED')).toBe(true);
    expect(await kite.orders()).toEqual([]);
  });

  it('a placement whose answer times out exists at Kite: reconciliation by tag adopts it, nothing is re-sent', async () => {
    const { sb, kite: hasty } = await setup({ timeoutMs: 300 });
    const tag = orderTag('momentum:408065:77');
    sb.faults.delayMs = 3000;
    const e = await failure(hasty.placeOrder({ ...buy, quantity: 5, tag }));
    expect(isAppError(e, 'ERR_KITE_TIMEOUT')).toBe(true);
    sb.faults.delayMs = 0;
    const kite = new KiteRestClient({ apiKey: sb.apiKey, accessToken: sb.issueAccessToken(), root: sb.url });
    // The engine restarts knowing only its intent (the tag), not Kite's order id
    const first = reconcile([{ tag }], await kite.orders(), await kite.trades(), new Set());
    expect(first.missing).toEqual([]);
    expect(first.adopted).toHaveLength(1);
    expect(first.adopted[0]).toMatchObject({ learnedId: true, order: { tag, status: 'OPEN', quantity: 5 } });
    prices.set(408065, 157400); // the market order fills
    const applied = new Set<string>();
    const second = reconcile([{ tag, orderId: first.adopted[0]!.order.orderId }], await kite.orders(), await kite.trades(), applied);
    expect(second.newTrades.map((t) => [t.quantity, t.averagePrice])).toEqual([[5, 157_400]]);
    for (const t of second.newTrades) applied.add(t.tradeId);
    expect(reconcile([{ tag }], await kite.orders(), await kite.trades(), applied).newTrades).toEqual([]);
    expect((await kite.orders()).filter((o) => o.tag === tag)).toHaveLength(1);
  });
});

describe('the live session validator (GET /user/profile)', () => {
  it('valid, then rejected after expiry; an outage is unavailable, never a rejection', async () => {
    const { sb } = await setup();
    const session = createSession({ apiKey: sb.apiKey, accessToken: sb.issueAccessToken() }, Date.now());
    const validator = kiteProfileValidator({ root: sb.url });
    expect(await validator.validate(session, Date.now())).toEqual({ kind: 'valid', userId: 'AP0001' });
    sb.faults.failNext(1, 503);
    expect(await validator.validate(session, Date.now())).toEqual({ kind: 'unavailable', reason: 'ERR_KITE_NETWORK' });
    // Behind the auth actor's breaker (guardedValidate): unavailable outcomes open it, then it refuses
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ name: 'zerodha-auth', clock, failureThreshold: 2 });
    sb.faults.failNext(2, 502, 'DataException');
    expect((await guardedValidate(breaker, validator, session, () => Date.now())).kind).toBe('unavailable');
    expect((await guardedValidate(breaker, validator, session, () => Date.now())).kind).toBe('unavailable');
    expect(await guardedValidate(breaker, validator, session, () => Date.now())).toEqual({ kind: 'unavailable', reason: 'circuit_open' });
    clock.advance(60_000);
    expect(await guardedValidate(breaker, validator, session, () => Date.now())).toEqual({ kind: 'valid', userId: 'AP0001' });
    sb.faults.expireSessions();
    const rejected = await guardedValidate(breaker, validator, session, () => Date.now());
    expect(rejected).toEqual({ kind: 'rejected', reason: 'token_rejected' });
    expect(JSON.stringify(rejected)).not.toContain(session.accessToken);
  });
});
