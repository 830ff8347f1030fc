// A whole local Kite in one call, for tests and benchmarks that run the zerodha path: one seeded
// sandbox market, its KiteTicker server and the REST sandbox matching orders against the same market
// and streaming their changes to the ticker as `order` messages (as `npm run kite-sandbox` does), plus
// the config env that points the main job at it. The caller steps the market (market.step).
import type { Clock } from '../../runtime/clock.js';
import { createSandboxMarket, loadSandboxInstruments, type SandboxMarket } from './market.js';
import { marketPriceSource } from './price-source.js';
import { startRestSandbox, type RestSandbox } from './rest-server.js';
import { orderUpdatesTo, startKiteTickerServer, type KiteTickerServer } from './ticker-server.js';

export interface LocalKiteOptions {
  readonly seed: string;
  readonly volatilityBps?: number;
  /** The REST sandbox's clock (order timestamps, rate limits, dailyExpiry). */
  readonly clock?: Clock;
  /** Tokens expire at 06:00 IST on `clock` (see RestSandboxOptions.dailyExpiry). */
  readonly dailyExpiry?: boolean;
  /** Sees every order change of the REST book before it goes out on the ticker. */
  readonly onOrderUpdate?: (wire: Record<string, unknown>) => void;
}

export interface LocalKite {
  readonly market: SandboxMarket;
  readonly ticker: KiteTickerServer;
  readonly rest: RestSandbox;
  /** Config env of the main job: kite feed, paper and zerodha active (split topology), 24x7 market. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const API_KEY = 'k';
const API_SECRET = 's';
const ACCESS_TOKEN = 't';

export async function startLocalKite(opts: LocalKiteOptions): Promise<LocalKite> {
  const market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: opts.seed, ...(opts.volatilityBps !== undefined ? { volatilityBps: opts.volatilityBps } : {}) });
  const ticker = await startKiteTickerServer({ market, authorize: (k, t) => k === API_KEY && t === ACCESS_TOKEN });
  const updates = orderUpdatesTo(ticker, API_KEY, API_SECRET);
  const rest = await startRestSandbox({
    prices: marketPriceSource(market),
    instruments: market.instruments(),
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    accessTokens: [ACCESS_TOKEN],
    ...(opts.clock !== undefined ? { clock: opts.clock } : {}),
    ...(opts.dailyExpiry !== undefined ? { dailyExpiry: opts.dailyExpiry } : {}),
    onOrderUpdate: (wire) => {
      opts.onOrderUpdate?.(wire);
      updates(wire);
    },
  });
  const env = {
    MARKET_FEED__SOURCE: 'kite',
    BROKERS__ACTIVE: 'paper,zerodha',
    ZERODHA__ENABLED: 'true',
    RUNTIME__TOPOLOGY: 'split',
    ZERODHA__TICKER_URL: ticker.url,
    ZERODHA__REST_ROOT: rest.url,
    ZERODHA__API_KEY: API_KEY,
    ZERODHA__API_SECRET: API_SECRET,
    ZERODHA__ACCESS_TOKEN: ACCESS_TOKEN,
    MARKET_FEED__MARKET_24X7: 'true',
  };
  return {
    market,
    ticker,
    rest,
    env,
    async close() {
      await ticker.close();
      await rest.close();
    },
  };
}
