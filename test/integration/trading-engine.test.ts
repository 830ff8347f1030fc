// Trading engine with real workers and a temp LMDB: market fills, redelivery dedup, resting limits
// filled by a later tick, correlation through fills, and refusal of unsupported brokers.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/system.js';
import { call, engineSystem, engineTree, RELIANCE, sig } from '../support/engine-tree.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { FillsPage, OrderFailedPayload, OrderFilledPayload, OrderPlacedPayload, OrdersPage } from '../../src/protocol/engine.js';
import { K } from '../../src/store/keyspace.js';
import { istDayNumber } from '../../src/domain/market-hours/index.js';
import type { Fill } from '../../src/domain/types.js';

let system: ActorSystem | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
  cleanup?.();
  cleanup = undefined;
});

function boot(children: ActorSpec[], intensity?: { maxRestarts: number; periodMs: number }): ActorSystem {
  const built = engineSystem(children, intensity);
  cleanup = built.cleanup;
  return built.system;
}
const received = async (s: ActorSystem): Promise<Envelope[]> => (await call(s, 'sink', 'received')) as Envelope[];

describe('trading engine', () => {
  it('fills a market BUY once, logs the fill in LMDB and publishes it as a child of the signal', async () => {
    system = boot(engineTree());
    await system.start();
    await call(system, 'driver', 'emit', { signals: [sig(1)] });
    let got: Envelope[] = [];
    await eventually(async () => (got = await received(system!)).some((e) => e.type === 'order_filled'), 10_000, 'order_filled');
    const filled = got.filter((e) => e.type === 'order_filled') as Envelope<OrderFilledPayload>[];
    const placed = got.filter((e) => e.type === 'order_placed') as Envelope<OrderPlacedPayload>[];
    expect(filled).toHaveLength(1);
    expect(placed).toHaveLength(1);
    const f = filled[0]!;
    expect(f.data.fill.quantity).toBe(2);
    // 0.05 % slippage on a BUY, rounded to the 5-paise tick: 2500.00 → 2501.25
    expect(f.data.fill.price).toBe(250_125);
    expect(f.data.order.status).toBe('Filled');
    expect(f.key).toBe(`momo:${RELIANCE}:${f.data.fill.orderId}`);
    expect(f.causationId).toBe(placed[0]!.causationId);
    expect(f.correlationId).toBe(placed[0]!.correlationId);
    expect(f.correlationId).toContain('.driver.');
    const page = (await call(system, 'trading-engine-paper', 'fills', {})) as FillsPage;
    expect(page.fills).toEqual([f.data.fill]);
    const stored = system.store!.get(K.fill('paper', f.data.fill.fillSeq)) as Fill;
    expect(stored).toEqual(f.data.fill);
    // 24x7 market: the session end of yesterday ran once at start
    const snap = (await system.actor('trading-engine-paper')!.control()!.snapshot()) as { endOfDays: number; lastEodDay: number };
    expect(snap.endOfDays).toBe(1);
    expect(snap.lastEodDay).toBe(istDayNumber(Date.now()) - 1);
  });

  it('a redelivered identical signal creates exactly one order', async () => {
    system = boot(engineTree());
    await system.start();
    await call(system, 'driver', 'emit', { signals: [sig(1), sig(2)], twice: true });
    const engine = system.actor('trading-engine-paper')!;
    await eventually(async () => ((await engine.control()!.snapshot()) as { signals: number; pending: number }).signals === 4, 10_000, '4 signals');
    await eventually(async () => ((await engine.control()!.snapshot()) as { pending: number }).pending === 0, 10_000, 'commits');
    const snap = (await engine.control()!.snapshot()) as { applied: number; duplicates: number };
    expect(snap).toMatchObject({ applied: 2, duplicates: 2 });
    const orders = (await call(system, 'trading-engine-paper', 'orders', {})) as OrdersPage;
    expect(orders.total).toBe(2);
    await eventually(async () => (await received(system!)).filter((e) => e.type === 'order_filled').length === 2, 10_000, 'two fills');
    const fills = (await call(system, 'trading-engine-paper', 'fills', {})) as FillsPage;
    expect(fills.fills.map((f) => f.fillSeq)).toEqual([1, 2]);
  });

  it('a resting limit fills on a later tick and the fill keeps the signal correlation', async () => {
    system = boot(engineTree());
    await system.start();
    await call(system, 'driver', 'emit', { signals: [sig(1, { order: { orderType: 'limit', limitPrice: 249_000 } })] });
    let got: Envelope[] = [];
    await eventually(async () => (got = await received(system!)).filter((e) => e.type === 'order_placed').length === 2, 10_000, 'placed + accepted');
    expect(got.some((e) => e.type === 'order_filled')).toBe(false);
    const open = (await call(system, 'trading-engine-paper', 'open-orders')) as { orderId: string }[];
    expect(open).toHaveLength(1);
    const signalCorrelation = got[0]!.correlationId;
    await call(system, 'driver', 'tick', { token: RELIANCE, ltp: 250_500, ts: 1_700_000_000_100 });
    await call(system, 'driver', 'tick', { token: RELIANCE, ltp: 248_000, ts: 1_700_000_000_200 });
    await eventually(async () => (got = await received(system!)).some((e) => e.type === 'order_filled'), 10_000, 'limit fill');
    const f = got.find((e) => e.type === 'order_filled') as Envelope<OrderFilledPayload>;
    expect(f.data.fill.orderId).toBe(open[0]!.orderId);
    expect(f.data.fill.price).toBeLessThanOrEqual(249_000);
    expect(f.data.fill.ts).toBe(1_700_000_000_200);
    expect(f.correlationId).toBe(signalCorrelation);
    expect(f.causationId).toBe(got[0]!.causationId);
    expect((await call(system, 'trading-engine-paper', 'open-orders')) as unknown[]).toHaveLength(0);
    const page = (await call(system, 'trading-engine-paper', 'fills', {})) as FillsPage;
    expect(page.fills).toEqual([f.data.fill]);
  });

  it('publishes order_failed with the catalogued code for a rejected order, and cancels on request', async () => {
    system = boot(engineTree());
    await system.start();
    await call(system, 'driver', 'emit', {
      signals: [sig(1, { side: 'SELL' }), sig(2, { order: { orderType: 'limit', limitPrice: 200_000 } })],
    });
    let got: Envelope[] = [];
    await eventually(async () => (got = await received(system!)).filter((e) => e.type === 'order_placed').length === 3, 10_000, 'orders');
    const failed = got.filter((e) => e.type === 'order_failed') as Envelope<OrderFailedPayload>[];
    expect(failed.map((e) => [e.data.kind, e.data.code])).toEqual([['rejected', 'ERR_PAPER_NO_POSITION']]);
    const open = (await call(system, 'trading-engine-paper', 'open-orders')) as { orderId: string }[];
    const r = (await call(system, 'trading-engine-paper', 'cancel', { orderId: open[0]!.orderId })) as { ok: boolean; order: { status: string } };
    expect(r).toMatchObject({ ok: true, order: { status: 'Canceled' } });
    const again = (await call(system, 'trading-engine-paper', 'cancel', { orderId: open[0]!.orderId })) as { ok: boolean; code: string };
    expect(again).toMatchObject({ ok: false, code: 'ERR_ORDER_BAD_TRANSITION' });
    const canceled = (await call(system, 'trading-engine-paper', 'orders', { status: 'Canceled' })) as OrdersPage;
    expect(canceled.orders.map((o) => o.orderId)).toEqual([open[0]!.orderId]);
    expect(canceled.orders[0]!.origin?.correlationId).toBe(got.find((e) => e.type === 'order_placed' && (e.data as OrderPlacedPayload).order.orderId === open[0]!.orderId)!.correlationId);
  });

  for (const broker of ['binance']) {
    it(`refuses to start for broker "${broker}" with ERR_BROKER_UNSUPPORTED`, async () => {
      system = boot(engineTree({ broker }, { restart: 'transient' }), { maxRestarts: 0, periodMs: 1000 });
      await system.start();
      const st = system.actor('trading-engine-paper')!.status();
      expect(st.state).not.toBe('running');
      expect(st.lastError?.message).toContain(`broker "${broker}" has no trading-engine adapter; supported: paper, zerodha`);
    });
  }
});
