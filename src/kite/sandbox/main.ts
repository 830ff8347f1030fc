// `npm run kite-sandbox -- --port P`: a local Kite for trying the zerodha path without an account.
// It starts the sandbox market, its KiteTicker server and the Kite Connect REST sandbox (orders match
// against the same market's ticks), prints on stdout the `KEY=value` lines that point the main job at
// it, and serves until Ctrl-C. `--print-env` prints the same lines and exits at once (they depend only
// on the options: the access token is accepted by both servers from the start), so a shell can
// splice them into a command:
//   env $(npm run -s kite-sandbox -- --port 8765 --print-env) BROKERS__ACTIVE=paper,zerodha npm start
// while `npm run kite-sandbox -- --port 8765` runs in another terminal.
import { cliArgs, EXIT_USAGE, type CliSpec } from '../../cli.js';
import { realClock } from '../../runtime/clock.js';
import { createSandboxMarket, DEFAULT_SANDBOX_INSTRUMENTS, loadSandboxInstruments, startSandboxMarket } from './market.js';
import { marketPriceSource } from './price-source.js';
import { startRestSandbox } from './rest-server.js';
import { orderUpdatesTo, startKiteTickerServer } from './ticker-server.js';

const SANDBOX_CLI = {
  command: 'npm run kite-sandbox --',
  summary: 'A local Kite (KiteTicker WebSocket + Kite Connect REST) streaming a seeded synthetic market; prints the env lines for the main job.',
  options: {
    port: { type: 'string', arg: '<P>', help: 'ticker port (default 8765)' },
    'rest-port': { type: 'string', arg: '<P>', help: 'Kite Connect REST port (default: ticker port + 1)' },
    host: { type: 'string', arg: '<addr>', help: 'listen address (default 127.0.0.1)' },
    'print-env': { type: 'boolean', help: 'print the KEY=value lines and exit without serving' },
    seed: { type: 'string', arg: '<s>', help: 'seed of the price paths (default kite-sandbox)' },
    instruments: { type: 'string', arg: '<file>', help: 'instruments file (default src/defaults/instruments.csv)' },
    'step-ms': { type: 'string', arg: '<ms>', help: 'market step period: every instrument ticks once per step (default 500)' },
    'api-key': { type: 'string', arg: '<key>', help: 'the api_key the sandbox accepts (default kite-sandbox-key)' },
    'access-token': { type: 'string', arg: '<token>', help: 'the access_token the sandbox accepts (default kite-sandbox-token)' },
    'api-secret': { type: 'string', arg: '<secret>', help: 'the api_secret of the login checksum (default kite-sandbox-secret)' },
  },
  notes: 'Stop it with Ctrl-C. Status lines go to stderr; stdout carries only the KEY=value lines.',
} as const satisfies CliSpec;

const positiveInt = (name: string, raw: string | undefined, fallback: number, max: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    process.stderr.write(`ERR_CONFIG_INVALID: --${name}: expected an integer in 1..${max}, was "${raw}"\n`);
    process.exit(EXIT_USAGE);
  }
  return n;
};

async function main(): Promise<void> {
  const args = cliArgs(SANDBOX_CLI);
  if (args === undefined) return;
  const port = positiveInt('port', args.port, 8765, 65_535);
  const host = args.host ?? '127.0.0.1';
  const apiKey = args['api-key'] ?? 'kite-sandbox-key';
  const accessToken = args['access-token'] ?? 'kite-sandbox-token';
  const apiSecret = args['api-secret'] ?? 'kite-sandbox-secret';
  if (args['rest-port'] === undefined && port === 65_535) {
    process.stderr.write('ERR_CONFIG_INVALID: --rest-port: the default (ticker port + 1) is out of range; pass --rest-port\n');
    process.exit(EXIT_USAGE);
  }
  const restPort = positiveInt('rest-port', args['rest-port'], port + 1, 65_535);
  const env = [
    'MARKET_FEED__SOURCE=kite',
    `ZERODHA__TICKER_URL=ws://${host}:${port}/`,
    `ZERODHA__REST_ROOT=http://127.0.0.1:${restPort}`,
    `ZERODHA__API_KEY=${apiKey}`,
    `ZERODHA__API_SECRET=${apiSecret}`,
    `ZERODHA__ACCESS_TOKEN=${accessToken}`,
    // Lets BROKERS__ACTIVE=paper,zerodha trade zerodha orders; with BROKERS__ACTIVE=paper it changes nothing
    'ZERODHA__ENABLED=true',
  ];
  if (args['print-env'] === true) {
    process.stdout.write(`${env.join('\n')}\n`);
    return;
  }
  const stepMs = positiveInt('step-ms', args['step-ms'], 500, 60_000);
  const file = args.instruments ?? DEFAULT_SANDBOX_INSTRUMENTS;
  const market = createSandboxMarket({ instruments: loadSandboxInstruments(file), seed: args.seed ?? 'kite-sandbox' });
  const ticker = await startKiteTickerServer({ market, host, port, authorize: (k, t) => k === apiKey && t === accessToken });
  // The REST sandbox listens on 127.0.0.1 only (it accepts orders); its instruments are the market's
  const rest = await startRestSandbox({
    prices: marketPriceSource(market),
    instruments: market.instruments(),
    port: restPort,
    apiKey,
    apiSecret,
    accessTokens: [accessToken],
    // Order changes reach the main job's market feed as ticker `order` messages, as on Kite
    onOrderUpdate: orderUpdatesTo(ticker, apiKey, apiSecret),
  });
  const stopMarket = startSandboxMarket(market, realClock, stepMs);
  process.stdout.write(`${env.join('\n')}\n`);
  process.stderr.write(
    `kite-sandbox: KiteTicker on ${ticker.url}, Kite Connect REST on ${rest.url}, ${market.instruments().length} instruments from ${file}, a step every ${stepMs} ms\n`,
  );
  const shutdown = (): void => {
    stopMarket();
    void Promise.all([ticker.close(), rest.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`kite-sandbox: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
