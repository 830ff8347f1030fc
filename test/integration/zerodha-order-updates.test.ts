// Zerodha order updates from the ticker's text messages: the REAL pipeline tree (split topology,
// real workers, LMDB, sockets) against the sandbox Kite, whose REST book streams every order change
// as a KiteTicker `order` message (orderUpdatesTo). The engine's poll is slowed to 60 s, so after
// the start-up reconciliation only the text path can move our orders: placements reach their fills
// (fetched from GET /trades, exactly once) and a modify sent through the gateway's REST route
// (POST /api/v1/orders/:id/modify) reaches Kite and comes back into our book. Build first: npx tsc -p tsconfig.build.json (workers run dist/).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fill } from '../../src/domain/types.js';
import type { CancelResult, FillsPage, OrdersPage } from '../../src/protocol/engine.js';
import { startLocalKite, type LocalKite } from '../../src/kite/sandbox/local-kite.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually, tempDir } from '../support/system.js';
import { call, snap } from '../fixtures/pipeline-harness.js';
import { freePort } from '../../bench/harness/net.js';

const Z = 'trading-engine-zerodha';
const TRADER = 'zupd-trader-token-0123456789';

let handle: (PipelineHandle & { cleanup: () => void }) | undefined;
let kite: LocalKite | undefined;
let stepper: NodeJS.Timeout | undefined;
const dirs: { cleanup: () => void }[] = [];
afterEach(async () => {
  clearInterval(stepper);
  await handle?.stop();
  handle?.cleanup();
  handle = undefined;
  await kite?.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function fillsOf(engine: string): Promise<Fill[]> {
  const page = await call<FillsPage>(handle!.system, engine, 'fills', { afterSeq: 0, limit: 1000 });
  return [...page.fills];
}

describe('zerodha order updates from the KiteTicker text messages', () => {
  it('orders reach their fills and a modify comes back with the poll slowed to 60 s', async () => {
    kite = await startLocalKite({ seed: 'zerodha-updates', volatilityBps: 30 });
    const { market, rest } = kite;
    const dir = tempDir('ap-zupd-');
    dirs.push(dir);
    const strategies = join(dir.path, 'strategies.yaml');
    // A limit-order strategy would need prices; momentum's MARKET orders fill at the next price
    writeFileSync(
      strategies,
      'version: 1\nstrategies:\n  - id: live_momo\n    type: momentum\n    broker: zerodha\n    instruments: [408065, 738561, 81153]\n    params:\n      lookback_periods: 5\n      threshold: 0.001\n      position_size: 3\n',
    );
    stepper = setInterval(() => market.step(Date.now()), 25);
    const port = await freePort();
    handle = await startPipeline({
      ...kite.env,
      ZERODHA__POLL_MS: '60000',
      RISK__MAX_DAILY_TRADES: '100000',
      STRATEGIES__FILE: strategies,
      API__ENABLED: 'true',
      API__HOST: '127.0.0.1',
      API__PORT: String(port),
      API__TOKENS: JSON.stringify([{ name: 'trader', token: TRADER, scopes: ['read', 'trade'] }]),
    });
    const modifyRest = async (id: string, body: unknown): Promise<{ status: number; body: { ok: boolean; data?: CancelResult; error?: { code: string } } }> => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/orders/${id}/modify`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TRADER}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as { ok: boolean; data?: CancelResult; error?: { code: string } } };
    };
    const system = handle.system;
    const zsnap = async () => (await snap<{ zerodha: Record<string, unknown> }>(system, Z)).zerodha;

    await eventually(async () => (await fillsOf(Z)).length >= 3, 30_000, 'zerodha fills through order updates');
    clearInterval(stepper);
    const trades = () => rest.book.trades() as { trade_id: string }[];
    await eventually(async () => (await fillsOf(Z)).length === trades().length, 15_000, 'every sandbox trade in our fill log');
    const fills = await fillsOf(Z);
    expect(fills.map((f) => f.tradeId).sort()).toEqual(trades().map((t) => t.trade_id).sort());
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
    const s = await zsnap();
    // Only the start-up reconciliation polled: every fill came through an update and a trades fetch
    expect(s['reconciled']).toBe(true);
    expect(s['polls']).toBe(0);
    expect(s['updates']).toBeGreaterThan(0);
    expect(s['tradeFetches']).toBeGreaterThan(0);
    const feed = await snap<{ kite: { texts: { order: number } } }>(system, 'market-feed');
    expect(feed.kite.texts.order).toBeGreaterThan(0);

    // Modify: an order left OPEN at Kite (a MARKET order waits for the next price) gets a new quantity.
    // First every placement still queued behind our client's order-rate limiter must be sent: a
    // modify joins the same queue (on a loaded box hundreds of placements can wait there)
    await eventually(async () => (await zsnap())['inFlight'] === 0, 90_000, 'every placement sent to Kite');
    const kiteNow = () => rest.book.orderList() as { tag: string | null; status: string; quantity: number; order_id: string }[];
    let target: string | undefined;
    for (let i = 0; i < 40 && target === undefined; i++) {
      const open = await call<{ orderId: string; filledQty: number }[]>(system, Z, 'open-orders');
      target = open.find((o) => o.filledQty === 0 && kiteNow().some((k) => k.tag === o.orderId && k.status === 'OPEN'))?.orderId;
      if (target === undefined) {
        market.step(Date.now());
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(target).toBeDefined();
    const r = await modifyRest(target!, { broker: 'zerodha', quantity: 7 });
    expect(r).toMatchObject({ status: 200, body: { ok: true, data: { ok: true, order: { orderId: target } } } });
    await eventually(() => kiteNow().find((k) => k.tag === target)?.quantity === 7, 10_000, 'modified at Kite');
    await eventually(async () => (await call<OrdersPage>(system, Z, 'orders', { limit: 1000 })).orders.find((o) => o.orderId === target)?.qty === 7, 10_000, 'modified in our book (update path)');
    expect((await zsnap())['polls']).toBe(0);
    // Bad input is refused with a catalogued code, nothing is sent
    // Refusals carry their catalogued codes; nothing is sent
    expect(await modifyRest(target!, { broker: 'zerodha', price: -5 })).toMatchObject({ status: 400, body: { error: { code: 'ERR_HTTP_BAD_REQUEST' } } });
    expect(await modifyRest(target!, { broker: 'zerodha', price: 157_000 })).toMatchObject({ status: 400, body: { error: { code: 'ERR_ORDER_MODIFY_INVALID' } } }); // a MARKET order has no price
    expect(await modifyRest('nope', { broker: 'zerodha', quantity: 5 })).toMatchObject({ status: 404, body: { error: { code: 'ERR_ORDER_UNKNOWN' } } });
    expect(await modifyRest('x', { broker: 'paper', quantity: 5 })).toMatchObject({ status: 400, body: { error: { code: 'ERR_ORDER_MODIFY_UNSUPPORTED' } } });
    expect(await call<CancelResult>(system, Z, 'modify', { orderId: target, quantity: 0 })).toMatchObject({ ok: false, code: 'ERR_ORDER_MODIFY_INVALID' });
  }, 240_000);
});
