// Start-up pre-flight: everything the main job can know is wrong before the supervision tree
// starts, found at once and reported together, each with a hint. Without it, a bad strategies
// file, a missing replay file or an unusable store crash their actor at start, the supervisor
// retries it, halts the trading subtree and the process sits HALTED forever; a busy port leaves
// it trading headless. Each check calls the validator the actor itself uses (strategies loader,
// replay file opener, registry/feed instrument loader, store open + probe), so the two cannot
// disagree. HALTED-and-stay-up is left for failures after a successful start.
//
// Order in the main job: config → data dir → instance lock (before anything opens the store) →
// these checks → the tree.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { RootDatabase } from 'lmdb';
import type { AppConfig } from '../config.js';
import { appError, isAppError, type AlphaPandaError } from '../errors.js';
import type { Broker } from '../domain/types.js';
import { loadFeedInstruments } from '../services/feed/instruments.js';
import { openReplayFile } from '../services/feed/replay-source.js';
import { buildRunner, readStrategiesFile } from '../services/strategy/load.js';
import type { StrategyConfig, StrategyConfigError } from '../domain/strategy/index.js';
import { openStore, probeStore } from '../store/lmdb.js';
import { storeUsage } from '../store/cap.js';
import { acquireInstanceLock, LOCK_FILE, type InstanceLock } from './instance-lock.js';
import { unixPathProblem, unixSocketPath } from '../gateway/unix-endpoint.js';

/** One start-up problem and what the operator can do about it. */
export interface StartupProblem {
  readonly error: AlphaPandaError;
  readonly hint: string;
}

export interface PreflightInput {
  readonly config: AppConfig;
  /** Directory relative config paths are resolved against (the actors use process.cwd()). */
  readonly cwd: string;
  /** Brokers that get a trading engine (the tree's tradingBrokers). */
  readonly brokers: readonly Broker[];
  readonly nowMs: () => number;
  /** Whether this process runs the gateway (a cluster node may place it elsewhere); default: gateway.enabled. */
  readonly gatewayHere?: boolean;
}

const problem = (error: AlphaPandaError, hint: string): StartupProblem => ({ error, hint });

/** Wraps an unexpected throw of a check so it is still reported with the others. */
function asAppError(e: unknown, fallback: (reason: string) => AlphaPandaError): AlphaPandaError {
  return isAppError(e) ? e : fallback((e as Error).message ?? String(e));
}

function storePath(config: AppConfig): string {
  return config.store.path ?? join(config.app.dataDir, 'lmdb');
}

/**
 * Creates the data dir and locks `<dataDir>/.lock`, and `<store>/.lock` when the store lives
 * outside the data dir (two instances with different data dirs must not share one store either).
 * Releases what it took if a later lock fails. Throws ERR_INSTANCE_LOCKED, ERR_DATA_DIR (data dir
 * cannot be created or written) or ERR_STORE_UNAVAILABLE (outside store dir cannot be created).
 */
export function lockInstance(config: AppConfig): InstanceLock[] {
  const dataDir = resolve(config.app.dataDir);
  const store = resolve(storePath(config));
  const rel = relative(dataDir, store);
  const dirs = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)) ? [dataDir] : [dataDir, store];
  const locks: InstanceLock[] = [];
  try {
    for (const dir of dirs) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        const reason = (e as Error).message;
        throw dir === dataDir ? appError('ERR_DATA_DIR', { path: dir, reason }, e) : appError('ERR_STORE_UNAVAILABLE', { path: dir, reason }, e);
      }
      try {
        locks.push(acquireInstanceLock(join(dir, LOCK_FILE)));
      } catch (e) {
        // A store dir that cannot hold its lock file is a store problem, not a data dir one
        if (dir !== dataDir && isAppError(e, 'ERR_DATA_DIR')) throw appError('ERR_STORE_UNAVAILABLE', { path: dir, reason: String(e.detail['reason']) }, e);
        throw e;
      }
    }
  } catch (e) {
    for (const l of locks) l.release();
    throw e;
  }
  return locks;
}

/** The hint printed with a start-up error, by code. */
export function hintFor(error: AlphaPandaError, config: AppConfig): string {
  switch (error.code) {
    case 'ERR_INSTANCE_LOCKED':
      return `stop the running instance (pid ${String(error.detail['pid'])}) or start this one with another APP__DATA_DIR`;
    case 'ERR_DATA_DIR':
      return 'make the directory writable, or set APP__DATA_DIR (DATA_DIR) to a writable directory';
    case 'ERR_STORE_UNAVAILABLE':
      return `check that the store directory ${storePath(config)} is writable and the disk is not full, or set STORE__PATH`;
    case 'ERR_STORE_FULL':
      return `raise STORE__MAP_SIZE_MB above ${String(error.detail['usedMb'])} MB (retention then frees room for the horizon STORE__RETENTION_DAYS), or start on a new APP__DATA_DIR`;
    case 'ERR_API_PORT_BUSY':
      return `stop what listens there, set API__PORT to a free port (API__HOST for the address), or API__ENABLED=false`;
    case 'ERR_GATEWAY_UNIX':
      return 'stop what listens there or move what is in the way, set API__UNIX_SOCKET to another path (relative: under the data directory), or unset it';
    case 'ERR_STRATEGY_CONFIG':
    case 'ERR_STRATEGY_UNKNOWN_TYPE':
      return `fix the strategies file ${config.strategies.file} (STRATEGIES__FILE)`;
    case 'ERR_STRATEGY_UNKNOWN_INSTRUMENT':
      return `use a token of the instruments file (MARKET_FEED__INSTRUMENTS_FILE) in ${config.strategies.file}`;
    case 'ERR_NATS_UNREACHABLE':
      return `start the NATS server with JetStream (nats-server -js) where CLUSTER__NATS_URL points (${config.cluster.natsUrl}), or fix that URL`;
    case 'ERR_PLACEMENT_INVALID':
      return 'fix cluster.placement (CLUSTER__PLACEMENT); every node must run with the same configuration';
    default:
      return 'fix the configuration (config file or environment variables) and start again';
  }
}

/** Listens on host:port for a moment and releases it; resolves the listen error, if any. */
export function probePort(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => done(e));
    server.listen({ host, port, exclusive: true }, () => server.close(() => done(undefined)));
  });
}

const PORT_REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'another process listens on it',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine',
};

/**
 * How long a busy port is probed again. The gateway of a SIGKILLed instance is a child process
 * that exits when it loses its parent: on a loaded machine it may still hold the port for a
 * moment when the restarted instance checks.
 */
export const PORT_RETRY_MS = 2000;
const PORT_RETRY_GAP_MS = 100;

async function checkPort(config: AppConfig, nowMs: () => number): Promise<StartupProblem[]> {
  const { enabled, host, port } = config.gateway;
  // Port 0 lets the OS pick a free port: nothing to check
  if (!enabled || port === 0) return [];
  const until = nowMs() + PORT_RETRY_MS;
  let e = await probePort(host, port);
  while (e?.code === 'EADDRINUSE' && nowMs() < until) {
    await new Promise((r) => setTimeout(r, PORT_RETRY_GAP_MS));
    e = await probePort(host, port);
  }
  if (e === undefined) return [];
  const reason = PORT_REASONS[e.code ?? ''] ?? e.message;
  const error = appError('ERR_API_PORT_BUSY', { host, port, reason });
  return [problem(error, hintFor(error, config))];
}

async function checkUnixSocket(config: AppConfig): Promise<StartupProblem[]> {
  const path = unixSocketPath(config.gateway.unixSocket, config.app.dataDir);
  if (!config.gateway.enabled || path === null) return [];
  const reason = await unixPathProblem(path);
  if (reason === null) return [];
  const error = appError('ERR_GATEWAY_UNIX', { path, reason });
  return [problem(error, hintFor(error, config))];
}

function fromStrategyError(e: StrategyConfigError, config: AppConfig): StartupProblem {
  const error = appError(e.code, { ...e });
  return problem(error, hintFor(error, config));
}

/** Opens and probes the store; returns it open (the caller closes it) or the problem. */
async function checkStore(config: AppConfig, nowMs: () => number): Promise<{ db?: RootDatabase; problems: StartupProblem[] }> {
  const path = storePath(config);
  try {
    const db = openStore({ path, durability: config.store.durability });
    try {
      await probeStore(db, path, nowMs());
    } catch (e) {
      await db.close();
      throw e;
    }
    // A store already at its cap would only crash-loop trading into HALTED: say so now
    const capMb = config.store.mapSizeMb;
    const usedMb = storeUsage(db).usedBytes / (1024 * 1024);
    if (capMb !== undefined && usedMb >= capMb) {
      const error = appError('ERR_STORE_FULL', { path, reason: `${usedMb.toFixed(1)} MB in use, cap ${capMb} MB`, usedMb: Math.ceil(usedMb) });
      return { db, problems: [problem(error, hintFor(error, config))] };
    }
    return { db, problems: [] };
  } catch (e) {
    const error = asAppError(e, (reason) => appError('ERR_STORE_UNAVAILABLE', { path, reason }));
    return { problems: [problem(error, hintFor(error, config))] };
  }
}

/**
 * The strategies every problem is known for, and unknown instrument tokens: checked against the
 * registry's records in the store when it has any (the registry loads the file only once), else
 * against the instruments file the registry will load.
 */
function checkStrategies(input: PreflightInput, db: RootDatabase | undefined): StartupProblem[] {
  const { config, cwd, brokers } = input;
  const file = isAbsolute(config.strategies.file) ? config.strategies.file : resolve(cwd, config.strategies.file);
  const out: StartupProblem[] = [];
  const loaded = readStrategiesFile(file);
  let configs: readonly StrategyConfig[] = [];
  if (!loaded.ok) {
    out.push(...loaded.error.map((e) => fromStrategyError(e, config)));
  } else {
    configs = loaded.value;
    const runner = buildRunner(configs, brokers);
    if (!runner.ok) out.push(...runner.error.map((e) => fromStrategyError(e, config)));
  }
  let known: ReadonlySet<number>;
  let source: string;
  let hint: string | undefined;
  try {
    const inst = loadFeedInstruments(db, config.feed.instrumentsFile);
    known = new Set(inst.instruments.map((i) => i.token));
    source = inst.source === 'lmdb' ? 'instruments already loaded into the store' : config.feed.instrumentsFile;
    // The registry fills an empty store once and never reloads: a token added to the file later
    // is still unknown, and the usual hint would send the operator to a file that has it
    if (inst.source === 'lmdb') {
      hint = `the store's instruments were loaded once from an earlier instruments file and are not reloaded: remove the token from ${config.strategies.file}, or start on a new APP__DATA_DIR`;
    }
  } catch (e) {
    const error = asAppError(e, (reason) => appError('ERR_CONFIG_INVALID', { summary: reason }));
    out.push(problem(error, 'check the instruments file (MARKET_FEED__INSTRUMENTS_FILE)'));
    return out;
  }
  for (const c of configs) {
    for (const token of c.instruments) {
      if (known.has(token)) continue;
      const error = appError('ERR_STRATEGY_UNKNOWN_INSTRUMENT', { strategyId: c.id, token, source });
      out.push(problem(error, hint ?? hintFor(error, config)));
    }
  }
  return out;
}

function checkReplay(config: AppConfig): StartupProblem[] {
  if (config.feed.source !== 'replay') return [];
  try {
    openReplayFile(config.feed.replayFile);
    return [];
  } catch (e) {
    const error = asAppError(e, (reason) => appError('ERR_CONFIG_INVALID', { summary: reason }));
    return [problem(error, 'set MARKET_FEED__REPLAY_FILE to a readable JSONL or CSV tick/bar file')];
  }
}

/** The recording file (MARKET_FEED__RECORD_FILE) must be appendable: the feed opens it the same way. */
function checkRecordFile(config: AppConfig): StartupProblem[] {
  const file = config.feed.recordFile;
  if (file === undefined) return [];
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
    return [];
  } catch (e) {
    const error = appError('ERR_CONFIG_INVALID', { summary: `record file ${file} cannot be opened for appending: ${(e as Error).message}` }, e);
    return [problem(error, 'set MARKET_FEED__RECORD_FILE to a writable path, or unset it')];
  }
}

/**
 * Runs every check and returns every problem (empty: start). Call it with the instance lock held:
 * it opens the store. The store is closed again before it returns; the actor system reopens it.
 */
export async function preflight(input: PreflightInput): Promise<StartupProblem[]> {
  const port = input.gatewayHere === false ? Promise.resolve([]) : Promise.all([checkPort(input.config, input.nowMs), checkUnixSocket(input.config)]).then((x) => x.flat());
  const store = await checkStore(input.config, input.nowMs);
  try {
    return [
      ...checkStrategies(input, store.db),
      ...checkReplay(input.config),
      ...checkRecordFile(input.config),
      ...store.problems,
      ...(await port),
    ];
  } finally {
    await store.db?.close();
  }
}
