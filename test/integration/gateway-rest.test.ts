// REST routes through the real gateway process: the envelope and request ids, validation, actor
// results and domain errors mapped to catalogued codes, LMDB reads (orders and fills are read by
// the gateway itself, never asked of the engine), Prometheus text, static files.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K } from '../../src/store/keyspace.js';
import { startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';
import { generateOrderStore, genOrder, genOrderFacts } from '../fixtures/order-store.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** A raw request line (fetch would normalise `..` away before sending). */
function rawGet(path: string): Promise<string> {
  const port = Number(new URL(h.base).port);
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let out = '';
    sock.on('data', (d) => (out += String(d)));
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
  });
}

const get = async (path: string, headers: Record<string, string> = {}) => {
  const r = await fetch(`${h.base}${path}`, { headers: { Authorization: `Bearer ${TOKENS.reader}`, ...headers } });
  const text = await r.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (metrics, static files)
  }
  return { status: r.status, headers: r.headers, body, text };
};

describe('gateway REST API', () => {
  it('wraps data in the envelope with a request id, echoing a well-formed client id', async () => {
    const r = await get('/api/v1/status', { 'X-Request-ID': 'abc-123' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('abc-123');
    expect(r.body['requestId']).toBe('abc-123');
    expect(r.body['ok']).toBe(true);
    const data = r.body['data'] as { nodes: { name: string; gen: number | null }[]; ready: { ready: boolean }; gateway: { gen: number } };
    expect(data.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['root', 'ticks', 'trading_sup', 'worker-a', 'gateway']));
    expect(data.ready.ready).toBe(true);
    expect(data.gateway.gen).toBe(1);
    const fresh = await get('/api/v1/status', { 'X-Request-ID': 'bad id with spaces' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with ERR_HTTP_NOT_FOUND and a request id', async () => {
    const r = await get('/api/v1/nope');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'ERR_HTTP_NOT_FOUND' } });
    expect(typeof r.body['requestId']).toBe('string');
    expect(r.headers.get('x-request-id')).toBe(r.body['requestId']);
  });

  it('pages orders from LMDB (never through the engine) and validates paging and filters', async () => {
    await generateOrderStore(h.system.store!, 'paper', 300, 100);
    const calls = h.log.calls.length;
    const strategy = genOrderFacts(1).strategyId;
    const want: number[] = [];
    for (let i = 300; i >= 1; i--) if (genOrderFacts(i).strategyId === strategy) want.push(i);
    const r = await get(`/api/v1/orders?page=3&size=20&strategy=${strategy}`);
    const data = r.body['data'] as { broker: string; items: { orderId: string }[]; total: number; page: number; size: number };
    expect({ ...data, items: data.items.map((o) => o.orderId) }).toEqual({ broker: 'paper', items: want.slice(40, 60).map((i) => `paper-gen-${i}`), total: want.length, page: 3, size: 20 });
    expect(data.items[0]).toEqual(genOrder('paper', want[40]!));
    const filled = await get('/api/v1/orders?status=Filled&size=5');
    const fd = filled.body['data'] as { items: { status: string }[]; total: number; scan: { complete: boolean } };
    expect(fd.items.map((o) => o.status)).toEqual(['Filled', 'Filled', 'Filled', 'Filled', 'Filled']);
    expect(fd.scan.complete).toBe(true);
    expect(h.log.calls.length).toBe(calls);
    for (const q of ['size=0', 'size=1001', 'page=0', 'page=abc', 'broker=nasdaq', 'status=filled', 'status=Nope', 'status=Filled,Canceled']) {
      const bad = await get(`/api/v1/orders?${q}`);
      expect(bad.status, q).toBe(400);
      expect((bad.body['error'] as { code: string }).code, q).toBe('ERR_HTTP_BAD_REQUEST');
    }
    const badStatus = await get('/api/v1/orders?status=Nope');
    expect((badStatus.body['error'] as { message: string }).message).toContain('expected status to be one of Initialized, Submitted');
  });

  it('maps actor Result errors to their catalogued codes and statuses', async () => {
    const ok = await get('/api/v1/instruments/256265');
    expect(ok.body['data']).toEqual({ token: 256265, symbol: 'NIFTY 50' });
    const unknown = await get('/api/v1/instruments/999');
    expect(unknown.status).toBe(404);
    expect(unknown.body['error']).toEqual({ code: 'ERR_INSTRUMENT_UNKNOWN', message: 'unknown instrument 999' });
    const cancel = await fetch(`${h.base}/api/v1/orders/o-404/cancel`, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.trader}` } });
    expect(cancel.status).toBe(404);
    expect(((await cancel.json()) as { error: { code: string } }).error.code).toBe('ERR_ORDER_UNKNOWN');
    const canceled = await fetch(`${h.base}/api/v1/orders/o-1/cancel?broker=paper`, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.trader}` } });
    expect(await canceled.json()).toMatchObject({ ok: true, data: { order: { orderId: 'o-1', status: 'Canceled' } } });
  });

  it('reports an actor the main thread does not know with its catalogued code', async () => {
    // the canned handler rejects unknown actors with "ERR_ACTOR_UNKNOWN: ..." (as the main thread should)
    const r = await get('/api/v1/strategies');
    expect(r.status).toBe(404);
    expect((r.body['error'] as { code: string }).code).toBe('ERR_ACTOR_UNKNOWN');
  });

  it('reports the kill switch state per broker from its read model in LMDB, without asking the risk manager', async () => {
    const calls = h.log.calls.length;
    expect((await get('/api/v1/kill-switch')).body['data']).toEqual({ paper: { engaged: false, reason: '' } });
    // the read model the risk manager commits with its state
    await h.system.store!.put(K.killSwitchView('paper'), { engaged: true, reason: 'maintenance' });
    expect((await get('/api/v1/kill-switch')).body['data']).toEqual({ paper: { engaged: true, reason: 'maintenance' } });
    expect(h.log.calls.length).toBe(calls);
  });

  it('serves portfolios, positions, fills and instrument search', async () => {
    expect((await get('/api/v1/portfolios')).body['data']).toEqual({ items: [{ broker: 'paper', cash: 100_000_000, equity: 100_500_000, divisor: 100 }] });
    expect((await get('/api/v1/portfolios/paper')).body['data']).toMatchObject({ broker: 'paper' });
    expect((await get('/api/v1/portfolios/zerodha')).status).toBe(404);
    expect((await get('/api/v1/positions?strategy=momo')).body['data']).toEqual({ items: [{ broker: 'paper', strategyId: 'momo', token: 256265, qty: 10 }] });
    expect(h.log.calls.at(-1)).toEqual({ actor: 'portfolio-manager', command: 'positions', arg: { strategyId: 'momo' } });
    // fills come from LMDB (the store of the orders test, or generated here when run alone)
    if (h.system.store!.get(K.fill('paper', 1)) === undefined) await generateOrderStore(h.system.store!, 'paper', 300, 100);
    const fills = (await get('/api/v1/fills?page=2&size=10')).body['data'] as { items: { fillSeq: number }[]; nextAfterSeq: number | null };
    expect(fills.items.map((f) => f.fillSeq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(fills.nextAfterSeq).toBe(20);
    expect(h.log.calls.filter((c) => c.command === 'orders' || c.command === 'fills')).toEqual([]);
    expect((await get('/api/v1/instruments?q=nif&limit=5')).body['data']).toEqual({ items: [{ token: 256265, symbol: 'NIFTY 50' }] });
  });

  it('reads the equity curve from LMDB', async () => {
    const db = h.system.store!;
    const t0 = Date.now() - 60_000;
    await db.transaction(() => {
      for (let i = 0; i < 30; i++) db.put(K.equityPoint('paper', t0 + i * 1000), { broker: 'paper', ts: t0 + i * 1000, equity: 1_000_000 + i, cash: 0, netPnl: i, realizedPnl: 0, unrealizedPnl: i, fees: 0, divisor: 100 });
    });
    const all = await get(`/api/v1/equity?broker=paper&from=${t0}&to=${t0 + 29_000}`);
    const data = all.body['data'] as { points: { ts: number; equity: number }[]; downsampled: boolean; divisor: number };
    expect(data.points).toHaveLength(30);
    expect(data.points[29]!.equity).toBe(1_000_029);
    expect(data.divisor).toBe(100);
    const few = await get(`/api/v1/equity?from=${t0}&to=${t0 + 29_000}&points=5`);
    const fd = few.body['data'] as { points: { ts: number }[]; downsampled: boolean };
    expect(fd.downsampled).toBe(true);
    expect(fd.points.length).toBeLessThanOrEqual(5);
    expect(fd.points.at(-1)!.ts).toBe(t0 + 29_000);
    expect((await get(`/api/v1/equity?from=${t0 + 10}&to=${t0}`)).status).toBe(400);
  });

  it('is ready, and serves Prometheus text on /metrics', async () => {
    const ready = await get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body['data']).toEqual({ ready: true, supervisor: 'trading_sup', state: 'running' });
    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    for (const name of ['alpha_topic_published', 'alpha_actor_restarts', 'alpha_actor_generation', 'alpha_ring_consumer_lag', 'alpha_gateway_ws_connections', 'alpha_gateway_http_request_duration_seconds_bucket', 'alpha_gateway_errors_total', 'alpha_signals', 'alpha_gateway_process_process_resident_memory_bytes']) {
      expect(m.text, name).toContain(name);
    }
    expect(m.text).toMatch(/alpha_actor_generation\{actor="worker-a"\} 1/);
    expect(m.text).toMatch(/alpha_gateway_http_request_duration_seconds_count\{route="\/api\/v1\/orders",method="GET",status="400"\} \d+/);
    expect((await fetch(`${h.base}/metrics`)).status).toBe(401);
  });

  it('serves the dashboard and the charts library without auth', async () => {
    const page = await fetch(`${h.base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain('Alpha Panda');
    const lib = await fetch(`${h.base}/vendor/lightweight-charts.js`);
    expect(lib.status).toBe(200);
    expect(lib.headers.get('content-type')).toContain('javascript');
    expect((await lib.text()).length).toBeGreaterThan(10_000);
    const js = await fetch(`${h.base}/dashboard/api.js`);
    expect(js.status).toBe(200);
    for (const p of ['/dashboard', '/dashboard/']) {
      const r = await fetch(`${h.base}${p}`);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('content-type'), p).toContain('text/html');
      expect(r.headers.get('content-security-policy'), p).toContain("default-src 'self'");
    }
    // relative references of a page served at / resolve to the web root
    const rootFile = await fetch(`${h.base}/api.js`);
    expect(rootFile.headers.get('content-type')).toContain('javascript');
    for (const p of ['/dashboard/../../package.json', '/dashboard/%2e%2e/%2e%2e/package.json', '/dashboard/..%2f..%2fpackage.json', '/../package.json', '/dashboard/.hidden.js']) {
      const r = await rawGet(p);
      expect(r.split('\r\n')[0], p).toBe('HTTP/1.1 404 Not Found');
      expect(r).not.toContain('"name": "alpha-panda"');
    }
  });

  it('survives malformed percent-escapes and query strings', async () => {
    for (const p of ['/api/v1/portfolios/%E0%A4%A', '/api/v1/instruments/%ZZ', '/api/v1/orders?page=%E0%A4%A', '/dashboard/%E0%A4%A.js']) {
      const r = await get(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
    }
    expect(h.system.process('gateway')!.gen).toBe(1);
  });

  it('answers /health without auth (liveness only)', async () => {
    const r = await fetch(`${h.base}/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, data: { status: 'ok', gen: 1 } });
  });
});
