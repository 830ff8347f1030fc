// Kite's daily token expiry at 06:00 IST, driven by a fake clock. The sandbox Kite refuses a token
// from the first 06:00 IST after it was issued, by its clock's wall time (dailyExpiry); the test
// owns that clock (a FakeClock's wall time; monotonic time stays real so rate limits still refill).
//  1. The auth actor (its real factory, in process, with the fake clock and a real LMDB) reports
//     zerodha authenticated until 05:59:59.999 IST and expired from 06:00:00 IST, paper always ready,
//     and Kite agrees at that instant.
//  2. The real pipeline (split topology, workers, LMDB, sockets): zerodha trades until the clock
//     reaches 06:00 IST; then it halts with ERR_KITE_TOKEN, nothing more reaches Kite, every order
//     of ours exists at Kite exactly once, and paper keeps trading on the same ticks.
// Build first: npx tsc -p tsconfig.build.json (workers run dist/).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import authActor from '../../actors/auth.actor.js';
import { defaultConfig, type AppConfig } from '../../src/config.js';
import type { Fill } from '../../src/domain/types.js';
import { KiteRestClient } from '../../src/kite/rest/client.js';
import { createSandboxMarket, loadSandboxInstruments } from '../../src/kite/sandbox/market.js';
import { marketPriceSource } from '../../src/kite/sandbox/price-source.js';
import { startRestSandbox } from '../../src/kite/sandbox/rest-server.js';
import { startLocalKite } from '../../src/kite/sandbox/local-kite.js';
import type { AuthStatusReport } from '../../src/protocol/auth.js';
import type { FillsPage, OrdersPage } from '../../src/protocol/engine.js';
import type { ActorContext } from '../../src/runtime/actor.js';
import { FakeClock, realClock, sharedMonoNs, type Clock } from '../../src/runtime/clock.js';
import { openStore } from '../../src/store/lmdb.js';
import { call } from '../fixtures/pipeline-harness.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually, tempDir } from '../support/system.js';

/** 2026-12-03 06:00:00 IST (00:30 UTC): the expiry of a token issued the evening or night before. */
const SIX_IST = Date.UTC(2026, 11, 3, 0, 30);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A FakeClock's wall time with real monotonic time (token buckets and timeouts keep working). */
function fakeWall(startMs: number): { wall: FakeClock; clock: Clock } {
  const wall = new FakeClock(startMs);
  return { wall, clock: { nowMs: () => wall.nowMs(), monoMs: () => realClock.monoMs() } };
}

describe('zerodha session expiry at 06:00 IST on a fake clock', () => {
  it('the auth actor reports zerodha expired exactly at 06:00 IST, paper ready throughout, and Kite agrees', async () => {
    const { wall, clock } = fakeWall(SIX_IST - 30_000);
    const rest = await startRestSandbox({ prices: marketPriceSource(createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'x' })), apiKey: 'k', apiSecret: 's', accessTokens: ['t'], clock, dailyExpiry: true });
    cleanups.push(() => rest.close());
    const dir = tempDir('ap-zexp-');
    const store = openStore({ path: join(dir.path, 'lmdb'), durability: 'overlapping' });
    cleanups.push(dir.cleanup, () => store.close());
    const base = defaultConfig();
    const config: AppConfig = { ...base, zerodha: { ...base.zerodha, apiKey: 'k', accessToken: 't', restRoot: rest.url } };
    const timers: (() => void)[] = [];
    // The real actor factory with a hand-made context: only what the auth actor uses
    const ctx = {
      name: 'auth',
      gen: 1,
      runId: 'test',
      log: pino({ level: 'silent' }),
      clock: { nowMs: clock.nowMs, monoMs: clock.monoMs, monoNs: sharedMonoNs },
      config,
      args: { brokers: ['paper', 'zerodha'], checkIntervalMs: 1000 },
      store,
      durability: 'overlapping',
      every: (_ms: number, fn: () => void) => void timers.push(fn),
      countError: () => undefined,
    } as unknown as ActorContext;
    const actor = await authActor(ctx);
    await actor.start?.();
    const status = () => actor.call!('status', null) as AuthStatusReport;
    const tick = async (): Promise<void> => {
      for (const t of timers) t();
      // A re-check of a valid session runs in the background: let it answer
      await new Promise((r) => setTimeout(r, 100));
    };
    expect(status().brokers['zerodha']).toMatchObject({ status: 'authenticated', ready: true, session: { expiresAt: SIX_IST } });
    expect(status().brokers['paper']).toMatchObject({ status: 'authenticated', ready: true });

    wall.set(SIX_IST - 1);
    await tick();
    expect(status().brokers['zerodha']).toMatchObject({ status: 'authenticated', ready: true });
    const client = new KiteRestClient({ apiKey: 'k', accessToken: 't', root: rest.url });
    await expect(client.profile()).resolves.toMatchObject({ userId: expect.any(String) });

    wall.set(SIX_IST);
    await tick();
    expect(status().brokers['zerodha']).toMatchObject({ status: 'expired', reason: 'session_expired', ready: false });
    expect(status().brokers['paper']).toMatchObject({ status: 'authenticated', ready: true });
    expect(status().allReady).toBe(false);
    expect(actor.health!()).toEqual({ status: 'degraded', detail: 'not ready: zerodha=expired' });
    // Kite's side of the same instant: the token is refused
    await expect(client.profile()).rejects.toMatchObject({ code: 'ERR_KITE_TOKEN' });
  });

  it('the pipeline: zerodha halts at 06:00 IST with a clear status, paper keeps trading, no order is sent twice or after', async () => {
    const { wall, clock } = fakeWall(SIX_IST - 60_000);
    const kite = await startLocalKite({ seed: 'zerodha-expiry', volatilityBps: 30, clock, dailyExpiry: true });
    const { market, rest } = kite;
    const dir = tempDir('ap-zexp-');
    const strategies = join(dir.path, 'strategies.yaml');
    const strat = (id: string, broker: string): string =>
      `  - id: ${id}\n    type: momentum\n    broker: ${broker}\n    instruments: [408065, 738561, 81153]\n    params:\n      lookback_periods: 5\n      threshold: 0.001\n      position_size: 3\n`;
    writeFileSync(strategies, `version: 1\nstrategies:\n${strat('live_momo', 'zerodha')}${strat('paper_momo', 'paper')}`);
    let stepper = setInterval(() => market.step(Date.now()), 25);
    const handle: PipelineHandle & { cleanup: () => void } = await startPipeline({ ...kite.env, RISK__MAX_DAILY_TRADES: '100000', STRATEGIES__FILE: strategies });
    cleanups.push(dir.cleanup, () => kite.close(), () => handle.cleanup(), () => handle.stop(), () => clearInterval(stepper));
    const system = handle.system;
    const fills = async (engine: string): Promise<Fill[]> => [...(await call<FillsPage>(system, engine, 'fills', { afterSeq: 0, limit: 1000 })).fills];
    const health = async (name: string) => (await system.actor(name)!.control()!.status()).health;

    await eventually(async () => (await fills('trading-engine-zerodha')).length >= 2, 30_000, 'zerodha fills before 06:00 IST');
    expect((await health('trading-engine-zerodha'))?.status).toBe('healthy');

    // 06:00 IST at Kite: the next call of ours is refused with TokenException
    wall.set(SIX_IST);
    clearInterval(stepper);
    stepper = setInterval(() => market.step(Date.now()), 25);
    await eventually(async () => (await health('trading-engine-zerodha'))?.status === 'unhealthy', 15_000, 'zerodha halted');
    const h = await health('trading-engine-zerodha');
    expect(h?.detail).toContain('ERR_KITE_TOKEN: zerodha halted');
    expect(h?.detail).toContain('npm run login');
    // Halted, not crash-looped: the engine keeps running (its committed orders stay readable)
    expect(system.actor('trading-engine-zerodha')!.status().state).toBe('running');
    const atHalt = rest.book.orderList().length;
    const paperBefore = (await fills('trading-core-paper')).length;
    await eventually(async () => (await fills('trading-core-paper')).length > paperBefore + 2, 15_000, 'paper keeps filling after 06:00 IST');
    expect((await health('trading-core-paper'))?.status).toBe('healthy');
    // Nothing reached Kite after the halt, and every order of ours is there at most once
    expect(rest.book.orderList().length).toBe(atHalt);
    const kiteTags = (rest.book.orderList() as { tag: string | null }[]).map((o) => o.tag);
    expect(new Set(kiteTags).size).toBe(kiteTags.length);
    const ours = (await call<OrdersPage>(system, 'trading-engine-zerodha', 'orders', { limit: 1000 })).orders;
    for (const tag of kiteTags) expect(ours.filter((o) => o.orderId === tag)).toHaveLength(1);
    // Every fill of ours is a Kite trade (none invented while halted)
    const tradeIds = new Set((rest.book.trades() as { trade_id: string }[]).map((t) => t.trade_id));
    expect((await fills('trading-engine-zerodha')).every((f) => tradeIds.has(f.tradeId))).toBe(true);
  });
});
