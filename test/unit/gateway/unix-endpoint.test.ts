// The local endpoint's path rules (src/gateway/unix-endpoint.ts) on real files and sockets: a
// stale socket of a killed process is replaced, a live listener and a file that is not a socket
// are never touched, and a path the kernel cannot bind is refused before anything starts.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenOwnerOnly, MAX_UNIX_PATH_BYTES, unixPathProblem, unixSocketPath } from '../../../src/gateway/unix-endpoint.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ap-unix-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A socket file whose listener was SIGKILLed: nothing accepts on it any more. */
function staleSocket(path: string): void {
  const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
  try {
    execFileSync(process.execPath, ['-e', script], { stdio: 'ignore' });
  } catch {
    // killed, as intended
  }
}

describe('local endpoint path', () => {
  it('is off when unset; a relative path lives under the data directory', () => {
    expect(unixSocketPath(undefined, '/data')).toBeNull();
    expect(unixSocketPath('gw.sock', '/data')).toBe('/data/gw.sock');
    expect(unixSocketPath('/run/alpha/gw.sock', '/data')).toBe('/run/alpha/gw.sock');
  });

  it('accepts a free path, and a stale socket left by a killed process (the listen replaces it)', async () => {
    const path = join(dir, 'gw.sock');
    expect(await unixPathProblem(path)).toBeNull();
    staleSocket(path);
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(await unixPathProblem(path)).toBeNull();
    expect(existsSync(path)).toBe(true); // the check changes nothing
  });

  it('refuses a live listener and a file that is not a socket, and leaves both alone', async () => {
    const live = join(dir, 'live.sock');
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(live, r));
    try {
      expect(await unixPathProblem(live)).toMatch(/another process is listening/);
      expect(lstatSync(live).isSocket()).toBe(true);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me');
    expect(await unixPathProblem(file)).toMatch(/not a socket/);
    expect(lstatSync(file).isFile()).toBe(true);
  });

  it('refuses a missing directory and a path longer than the kernel binds', async () => {
    expect(await unixPathProblem(join(dir, 'no', 'such', 'gw.sock'))).toMatch(/does not exist/);
    const long = join(dir, 'x'.repeat(MAX_UNIX_PATH_BYTES));
    expect(await unixPathProblem(long)).toMatch(/at most 107/);
  });

  it('creates the socket owner-only', async () => {
    const path = join(dir, 'gw.sock');
    const server = createServer();
    await listenOwnerOnly(path, () => new Promise<void>((r) => server.listen(path, r)));
    try {
      expect(lstatSync(path).mode & 0o777).toBe(0o600);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
