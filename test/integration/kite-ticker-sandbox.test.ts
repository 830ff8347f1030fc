// `npm run kite-sandbox` as a real child process (dist/src/kite/sandbox/main.js): --print-env prints
// the env lines and exits; serving, it prints the same lines, streams ticks to a client that uses
// them, and exits 0 on SIGTERM. Build first: npx tsc -p tsconfig.build.json
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseKiteFrame } from '../../src/kite/ticker/frame.js';
import { newMutableTick } from '../../src/protocol/tick-record.js';
import { projectRoot } from '../../src/runtime/system.js';
import { freePort } from '../../bench/harness/net.js';

const MAIN = 'dist/src/kite/sandbox/main.js';
const cwd = projectRoot();
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});


const envOf = (text: string): Record<string, string> =>
  Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('npm run kite-sandbox', () => {
  it('--print-env prints the lines that point the main job at it, and exits 0', () => {
    const r = spawnSync(process.execPath, [MAIN, '--port', '9876', '--print-env'], { cwd, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(envOf(r.stdout)).toEqual({
      MARKET_FEED__SOURCE: 'kite',
      ZERODHA__TICKER_URL: 'ws://127.0.0.1:9876/',
      ZERODHA__REST_ROOT: 'http://127.0.0.1:9877',
      ZERODHA__API_KEY: 'kite-sandbox-key',
      ZERODHA__API_SECRET: 'kite-sandbox-secret',
      ZERODHA__ACCESS_TOKEN: 'kite-sandbox-token',
      ZERODHA__ENABLED: 'true',
    });
    const bad = spawnSync(process.execPath, [MAIN, '--port', '0'], { cwd, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ERR_CONFIG_INVALID: --port');
  });

  it('serves ticks to a client using the printed lines and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const restPort = await freePort();
    const child = spawn(process.execPath, [MAIN, '--port', String(port), '--rest-port', String(restPort), '--step-ms', '50'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += String(d)));
    const deadline = Date.now() + 15_000;
    while (out.split('\n').length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const env = envOf(out);
    expect(Object.keys(env)).toHaveLength(7);
    // The printed session is valid at the REST sandbox too, which quotes the ticker's market
    const auth = { 'X-Kite-Version': '3', Authorization: `token ${env['ZERODHA__API_KEY']}:${env['ZERODHA__ACCESS_TOKEN']}` };
    const profile = await fetch(`${env['ZERODHA__REST_ROOT']}/user/profile`, { headers: auth });
    expect(profile.status).toBe(200);
    const url = new URL(env['ZERODHA__TICKER_URL']!);
    url.searchParams.set('api_key', env['ZERODHA__API_KEY']!);
    url.searchParams.set('access_token', env['ZERODHA__ACCESS_TOKEN']!);
    const ws = new WebSocket(url);
    const ltps: number[] = [];
    const tick = newMutableTick();
    ws.on('message', (d: Buffer, isBinary: boolean) => {
      if (isBinary) parseKiteFrame(new Uint8Array(d), tick, { packet: (t) => ltps.push(t.ltp), error: () => undefined });
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ a: 'subscribe', v: [408065] }));
    while (ltps.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ltps.length).toBeGreaterThanOrEqual(3);
    expect(ltps.every((p) => Number.isSafeInteger(p) && p > 0)).toBe(true);
    ws.terminate();
    const code = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    child.kill('SIGTERM');
    expect(await code).toBe(0);
  });
});
