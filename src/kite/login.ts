// `npm run login`: the Kite Connect login, once a day (Kite tokens expire at 06:00 IST).
// Prints the login URL, takes the redirect URL (or just the request_token) from --request-token or
// one line of stdin, exchanges it for an access token (checksum with the api secret, see
// rest/checksum.ts), and stores the session in LMDB under the auth actor's key, where the next start
// of Alpha Panda finds it. Secrets never reach stdout, stderr or a log line: only the user id, the
// store path and the expiry are printed.
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { cliArgs, type CliSpec } from '../cli.js';
import { formatConfigErrors, loadProcessConfig } from '../config.js';
import { createSession } from '../domain/auth/session.js';
import { isAppError } from '../errors.js';
import { realClock } from '../runtime/clock.js';
import { EXIT } from '../startup/exit-codes.js';
import { K } from '../store/keyspace.js';
import { openStore } from '../store/lmdb.js';
import { requestTokenFrom } from './rest/checksum.js';
import { KiteRestClient } from './rest/client.js';

export const LOGIN_CLI = {
  command: 'npm run login --',
  summary:
    'Logs in to Kite Connect: prints the login URL, takes the redirect URL (or the request_token) you\n' +
    'land on after logging in, exchanges it for an access token and stores the session in the data\n' +
    'dir for the zerodha broker. Needs ZERODHA__API_KEY and ZERODHA__API_SECRET.',
  options: {
    config: { type: 'string', arg: '<file>', help: 'config file, JSON or YAML (as npm start)' },
    'request-token': { type: 'string', arg: '<url|token>', help: 'the redirect URL or request_token (otherwise read from stdin)' },
  },
  notes:
    'environment:\n' +
    '  ZERODHA__API_KEY, ZERODHA__API_SECRET   your Kite Connect app\n' +
    '  ZERODHA__REST_ROOT, ZERODHA__LOGIN_ROOT  default https://api.kite.trade, https://kite.zerodha.com\n' +
    'A session stored while Alpha Panda runs is picked up at its next start.',
} as const satisfies CliSpec;

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(line: string, code: number): number {
  process.stderr.write(`${line}\n`);
  return code;
}

/** One line of stdin (undefined on end of input). */
function readLine(prompt: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
    let answered = false;
    process.stderr.write(prompt);
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}

export async function login(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const args = cliArgs(LOGIN_CLI, argv);
  if (args === undefined) return Number(process.exitCode ?? 0);
  const loaded = loadProcessConfig({ argv: args.config !== undefined ? ['--config', args.config] : [], env: process.env, cwd: process.cwd() });
  if (!loaded.ok) return fail(`ERR_CONFIG_INVALID: ${loaded.error.length} configuration error(s):\n${formatConfigErrors(loaded.error)}`, EXIT.config);
  const config = loaded.value;
  const { apiKey, apiSecret, restRoot, loginRoot } = config.zerodha;
  const missing = [apiKey === undefined ? 'ZERODHA__API_KEY' : '', apiSecret === undefined ? 'ZERODHA__API_SECRET' : ''].filter((s) => s !== '');
  if (apiKey === undefined || apiSecret === undefined) {
    return fail(`ERR_CONFIG_INVALID: npm run login needs ${missing.join(' and ')} (your Kite Connect app's key and secret)`, EXIT.config);
  }

  const kite = new KiteRestClient({ apiKey, root: restRoot, loginRoot, maxAttempts: 1 });
  out('Open this URL in a browser and log in to Kite:');
  out(`  ${kite.loginUrl()}`);
  const pasted = args['request-token'] ?? (await readLine('Then paste the URL you were redirected to (or the request_token): '));
  const requestToken = pasted === undefined ? undefined : requestTokenFrom(pasted);
  if (requestToken === undefined) {
    return fail('ERR_KITE_BAD_ARGUMENT: expected the redirect URL with ?request_token=...&status=success, or the request_token itself', EXIT.config);
  }

  let userId: string;
  let accessToken: string;
  try {
    const session = await kite.generateSession(requestToken, apiSecret);
    userId = session.userId;
    accessToken = session.accessToken;
  } catch (e) {
    // Catalogued errors carry Kite's message and the route, never a token or the secret
    if (isAppError(e)) return fail(`${e.code}: ${e.message}`, EXIT.internal);
    throw e;
  }

  const path = config.store.path;
  const db = openStore({ path, durability: 'strict' });
  try {
    const record = createSession({ apiKey, accessToken, userId }, realClock.nowMs());
    await db.put(K.session('zerodha'), record);
    await db.flushed;
    out(`Logged in to Kite as ${userId}. Session stored in ${path}; it expires at ${new Date(record.expiresAt).toISOString()} (06:00 IST).`);
  } finally {
    await db.close();
  }
  return EXIT.ok;
}

// Run when started as a script (npm run login), not when imported by a test
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  login().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`login failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
