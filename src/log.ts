// Logging: one pino root logger per thread, child loggers per actor ({actor, gen}), secret redaction,
// and logOnce for boundary errors ("counted, logged once", docs/conventions.md §3).
//
// Two formats, chosen once in the main thread (resolveConsole): JSON lines (the default when stdout
// is not a terminal, or LOG_FORMAT=json) and human lines with colours (the default on a terminal,
// or LOG_FORMAT=pretty). The choice is pinned into the environment (LOG_FORMAT, and FORCE_COLOR or
// NO_COLOR), which worker threads and forked children inherit: a worker's stdout is never a TTY, so
// it could not decide for itself. Pretty lines are formatted in the writing thread by pino-pretty's
// synchronous prettyFactory — no pino.transport(), which would spawn one more thread per actor.
// Redaction runs in pino before either format sees a line. Worker threads write to process.stdout:
// SonicBoom on fd 1 throws inside workers, and Node pipes a worker's stdout to the parent.

import { createRequire } from 'node:module';
import { isMainThread, threadId } from 'node:worker_threads';
import pino, { type DestinationStream, type Logger } from 'pino';
import { CATALOGUE, formatMessage, type ErrorCode, type ErrorDetail } from './errors.js';

/** How log lines are written: JSON lines for machines, or coloured human lines. */
export type LogFormat = 'pretty' | 'json';

/** What a thread prints: the format, and colours (pretty only). */
export interface ConsoleMode {
  readonly format: LogFormat;
  readonly color: boolean;
}

type Env = Record<string, string | undefined>;

const set = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

/**
 * The console mode from the environment and whether stdout is a terminal. LOG_FORMAT (pretty|json,
 * any case) wins; unset (or unrecognised: loadConfig reports that) means pretty on a terminal.
 * Colours follow the no-color.org / FORCE_COLOR conventions, else the terminal. PURE.
 */
export function resolveConsole(env: Readonly<Env>, stdoutIsTTY: boolean): ConsoleMode {
  const raw = (env['LOG_FORMAT'] ?? '').trim().toLowerCase();
  const format: LogFormat = raw === 'json' || raw === 'pretty' ? raw : stdoutIsTTY ? 'pretty' : 'json';
  if (format === 'json') return { format, color: false };
  if (set(env, 'NO_COLOR')) return { format, color: false };
  if (set(env, 'FORCE_COLOR')) return { format, color: env['FORCE_COLOR']!.trim() !== '0' };
  return { format, color: stdoutIsTTY };
}

/** Writes the mode into `env` so threads and processes started later print the same way. */
export function pinConsole(env: Env, mode: ConsoleMode): void {
  env['LOG_FORMAT'] = mode.format;
  if (mode.format === 'pretty' && !set(env, 'NO_COLOR') && !set(env, 'FORCE_COLOR')) env[mode.color ? 'FORCE_COLOR' : 'NO_COLOR'] = '1';
}

/** This thread's console mode: the main thread decides (and pins it), others read what it pinned. */
export function threadConsole(): ConsoleMode {
  if (!isMainThread) return resolveConsole(process.env, false);
  const mode = resolveConsole(process.env, process.stdout.isTTY === true);
  pinConsole(process.env, mode);
  return mode;
}

interface PrettyModule {
  prettyFactory(options: Record<string, unknown>): (line: string) => string;
}

/**
 * A destination that turns each JSON line into a human line and writes it to `out`. pino-pretty
 * is loaded only here (on first use), so JSON-only threads never pay for it.
 */
export function prettyDestination(out: { write(s: string): unknown }, color: boolean): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as PrettyModule;
  const format = pretty.prettyFactory({
    colorize: color,
    translateTime: 'SYS:HH:MM:ss.l',
    // `report`: the machine-readable copy of a message that already says it in words (a replay job's report)
    ignore: 'pid,hostname,thread,actor,gen,report',
    messageFormat: '{if actor}{actor}: {end}{msg}',
    errorLikeObjectKeys: ['err', 'error'],
    // One line per entry, fields as compact JSON after the message: a console scrolls by fast
    singleLine: true,
  });
  return { write: (line: string) => void out.write(format(line)) };
}

/** What the logger needs from config.app (a structural subset, so tests can pass literals). */
export interface LogSettings {
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly redactKeys?: readonly string[];
}

/** Replacement text for every redacted value. */
export const REDACTED = '[redacted]';

/** Keys always redacted, at the top level and one level down (snake_case as Kite sends them). */
export const SECRET_KEYS: readonly string[] = [
  'apiSecret',
  'api_secret',
  'accessToken',
  'access_token',
  'requestToken',
  'request_token',
  'authorization',
  'token',
  'password',
  'checksum',
];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const segment = (key: string, first: boolean): string => (IDENTIFIER.test(key) ? (first ? key : `.${key}`) : `["${key}"]`);

/**
 * pino redact paths for the built-in and configured keys. A plain key k becomes `k` and `*.k`
 * (top level and one level deep, e.g. headers.authorization); a dotted key is used as given.
 */
export function redactPaths(extraKeys: readonly string[] = []): string[] {
  const paths = new Set<string>(['headers.authorization']);
  for (const key of [...SECRET_KEYS, ...extraKeys]) {
    const parts = key.split('.');
    const dotted = parts.map((p, i) => segment(p, i === 0)).join('');
    paths.add(dotted);
    if (parts.length === 1) paths.add(`*${segment(key, false)}`);
  }
  return [...paths];
}

/**
 * Creates this thread's root logger. With `destination` it writes JSON lines there (tests).
 * Without, it writes to stdout in this thread's console mode (threadConsole): the main thread
 * synchronously to fd 1, a worker thread to process.stdout. JSON lines carry `pid`, `thread` and
 * a string `level`.
 */
export function createRootLogger(app: LogSettings, destination?: DestinationStream): Logger {
  let stream = destination;
  if (stream === undefined) {
    const mode = threadConsole();
    const out = isMainThread ? pino.destination({ dest: 1, sync: true }) : process.stdout;
    stream = mode.format === 'pretty' ? prettyDestination(out, mode.color) : out;
  }
  return pino(
    {
      level: app.logLevel,
      base: { pid: process.pid, thread: threadId },
      redact: { paths: redactPaths(app.redactKeys), censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** Child logger of one actor incarnation; every line carries {actor, gen}. */
export function actorLogger(root: Logger, actorName: string, gen: number): Logger {
  return root.child({ actor: actorName, gen });
}

/** Flushes buffered lines; resolves on the callback or after timeoutMs (pino #2481: it may never call back). */
export function flushLogger(logger: Logger, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    try {
      logger.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** Outcome of a logOnce call. */
export interface LogOnceOutcome {
  /** True when this call wrote the line (first occurrence of the key). */
  readonly logged: boolean;
  /** Occurrences of the key so far, this one included. */
  readonly count: number;
}

/** Default bound on remembered keys per logger. */
export const LOG_ONCE_MAX_KEYS = 1000;

/**
 * Logs each key at most once and counts every occurrence. Memory is bounded: past `maxKeys`
 * the oldest key is forgotten (it would be logged again if it recurs), never the newest.
 */
export class LogOnce {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly maxKeys: number = LOG_ONCE_MAX_KEYS,
  ) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`LogOnce: expected maxKeys >= 1, was ${maxKeys}`);
  }

  /** Records one occurrence of `code` under `key` (default: the code) and logs it if it is new. */
  log(code: ErrorCode, detail: ErrorDetail = {}, key: string = code): LogOnceOutcome {
    const prior = this.seen.get(key);
    if (prior !== undefined) {
      this.seen.set(key, prior + 1);
      return { logged: false, count: prior + 1 };
    }
    if (this.seen.size >= this.maxKeys) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
    this.seen.set(key, 1);
    const obj = { code, key, detail };
    const msg = `${formatMessage(code, detail)} (repeats are counted, not logged)`;
    // Boundary noise is a warning; failures and refused start-ups are errors; domain outcomes info
    switch (CATALOGUE[code].category) {
      case 'boundary':
        this.logger.warn(obj, msg);
        break;
      case 'failure':
      case 'startup':
        this.logger.error(obj, msg);
        break;
      case 'domain':
        this.logger.info(obj, msg);
        break;
    }
    return { logged: true, count: 1 };
  }

  /** Snapshot of occurrence counts per remembered key (for metrics and summaries). */
  counts(): ReadonlyMap<string, number> {
    return new Map(this.seen);
  }
}

const perLogger = new WeakMap<Logger, LogOnce>();

/** The LogOnce bound to `logger` (created on first use; lives as long as the logger). */
export function logOnceFor(logger: Logger): LogOnce {
  let once = perLogger.get(logger);
  if (once === undefined) {
    once = new LogOnce(logger);
    perLogger.set(logger, once);
  }
  return once;
}

/** Logs `code` at most once per key for this logger, counting repeats (see LogOnce). */
export function logOnce(logger: Logger, code: ErrorCode, detail: ErrorDetail = {}, key: string = code): LogOnceOutcome {
  return logOnceFor(logger).log(code, detail, key);
}

/**
 * Copies a child process's output to `to` in whole lines: a chunk read from a pipe may end inside
 * a line, and writing that part at once would let this process's own log lines cut into it. A
 * trailing unterminated line is written when the source ends.
 */
export function relayLines(from: NodeJS.ReadableStream, to: { write(s: string): unknown }): void {
  let partial = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const text = partial + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    partial = text.slice(cut);
    if (cut > 0) to.write(text.slice(0, cut));
  });
  from.on('end', () => {
    if (partial !== '') to.write(`${partial}\n`);
    partial = '';
  });
}
