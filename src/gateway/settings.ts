// Gateway settings: config.gateway (host, port, tokens, CORS, rate limit, payload, idle timeout),
// the active brokers, and tuning knobs from the process spec's `args` (defaults suit production;
// tests shorten them). `args` come from the tree spec, so they are validated once, here.
import { z } from 'zod';
import type { AppConfig } from '../config.js';
import type { Broker } from '../domain/types.js';
import { appError } from '../errors.js';
import type { TokenEntry } from './tokens.js';
import { unixSocketPath } from './unix-endpoint.js';
import type { Topology } from '../protocol/actors.js';

const Args = z.object({
  /** Brokers with topics (the tree passes them; default: active and enabled in config). */
  brokers: z.array(z.enum(['paper', 'zerodha'])).min(1).optional(),
  /** Enables test-only call commands (crash, reject). */
  testHooks: z.boolean().default(false),
  /** Period of the status poll feeding system.health and the actor gauges. */
  healthIntervalMs: z.number().int().min(100).default(2000),
  /** Above this many buffered bytes a socket counts as backpressured. */
  softLimitBytes: z.number().int().min(1024).default(256 * 1024),
  /** uWS hard limit: a send beyond it is dropped and the client is closed. */
  maxBackpressureBytes: z.number().int().min(64 * 1024).default(8 * 1024 * 1024),
  maxQueuedEvents: z.number().int().min(1).default(2000),
  maxQueuedBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
  /** Ticks an `every`-mode client may have waiting while backpressured; newer ones are dropped and counted. */
  maxQueuedTicks: z.number().int().min(1).default(20_000),
  /** A client backpressured this long without a drain is disconnected. */
  stallMs: z.number().int().min(100).default(30_000),
  upstreamTimeoutMs: z.number().int().min(50).default(5000),
  /** The supervisor whose state decides /ready. */
  readySupervisor: z.string().min(1).default('trading_sup'),
  strikeLimit: z.number().int().min(1).default(5),
  strikeWindowMs: z.number().int().min(1000).default(60_000),
  floodCloseAfter: z.number().int().min(1).default(50),
  floodWindowMs: z.number().int().min(100).default(10_000),
  /**
   * Where orders, fills and equity are read (history.ts): `local` from this process's store;
   * `remote` from the cluster node holding the trading store (a gateway on a node of its own).
   */
  history: z.enum(['local', 'remote']).default('local'),
  /** Directory of the dashboard files (default `<projectRoot>/src/gateway/web`). */
  webRoot: z.string().min(1).optional(),
});

/** Everything the gateway needs to run. */
export interface GatewaySettings {
  readonly host: string;
  readonly port: number;
  /** The local endpoint's socket path (absolute); null: none. */
  readonly unixSocket: string | null;
  readonly tokens: readonly TokenEntry[];
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  readonly maxPayloadBytes: number;
  readonly idleTimeoutSec: number;
  readonly dataDir: string;
  readonly brokers: readonly Broker[];
  /** Where the trading roles run (which actor answers risk, strategy and order calls). */
  readonly topology: Topology;
  readonly tuning: z.output<typeof Args>;
}

/** Brokers that are both active and enabled (the ones with topics). */
export function activeBrokers(config: AppConfig): Broker[] {
  return config.brokers.active.filter((b) => (b === 'paper' ? config.brokers.paperEnabled : config.brokers.zerodhaEnabled));
}

/** Builds the settings; an invalid `args` is a start-up error. */
export function gatewaySettings(config: AppConfig, args: Readonly<Record<string, unknown>>): GatewaySettings {
  const parsed = Args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw appError('ERR_CONFIG_INVALID', { summary: `gateway args ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` });
  }
  const g = config.gateway;
  return {
    host: g.host,
    port: g.port,
    unixSocket: unixSocketPath(g.unixSocket, config.app.dataDir),
    tokens: g.tokens.map((t) => ({ name: t.name, token: t.token, scopes: [...t.scopes] })),
    corsOrigins: [...g.corsOrigins],
    rateLimitPerMinute: g.rateLimitPerMinute,
    maxPayloadBytes: g.maxPayloadBytes,
    idleTimeoutSec: g.idleTimeoutSec,
    dataDir: config.app.dataDir,
    brokers: parsed.data.brokers ?? activeBrokers(config),
    topology: config.runtime.topology,
    tuning: parsed.data,
  };
}
