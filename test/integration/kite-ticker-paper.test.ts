// Paper trading on live ticks is one setting: the REAL pipeline tree (actors/tree.ts, real config
// loader with MARKET_FEED__SOURCE=kite, real workers and LMDB) on the sandbox KiteTicker turns its
// ticks into signals and paper fills, on the sandbox's instruments, at prices near the sandbox's
// last prices. Build first: npx tsc -p tsconfig.build.json (workers run dist/).
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxMarket, loadSandboxInstruments } from '../../src/kite/sandbox/market.js';
import { startKiteTickerServer, type KiteTickerServer } from '../../src/kite/sandbox/ticker-server.js';
import type { MarketFeedSnapshot } from '../../src/protocol/market-feed.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually } from '../support/system.js';
import { engineFills, snap } from '../fixtures/pipeline-harness.js';

let handle: (PipelineHandle & { cleanup: () => void }) | undefined;
let server: KiteTickerServer | undefined;
let stepper: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(stepper);
  await handle?.stop();
  handle?.cleanup();
  handle = undefined;
  await server?.close();
  server = undefined;
});

describe('paper trading on live KiteTicker ticks', () => {
  it('trades the sandbox stream through the whole pipeline', async () => {
    const market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'paper-on-live', volatilityBps: 30 });
    server = await startKiteTickerServer({ market, authorize: (k, t) => k === 'k' && t === 't' });
    stepper = setInterval(() => market.step(Date.now()), 20);
    handle = await startPipeline({
      MARKET_FEED__SOURCE: 'kite',
      ZERODHA__TICKER_URL: server.url,
      ZERODHA__API_KEY: 'k',
      ZERODHA__ACCESS_TOKEN: 't',
      MARKET_FEED__MARKET_24X7: 'true',
      RISK__MAX_DAILY_TRADES: '100000',
    });
    const system = handle.system;
    await eventually(async () => (await engineFills(system)).length >= 3, 30_000, 'paper fills on sandbox ticks');
    const fills = await engineFills(system);
    const tokens = new Set(market.instruments().filter((i) => i.tradable).map((i) => i.token));
    for (const f of fills) {
      expect(f.broker).toBe('paper');
      expect(tokens.has(f.token)).toBe(true);
      // Slippage and the walk's moves since the fill keep it near, not equal to, the last price
      const last = market.lastPrice(f.token)!;
      expect(Math.abs(f.price - last)).toBeLessThan(last * 0.2);
    }
    const feed = await snap<MarketFeedSnapshot>(system, 'market-feed');
    expect(feed).toMatchObject({ source: 'kite', dropped: 0, kite: { malformed: 0 } });
    expect(feed.kite!.connections).toEqual([expect.objectContaining({ state: 'open', tokens: 20, opened: 1 })]);
  });
});
