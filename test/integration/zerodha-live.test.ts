// Zerodha live, in process: the REAL pipeline tree (split topology, real workers and LMDB, real
// config loader) on the sandbox Kite — ticker and REST over ONE seeded market — with one strategy on
// zerodha and one on paper. Sandbox ticks → strategies → zerodha engine → sandbox fills → portfolio:
// every zerodha order exists once at the sandbox under its tag, every sandbox trade of ours is one
// fill in our log, and positions are the fold of those fills (and agree with the sandbox's).
// Then the session expires: zerodha halts with a clear status, paper keeps trading.
// Build first: npx tsc -p tsconfig.build.json (workers run dist/).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fill } from '../../src/domain/types.js';
import type { FillsPage, OrdersPage } from '../../src/protocol/engine.js';
import { createSandboxMarket, loadSandboxInstruments, type SandboxMarket } from '../../src/kite/sandbox/market.js';
import { marketPriceSource } from '../../src/kite/sandbox/price-source.js';
import { startRestSandbox, type RestSandbox } from '../../src/kite/sandbox/rest-server.js';
import { startKiteTickerServer, type KiteTickerServer } from '../../src/kite/sandbox/ticker-server.js';
import type { ActorHealth } from '../../src/runtime/actor.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually, tempDir } from '../support/system.js';
import { call, snap } from '../fixtures/pipeline-harness.js';

const Z = 'trading-engine-zerodha';
const P = 'trading-core-paper';

let handle: (PipelineHandle & { cleanup: () => void }) | undefined;
let ticker: KiteTickerServer | undefined;
let rest: RestSandbox | undefined;
let stepper: NodeJS.Timeout | undefined;
const dirs: { cleanup: () => void }[] = [];
afterEach(async () => {
  clearInterval(stepper);
  await handle?.stop();
  handle?.cleanup();
  handle = undefined;
  await ticker?.close();
  await rest?.close();
  ticker = undefined;
  rest = undefined;
  for (const d of dirs.splice(0)) d.cleanup();
});

/** A strategies file: momentum on zerodha over three instruments, the same on paper. */
function strategiesFile(dir: string): string {
  const file = join(dir, 'strategies.yaml');
  const strat = (id: string, broker: string): string =>
    `  - id: ${id}\n    type: momentum\n    broker: ${broker}\n    instruments: [408065, 738561, 81153]\n    params:\n      lookback_periods: 5\n      threshold: 0.001\n      position_size: 3\n`;
  writeFileSync(file, `version: 1\nstrategies:\n${strat('live_momo', 'zerodha')}${strat('paper_momo', 'paper')}`);
  return file;
}

async function healthOf(system: ActorSystem, name: string): Promise<ActorHealth | undefined> {
  return (await system.actor(name)?.control()?.status())?.health;
}

async function fillsOf(system: ActorSystem, engine: string): Promise<Fill[]> {
  const out: Fill[] = [];
  let after = 0;
  for (;;) {
    const page = await call<FillsPage>(system, engine, 'fills', { afterSeq: after, limit: 1000 });
    out.push(...page.fills);
    if (page.nextAfterSeq === null) return out;
    after = page.nextAfterSeq;
  }
}

async function startLive(seed: string, extraEnv: Record<string, string> = {}, dataDir?: string): Promise<{ market: SandboxMarket; env: Record<string, string> }> {
  const market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed, volatilityBps: 30 });
  ticker = await startKiteTickerServer({ market, authorize: (k, t) => k === 'k' && t === 't' });
  rest = await startRestSandbox({ prices: marketPriceSource(market), instruments: market.instruments(), apiKey: 'k', apiSecret: 's', accessTokens: ['t'] });
  const dir = tempDir('ap-zlive-');
  dirs.push(dir);
  const env = {
    MARKET_FEED__SOURCE: 'kite',
    BROKERS__ACTIVE: 'paper,zerodha',
    ZERODHA__ENABLED: 'true',
    RUNTIME__TOPOLOGY: 'split',
    ZERODHA__TICKER_URL: ticker.url,
    ZERODHA__REST_ROOT: rest.url,
    ZERODHA__API_KEY: 'k',
    ZERODHA__API_SECRET: 's',
    ZERODHA__ACCESS_TOKEN: 't',
    MARKET_FEED__MARKET_24X7: 'true',
    RISK__MAX_DAILY_TRADES: '100000',
    STRATEGIES__FILE: strategiesFile(dir.path),
    ...extraEnv,
  };
  stepper = setInterval(() => market.step(Date.now()), 25);
  handle = await startPipeline(env, dataDir === undefined ? {} : { dataDir });
  return { market, env };
}

describe('zerodha live against the sandbox Kite', () => {
  it('trades the sandbox through the whole pipeline; positions = fold(zerodha fills) = the sandbox positions; expiry halts only zerodha', async () => {
    const { market } = await startLive('zerodha-live');
    const system = handle!.system;
    await eventually(async () => (await fillsOf(system, Z)).length >= 4, 30_000, 'zerodha fills from sandbox trades');
    // Freeze the market: MARKET orders placed after the last price stay open; the fills catch up
    clearInterval(stepper);
    const sandboxTrades = (): { trade_id: string; order_id: string; quantity: number }[] => rest!.book.trades() as never;
    await eventually(async () => (await fillsOf(system, Z)).length === sandboxTrades().length, 15_000, 'every sandbox trade in the zerodha fill log');

    const fills = await fillsOf(system, Z);
    const trades = sandboxTrades();
    expect(fills.map((f) => f.tradeId).sort()).toEqual(trades.map((t) => t.trade_id).sort());
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
    expect(fills.every((f) => f.broker === 'zerodha' && f.strategyId === 'live_momo')).toBe(true);

    // Every order of ours exists exactly once at the sandbox, under its tag (once in-flight sends are done)
    const oursNow = async () => (await call<OrdersPage>(system, Z, 'orders', { limit: 1000 })).orders;
    const kiteNow = () => rest!.book.orderList() as { tag: string | null; status: string }[];
    await eventually(async () => (await oursNow()).filter((o) => o.status !== 'Rejected').length === kiteNow().length, 10_000, 'every order sent');
    const ours = await oursNow();
    const kiteOrders = kiteNow();
    const tags = kiteOrders.map((o) => o.tag);
    for (const o of ours.filter((x) => x.status !== 'Rejected')) expect(tags.filter((t) => t === o.orderId)).toHaveLength(1);
    expect(kiteOrders).toHaveLength(ours.filter((o) => o.status !== 'Rejected').length);

    // Positions: the portfolio's zerodha book is the fold of the zerodha fill log, and Kite agrees
    const fold = new Map<number, number>();
    for (const f of fills) fold.set(f.token, (fold.get(f.token) ?? 0) + (f.side === 'BUY' ? f.quantity : -f.quantity));
    await eventually(async () => {
      const pos = await call<{ token: number; qty: number }[]>(system, 'portfolio-manager', 'positions', { broker: 'zerodha' });
      const got = new Map<number, number>();
      for (const p of pos) got.set(p.token, (got.get(p.token) ?? 0) + p.qty);
      return [...fold].every(([t, q]) => (got.get(t) ?? 0) === q) && [...got].every(([t, q]) => (fold.get(t) ?? 0) === q);
    }, 10_000, 'portfolio positions = fold(zerodha fills)');
    const kitePos = new Map((rest!.book.positions().net as { instrument_token: number; quantity: number }[]).map((p) => [p.instrument_token, p.quantity]));
    for (const [t, q] of fold) expect(kitePos.get(t) ?? 0).toBe(q);

    // Cancel: an order left open at Kite (a MARKET order waits for the next price) is cancelled there
    let open: { orderId: string }[] = [];
    for (let i = 0; i < 40 && open.length === 0; i++) {
      open = await call<{ orderId: string }[]>(system, Z, 'open-orders');
      open = open.filter((o) => kiteNow().some((k) => k.tag === o.orderId && k.status === 'OPEN'));
      if (open.length === 0) {
        market.step(Date.now());
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(open.length).toBeGreaterThan(0);
    const target = open[0]!.orderId;
    expect(await call(system, Z, 'cancel', { orderId: target })).toMatchObject({ ok: true });
    await eventually(() => kiteNow().find((k) => k.tag === target)?.status === 'CANCELLED', 10_000, 'cancelled at Kite');
    await eventually(async () => (await oursNow()).find((o) => o.orderId === target)?.status === 'Canceled', 10_000, 'cancelled in our book');

    // Expiry: Kite refuses the session; zerodha halts with a clear status, paper keeps trading
    const kiteOrdersAtExpiry = rest!.book.orderList().length;
    rest!.faults.expireSessions();
    const paperBefore = (await fillsOf(system, P)).length;
    // New ticks: new signals on both brokers
    stepper = setInterval(() => market.step(Date.now()), 25);
    await eventually(async () => (await healthOf(system, Z))?.status === 'unhealthy', 15_000, 'zerodha unhealthy after the expiry');
    expect(system.actor(Z)!.status().state).toBe('running');
    expect((await healthOf(system, Z))?.detail).toContain('ERR_KITE_TOKEN');
    await eventually(async () => (await fillsOf(system, P)).length > paperBefore + 2, 15_000, 'paper keeps filling');
    expect((await healthOf(system, P))?.status).toBe('healthy');
    // Nothing reached Kite's book after the expiry
    expect(rest!.book.orderList().length).toBe(kiteOrdersAtExpiry);
  });
});
