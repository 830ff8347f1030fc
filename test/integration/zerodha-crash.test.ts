// Crash during order submit on the REAL main job (`node dist/actors/main.js`, split topology, paper +
// zerodha on the sandbox Kite). The sandbox books placements but holds their answers back, and the
// whole process is SIGKILLed while at least one placement is booked at Kite and unanswered. Then the
// job restarts on the same LMDB and reconciles with Kite BEFORE it sends anything: at the end every
// order of ours exists exactly once at the sandbox (by tag) and once in our book, every sandbox
// trade is exactly one fill in the zerodha log, and the order histories are legal.
// Build first: npx tsc -p tsconfig.build.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxMarket, loadSandboxInstruments } from '../../src/kite/sandbox/market.js';
import { marketPriceSource } from '../../src/kite/sandbox/price-source.js';
import { startRestSandbox, type RestSandbox } from '../../src/kite/sandbox/rest-server.js';
import { startKiteTickerServer, type KiteTickerServer } from '../../src/kite/sandbox/ticker-server.js';
import { orderTag } from '../../src/kite/rest/tag.js';
import { projectRoot } from '../../src/runtime/system.js';
import { eventually, tempDir } from '../support/system.js';
import { orderChecker, readStoreAt } from '../support/checkers.js';
import { MainJob } from '../fixtures/pipeline-harness.js';

const jobs: MainJob[] = [];
const cleanups: (() => void | Promise<void>)[] = [];
let stepper: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(stepper);
  for (const j of jobs.splice(0)) {
    if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
    await j.exited;
  }
  for (const c of cleanups.splice(0)) await c();
});

type KiteOrderRow = { order_id: string; tag: string | null; status: string };
type KiteTradeRow = { trade_id: string; order_id: string };

describe('zerodha: main job SIGKILLed between a placement and its answer', () => {
  it('restarts, reconciles, and every order exists exactly once at Kite and in our book', async () => {
    const market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'zerodha-crash', volatilityBps: 30 });
    const ticker: KiteTickerServer = await startKiteTickerServer({ market, authorize: (k, t) => k === 'k' && t === 't' });
    const rest: RestSandbox = await startRestSandbox({ prices: marketPriceSource(market), instruments: market.instruments(), apiKey: 'k', apiSecret: 's', accessTokens: ['t'] });
    cleanups.push(() => ticker.close(), () => rest.close());
    const dir = tempDir('ap-zcrash-');
    cleanups.push(dir.cleanup);
    const strategies = join(dir.path, 'strategies.yaml');
    writeFileSync(
      strategies,
      'version: 1\nstrategies:\n  - id: live_momo\n    type: momentum\n    broker: zerodha\n    instruments: [408065, 738561, 81153, 1270529]\n' +
        '    params:\n      lookback_periods: 5\n      threshold: 0.001\n      position_size: 2\n',
    );
    const env = {
      DATA_DIR: dir.path,
      API__ENABLED: 'false',
      LOG_LEVEL: 'warn',
      MARKET_FEED__SOURCE: 'kite',
      MARKET_FEED__MARKET_24X7: 'true',
      BROKERS__ACTIVE: 'paper,zerodha',
      ZERODHA__ENABLED: 'true',
      RUNTIME__TOPOLOGY: 'split',
      ZERODHA__TICKER_URL: ticker.url,
      ZERODHA__REST_ROOT: rest.url,
      ZERODHA__API_KEY: 'k',
      ZERODHA__API_SECRET: 's',
      ZERODHA__ACCESS_TOKEN: 't',
      RISK__MAX_DAILY_TRADES: '100000',
      STRATEGIES__FILE: strategies,
    };
    const kiteOrders = (): KiteOrderRow[] => rest.book.orderList() as KiteOrderRow[];
    stepper = setInterval(() => market.step(Date.now()), 25);

    const first = new MainJob(projectRoot(), env);
    jobs.push(first);
    await eventually(() => kiteOrders().length >= 2 || first.child.exitCode !== null, 30_000, 'zerodha orders at the sandbox');
    expect(first.child.exitCode, first.stderr).toBeNull();
    // From now on Kite books every placement but answers only after 3 s: kill inside that window
    rest.faults.delayMs = 3000;
    const booked = kiteOrders().length;
    await eventually(() => kiteOrders().length > booked, 15_000, 'a placement booked and not yet answered');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    rest.faults.delayMs = 0;

    const before = await readStoreAt(join(dir.path, 'lmdb'), 'zerodha');
    const unanswered = kiteOrders().filter((k) => {
      const o = before.orders.find((x) => x.orderId === k.tag);
      return o !== undefined && o.status === 'Submitted';
    });
    // The crash window was hit: Kite has orders whose acknowledgement we never recorded
    expect(unanswered.length).toBeGreaterThan(0);

    const second = new MainJob(projectRoot(), env);
    jobs.push(second);
    // Trade on a while, then freeze the market and let the last answers and trades arrive
    const atRestart = kiteOrders().length;
    await eventually(() => kiteOrders().length >= atRestart + 2 || second.child.exitCode !== null, 30_000, 'new orders after the restart');
    expect(second.child.exitCode, second.stderr).toBeNull();
    clearInterval(stepper);
    // The client paces placements under Kite's limits: wait until the sandbox book stops growing
    let last = -1;
    let stableSince = Date.now();
    await eventually(() => {
      const n = kiteOrders().length;
      if (n !== last) {
        last = n;
        stableSince = Date.now();
      }
      return Date.now() - stableSince > 2000;
    }, 30_000, 'every placement sent');
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const dump = await readStoreAt(join(dir.path, 'lmdb'), 'zerodha');
    const sent = dump.orders.filter((o) => o.status !== 'Rejected');
    const orders = kiteOrders();
    // Exactly once at Kite per tag, and exactly the orders of our book
    const tags = orders.map((o) => o.tag);
    expect(new Set(tags).size).toBe(tags.length);
    expect([...tags].sort()).toEqual(sent.map((o) => o.orderId).sort());
    // The unanswered orders were adopted, not re-sent
    for (const u of unanswered) expect(dump.orders.find((o) => o.orderId === u.tag)!.status).not.toBe('Submitted');
    // Every sandbox trade is one fill, once
    const trades = rest.book.trades() as KiteTradeRow[];
    expect(dump.fills.map((f) => f.tradeId).sort()).toEqual(trades.map((t) => t.trade_id).sort());
    // (fillSetChecker expects the paper venue's tradeIds; Kite's trade ids are checked above)
    expect(dump.fills.map((f) => f.fillSeq)).toEqual(dump.fills.map((_, i) => i + 1));
    for (const f of dump.fills) expect(dump.orders.find((o) => o.orderId === f.orderId)?.filledQty).toBeGreaterThanOrEqual(f.quantity);
    // Legal histories, one order per signal key; a zerodha order's id is its Kite tag, not the paper id form
    expect(orderChecker(dump.orders).filter((p) => !p.includes(': expected id zerodha-'))).toEqual([]);
    for (const o of dump.orders) expect(o.orderId).toBe(orderTag(o.signalKey));
  });
});
