// `npm run login` as a real child process (the compiled dist/src/kite/login.js) against the REST
// sandbox on 127.0.0.1: it prints the login URL, takes the redirect URL from --request-token or from
// stdin, stores the session in a real LMDB under the auth actor's key, and never prints the access
// token, the api secret or the request token's exchange result. Bad input is a clear error.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualPriceSource } from '../../src/kite/sandbox/price-source.js';
import { startRestSandbox, type RestSandbox } from '../../src/kite/sandbox/rest-server.js';
import { projectRoot } from '../../src/runtime/system.js';
import { openStore } from '../../src/store/lmdb.js';
import { K } from '../../src/store/keyspace.js';
import { decodeSession, type BrokerSession } from '../../src/domain/auth/session.js';
import { tempDir } from '../support/system.js';

const LOGIN = join(projectRoot(), 'dist/src/kite/login.js');

let sandbox: RestSandbox | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  for (const c of cleanups.splice(0)) c();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the login CLI; `stdinLine` is written once the login URL has been printed. */
function runLogin(args: string[], env: Record<string, string>, stdinLine?: (stdout: string) => Promise<string | undefined>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOGIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', LOG_FORMAT: 'json', ...env },
      cwd: env['APP__DATA_DIR'],
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && stdinLine !== undefined && stdout.includes('/connect/login')) {
        sent = true;
        stdinLine(stdout).then(
          (line) => (line === undefined ? child.stdin.end() : child.stdin.end(`${line}\n`)),
          reject,
        );
      }
    });
    if (stdinLine === undefined) child.stdin.end();
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function storedSession(dataDir: string): BrokerSession | undefined {
  const db = openStore({ path: join(dataDir, 'lmdb'), durability: 'overlapping' });
  try {
    const raw = db.get(K.session('zerodha'));
    if (raw === undefined) return undefined;
    const s = decodeSession(raw, 'auth/zerodha');
    return s.ok ? s.value : undefined;
  } finally {
    void db.close();
  }
}

async function setup(): Promise<{ sb: RestSandbox; env: Record<string, string>; dataDir: string }> {
  sandbox = await startRestSandbox({ prices: new ManualPriceSource() });
  const dir = tempDir('ap-kite-login-');
  cleanups.push(dir.cleanup);
  const env = {
    APP__DATA_DIR: dir.path,
    ZERODHA__API_KEY: sandbox.apiKey,
    ZERODHA__API_SECRET: sandbox.apiSecret,
    ZERODHA__REST_ROOT: sandbox.url,
    ZERODHA__LOGIN_ROOT: sandbox.url,
  };
  return { sb: sandbox, env, dataDir: dir.path };
}

/** What a browser does with the printed URL: follow the login page to its redirect. */
async function redirectFor(stdout: string): Promise<string> {
  const url = /(http:\/\/127\.0\.0\.1:\d+\/connect\/login\S*)/.exec(stdout)![1]!;
  const res = await fetch(url, { redirect: 'manual' });
  return res.headers.get('location')!;
}

describe('npm run login', () => {
  it('with --request-token: stores the session, prints no secret', async () => {
    const { sb, env, dataDir } = await setup();
    const probe = await runLogin(['--help'], env);
    expect(probe.code).toBe(0);
    expect(probe.stdout).toContain('--request-token');
    const redirect = (await fetch(`${sb.url}/connect/login?v=3&api_key=${sb.apiKey}`, { redirect: 'manual' })).headers.get('location')!;
    const run = await runLogin(['--request-token', redirect], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${sb.url}/connect/login?v=3&api_key=${sb.apiKey}`);
    expect(run.stdout).toMatch(/Logged in to Kite as AP0001\. Session stored in .*lmdb/);
    const session = storedSession(dataDir)!;
    expect(session).toMatchObject({ apiKey: sb.apiKey, userId: 'AP0001' });
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    expect(session.accessToken).toMatch(/^[0-9a-f]{32}$/);
    for (const secret of [session.accessToken, sb.apiSecret]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('from stdin: the pasted redirect URL; a bad paste and a spent token are clear errors', async () => {
    const { env, dataDir } = await setup();
    const run = await runLogin([], env, () => Promise.resolve(undefined));
    // stdin closed without a line: usage-class error, nothing stored
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ERR_KITE_BAD_ARGUMENT');
    expect(storedSession(dataDir)).toBeUndefined();

    // A real paste: the child prints the URL, the "browser" follows it, the redirect goes to stdin
    let redirect = '';
    const ok = await runLogin([], env, async (stdout) => {
      redirect = await redirectFor(stdout);
      return redirect;
    });
    expect(ok.code).toBe(0);
    expect(storedSession(dataDir)?.userId).toBe('AP0001');
    // The same request token twice: Kite's TokenException, exit 1
    const again = await runLogin(['--request-token', redirect], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^ERR_KITE_TOKEN: .*Token is invalid or has expired/m);
  });

  it('without the api secret: a configuration error naming what is missing', async () => {
    const { env } = await setup();
    const { ZERODHA__API_SECRET: _omit, ...rest } = env;
    const run = await runLogin(['--request-token', 'abc'], rest);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ZERODHA__API_SECRET');
  });
});
