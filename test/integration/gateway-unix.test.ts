// The gateway's local endpoint against the real gateway process: the same API on a Unix-domain
// socket beside the port (REST and the WebSocket stream, tokens checked as on the port), the
// socket file owner-only; after a SIGKILL the restarted gateway replaces the stale file and the
// SDK, connected through it, reconnects and resubscribes; a stop removes the file.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamClient, type ClientTick } from '../../src/client/index.js';
import { startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';
import { eventually, tempDir } from '../support/system.js';
import { projectRoot } from '../../src/runtime/system.js';

let h: Harness;
let path: string;
beforeAll(async () => {
  h = await startHarness({ gateway: { port: 0, unixSocket: 'gw.sock' } });
  path = ((await h.system.process('gateway')!.call('address', null)) as { unixSocket: string }).unixSocket;
});
afterAll(async () => {
  await h?.stop();
});

function get(route: string, token?: string, socketPath = path): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: route, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function emit(token: number, from: number, n: number): Promise<void> {
  const ticks = Array.from({ length: n }, (_, k) => ({ token, ltp: from + k, exchangeTs: Date.now() }));
  await h.system.actor('ticks')!.control()!.call('emit', ticks);
}

describe('gateway on a Unix socket', () => {
  it('serves the API there, owner-only, with the same tokens as the port', async () => {
    expect(path.endsWith('/gw.sock')).toBe(true);
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect((await get('/health')).status).toBe(200);
    expect((await get('/api/v1/positions')).status).toBe(401);
    expect((await get('/api/v1/positions', TOKENS.reader)).status).toBe(200);
  });

  it('streams every tick in order to the SDK through it, and survives a gateway SIGKILL (stale socket replaced)', async () => {
    const client = new StreamClient({ url: `ws+unix://${path}:/ws`, token: TOKENS.reader, WebSocket, backoff: { initialMs: 50, maxMs: 500 } });
    const ticks: ClientTick[] = [];
    let opens = 0;
    client.on('ticks', (e) => ticks.push(...e.ticks));
    client.on('open', () => opens++);
    client.subscribe(['market.ticks'], { tokens: [902], mode: 'every' });
    client.connect();
    await eventually(() => opens === 1, 10_000, 'open over the Unix socket');
    await eventually(async () => {
      await emit(902, 1, 1);
      return ticks.length > 0;
    }, 10_000, 'first tick');
    await emit(902, 100, 300);
    const series = (): number[] => ticks.map((t) => t.ltp).filter((p) => p >= 100 && p < 400);
    await eventually(() => series().length >= 300, 10_000, '300 ticks');
    expect(series()).toEqual(Array.from({ length: 300 }, (_, k) => 100 + k));

    const gw = h.system.process('gateway')!;
    gw.kill9();
    await eventually(() => gw.state === 'running' && gw.gen === 2, 15_000, 'gateway restart');
    // The killed gateway could not remove its socket file; the new one replaced it
    expect(lstatSync(path).isSocket()).toBe(true);
    await eventually(() => opens === 2, 15_000, 'reconnected over the Unix socket');
    const after = ticks.length;
    await eventually(async () => {
      await emit(902, 5000, 1);
      return ticks.length > after;
    }, 10_000, 'ticks after the restart, without a new subscribe');
    client.close();
  });

  it('removes the socket file when the gateway stops', async () => {
    await h.system.stop();
    expect(existsSync(path)).toBe(false);
  });
});

describe('Ctrl-C in a terminal (SIGINT to the whole process group)', () => {
  it('stops the gateway in order: its clients get 1001 going away and the socket file is removed', async () => {
    const dir = tempDir('ap-unix-sigint-');
    try {
      const sock = join(dir.path, 'gw.sock');
      // Its own process group, as a shell gives a foreground job
      const child = spawn(process.execPath, [join(projectRoot(), 'dist/actors/main.js')], {
        cwd: projectRoot(),
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DATA_DIR: dir.path, API__PORT: '0', API__UNIX_SOCKET: 'gw.sock', API__TOKENS: JSON.stringify([{ name: 'r', token: TOKENS.reader, scopes: ['read'] }]), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      await eventually(async () => existsSync(sock) && (await get('/health', undefined, sock).catch(() => ({ status: 0 }))).status === 200, 30_000, 'the gateway on its Unix socket');
      const ws = new WebSocket(`ws+unix://${sock}:/ws?token=${TOKENS.reader}`);
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      expect(await closed).toBe(1001);
      expect(existsSync(sock)).toBe(false);
      expect(stderr).toBe('');
    } finally {
      dir.cleanup();
    }
  });
});
