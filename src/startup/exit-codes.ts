// Exit codes of the main job: one per class of start-up failure, so a service manager or a script
// can tell "fix the config" from "another instance runs" from "the disk" from "the port" without
// parsing logs. README (Operations → exit codes) lists the same table.
import type { ErrorCode } from '../errors.js';

export const EXIT = {
  /** Stopped cleanly (SIGINT/SIGTERM). */
  ok: 0,
  /** An unexpected error: a bug, reported with its stack. */
  internal: 1,
  /** Configuration: config file/env, strategies file, instruments file, replay file, tree, broker. */
  config: 2,
  /** Another instance holds the data dir (ERR_INSTANCE_LOCKED). */
  locked: 3,
  /** The data dir or the LMDB store cannot be created, written or opened, or the store is at its cap. */
  storage: 4,
  /** The API port (or the gateway's Unix socket) is busy or cannot be bound. */
  port: 5,
  /** The NATS server of a cluster node cannot be reached or used (ERR_NATS_UNREACHABLE). */
  nats: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code of a start-up error; every start-up code not named here is a configuration problem. */
export function exitCodeFor(code: ErrorCode): ExitCode {
  switch (code) {
    case 'ERR_INSTANCE_LOCKED':
      return EXIT.locked;
    case 'ERR_DATA_DIR':
    case 'ERR_STORE_UNAVAILABLE':
    case 'ERR_STORE_WRITE':
    case 'ERR_STORE_FULL':
      return EXIT.storage;
    case 'ERR_API_PORT_BUSY':
    case 'ERR_GATEWAY_LISTEN':
    case 'ERR_GATEWAY_UNIX':
      return EXIT.port;
    case 'ERR_NATS_UNREACHABLE':
      return EXIT.nats;
    default:
      return EXIT.config;
  }
}

/**
 * One exit code for several problems found together: the lowest class code wins, so a config
 * problem (the one an operator fixes first) is what a script sees.
 */
export function exitCodeForAll(codes: readonly ErrorCode[]): ExitCode {
  let out: ExitCode | undefined;
  for (const c of codes) {
    const x = exitCodeFor(c);
    if (out === undefined || x < out) out = x;
  }
  return out ?? EXIT.ok;
}
