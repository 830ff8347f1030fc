// The gateway's local endpoint: the same app (WebSocket stream, REST, dashboard files) on a
// Unix-domain socket beside the TCP port, for programs on the same host. A send on it skips the
// kernel's TCP/IP path, which is most of a loopback send's cost (BENCHMARKS.md, ws-fanout: the
// server's CPU per delivered tick falls by more than half). Tokens are checked as on the port; the socket file is
// created owner-only (0600), so other users of the host cannot even connect.
//
// The path may be left over from a run that was killed: a socket file nobody listens on is stale
// and is replaced. uSockets unlinks whatever is at the path before it binds, so the check below,
// made first, is what keeps a live listener of another process and a file that is not a socket
// untouched: the start is refused with ERR_GATEWAY_UNIX instead.
import { chmodSync, lstatSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';

/** sun_path holds 108 bytes on Linux, the terminating NUL included. */
export const MAX_UNIX_PATH_BYTES = 107;

/** The configured path, relative ones under the data directory; null when the endpoint is off. */
export function unixSocketPath(configured: string | undefined, dataDir: string): string | null {
  if (configured === undefined) return null;
  return isAbsolute(configured) ? configured : join(dataDir, configured);
}

/** Whether a process accepts connections on the socket at `path` (the answer within 1 s). */
function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    const done = (live: boolean): void => {
      s.destroy();
      resolve(live);
    };
    s.setTimeout(1000, () => done(true)); // accepted into a backlog nobody drains: still someone's
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Why `path` cannot take the endpoint, or null when it can (nothing there, or a stale socket the
 * listen will replace). Read-only: the preflight asks it, and the gateway again right before it
 * listens.
 */
export async function unixPathProblem(path: string): Promise<string | null> {
  if (Buffer.byteLength(path) > MAX_UNIX_PATH_BYTES) return `the path is ${Buffer.byteLength(path)} bytes long; a Unix socket path holds at most ${MAX_UNIX_PATH_BYTES}`;
  try {
    if (!statSync(dirname(path)).isDirectory()) return `${dirname(path)} is not a directory`;
  } catch {
    return `the directory ${dirname(path)} does not exist`;
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return null; // nothing there
  }
  if (!isSocket) return 'a file that is not a socket is in the way';
  return (await listening(path)) ? 'another process is listening on it' : null;
}

/**
 * Runs `listen` (which creates the socket file at `path`) so that the file is owner-only: under a
 * umask that creates it so, where the process may set one (not in a worker thread), and chmod
 * after in any case.
 */
export function listenOwnerOnly<T>(path: string, listen: () => T): T {
  let before: number | undefined;
  try {
    before = process.umask(0o177);
  } catch {
    // worker threads cannot change the umask; under the usual 022 nobody but the owner has the
    // write permission a connect needs, and the chmod below makes the file 0600 all the same
  }
  try {
    return listen();
  } finally {
    if (before !== undefined) process.umask(before);
    try {
      chmodSync(path, 0o600);
    } catch {
      // listen failed: no file to protect
    }
  }
}
