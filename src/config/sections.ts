// zod schemas of each configuration section (camelCase keys, as written in the config file).
// Every section is a strictObject, so an unknown or misspelt key is an error, and every field has a
// default (or is optional), so an empty config is valid. Money fields are in RUPEES with at most two
// decimals (whole paise); consumers convert with Math.round(rupees * 100).

import { z } from 'zod';

/** Upper bound of a ring capacity, matching createRing() in src/transport/ring.ts. */
export const MAX_RING_CAPACITY = 1 << 24;

const isPowerOfTwo = (v: number): boolean => Number.isInteger(v) && v >= 2 && v <= MAX_RING_CAPACITY && (v & (v - 1)) === 0;

const ringCapacity = (fallback: number) =>
  z
    .number()
    .int()
    .superRefine((v, ctx) => {
      if (!isPowerOfTwo(v)) ctx.addIssue({ code: 'custom', message: `expected a power of two in [2, ${MAX_RING_CAPACITY}], was ${v}` });
    })
    .default(fallback);

/** Non-negative integer milliseconds (0 often means "disabled"). */
const ms = (fallback: number) => z.number().int().min(0).default(fallback);
const positiveInt = (fallback: number) => z.number().int().positive().default(fallback);

/** A rupee amount that is a whole number of paise, so conversion to integer paise is exact. */
const rupees = z
  .number()
  .min(0)
  .superRefine((v, ctx) => {
    if (Math.abs(v * 100 - Math.round(v * 100)) > 1e-6) {
      ctx.addIssue({ code: 'custom', message: `expected rupees with at most 2 decimals (whole paise), was ${v}` });
    }
  });

/** A seed for src/domain/rng.ts: strings are used as-is, numbers are converted to their decimal text. */
const seed = (fallback: string) =>
  z
    .union([z.string().min(1), z.number().int()])
    .transform((v) => String(v))
    .default(fallback);

/** pino levels; Python spellings used by the original (WARNING, CRITICAL) are accepted. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const PY_LEVELS: Readonly<Record<string, string>> = { warning: 'warn', critical: 'fatal' };
const logLevel = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const lower = v.trim().toLowerCase();
  return PY_LEVELS[lower] ?? lower;
}, z.enum(LOG_LEVELS));

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'expected a real calendar date',
  });

/** A redaction key: a property name or a dotted path of property names. */
const redactKey = z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'expected a key name or dotted path of key names');

export const AppSection = z.strictObject({
  environment: z.enum(['development', 'production', 'testing']).default('development'),
  dataDir: z.string().min(1).default('./data'),
  logLevel: logLevel.default('info'),
  /** Extra keys to redact in logs, on top of the built-in secret keys of src/log.ts. */
  redactKeys: z.array(redactKey).default([]),
});

export const BROKER_NAMES = ['paper', 'zerodha'] as const;

export const BrokersSection = z.strictObject({
  active: z.array(z.enum(BROKER_NAMES)).min(1, 'expected at least one broker').default(['paper']),
  paperEnabled: z.boolean().default(true),
  zerodhaEnabled: z.boolean().default(false),
});

const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+/, 'expected an http(s) URL');

export const ZerodhaSection = z.strictObject({
  apiKey: z.string().min(1).optional(),
  apiSecret: z.string().min(1).optional(),
  accessToken: z.string().min(1).optional(),
  startingCash: rupees.default(1_000_000),
  /** KiteTicker WebSocket root (feed.source 'kite'); `npm run kite-sandbox` prints its own. */
  tickerUrl: z.string().regex(/^wss?:\/\/\S+$/, 'expected a ws:// or wss:// URL').default('wss://ws.kite.trade'),
  /** Kite Connect API root (the REST sandbox's URL to try the zerodha path without an account). */
  restRoot: httpUrl.default('https://api.kite.trade'),
  /** Where the login page lives (`npm run login` prints `<loginRoot>/connect/login?...`). */
  loginRoot: httpUrl.default('https://kite.zerodha.com'),
  /** Period of the engine's GET /orders + /trades poll, ms: the fallback behind the ticker's order updates. */
  pollMs: z.number().int().min(50).max(600_000).default(500),
});

export const RuntimeSection = z.strictObject({
  transport: z.enum(['ring', 'port']).default('ring'),
  /**
   * How the trading behaviours are placed on threads (README, Topologies). Unset: 'split' (the
   * strategy runner and one trading core per broker); 'fused' puts the strategies in the core too.
   */
  topology: z.enum(['split', 'fused']).optional(),
  /** Checkpoint period of the trading cores (and the strategy runner's cuts in split), ms. */
  checkpointIntervalMs: positiveInt(50),
  tickRingCapacity: ringCapacity(65_536),
  /** Unset: 'block' for replay (no tick may be lost), 'drop' for synthetic/live feeds (never stall the feed). */
  tickRingPolicy: z.enum(['block', 'drop']).optional(),
  eventRingCapacity: ringCapacity(4096),
  eventSlotBytes: z
    .number()
    .int()
    .min(32)
    .max(65_536)
    .refine((v) => v % 8 === 0, { message: 'expected a multiple of 8' })
    .default(2048),
  // Workers beat every heartbeatMs/2; 500 ms keeps an idle tree cheap and still detects a hang
  // well inside hangTimeoutMs.
  heartbeatMs: positiveInt(500),
  hangTimeoutMs: positiveInt(3000),
  startTimeoutMs: positiveInt(10_000),
  stopDeadlineMs: positiveInt(5000),
  restart: z
    .strictObject({
      maxRestarts: z.number().int().min(0).default(3),
      periodMs: positiveInt(10_000),
      backoffBaseMs: ms(100),
      backoffMaxMs: ms(5000),
    })
    .prefault({}),
  workerMaxOldGenerationMb: z.number().int().min(16).default(256),
});

export const StoreSection = z.strictObject({
  /** Unset: `<app.dataDir>/lmdb`. */
  path: z.string().min(1).optional(),
  durability: z.enum(['overlapping', 'strict', 'nosync']).default('overlapping'),
  /**
   * The store cap in MiB: lmdb-js's initial map size, and the pages in use at which trading commits
   * fail with ERR_STORE_FULL (src/store/cap.ts). Unset: no cap, lmdb-js grows the map as needed.
   */
  mapSizeMb: z.number().int().positive().optional(),
  /**
   * Finished orders and fills older than this many days of their own (tick) time, counted back
   * from the newest order or fill of the broker, are archived to <dataDir>/archive and deleted
   * (src/services/retention). With synthetic sessions a day is one session. 0 keeps everything.
   */
  retentionDays: z.number().nonnegative().max(36_500).default(7),
  /** How often the archiver runs a retention round (wall clock). */
  retentionIntervalMs: z.number().int().min(100).max(86_400_000).default(60_000),
});

export const FeedSection = z.strictObject({
  source: z.enum(['synthetic', 'replay', 'kite']).default('synthetic'),
  ticksPerSecond: z.number().positive().max(1_000_000).default(200),
  seed: seed('alpha-panda-feed'),
  /** Scale of synthetic price moves in basis points; the synthetic feed documents its exact use. */
  volatilityBps: z.number().min(0).max(1000).default(2),
  /**
   * Synthetic feed only: wall ms per trading day of the feed's event clock (ticks of one session
   * are stamped 09:15 IST onwards of one trading day, the next session is the next trading day), so
   * daily risk limits and session ends roll over in a short run. 0 = ticks carry the wall clock.
   */
  syntheticSessionMs: z
    .number()
    .int()
    .refine((v) => v === 0 || (v >= 1000 && v <= 22_500_000), { message: 'expected 0 (off) or 1000..22500000 ms (one NSE session)' })
    .default(60_000),
  instrumentsFile: z.string().min(1).default('src/defaults/instruments.csv'),
  replayFile: z.string().min(1).optional(),
  replayPace: z.enum(['realtime', 'max']).default('realtime'),
  /** Multiplier of recorded time when replayPace is realtime (2 = twice as fast). */
  replaySpeed: z.number().positive().max(10_000).default(1),
  /**
   * Replays only: the risk manager judges a signal of tick M after the engine has committed every
   * effect of ticks < M, so position and daily-loss rules make identical decisions in every run.
   * Costs a risk↔engine round trip per tick that carries signals; off = faster, not repeatable
   * when position-dependent limits bind.
   */
  exactReplay: z.boolean().default(true),
  /**
   * Replays only: a replay is a job. Once the file is consumed and the pipeline has drained, the
   * main job logs the run's summary and exits 0. Unset: true for replay; false keeps it serving.
   */
  replayExit: z.boolean().optional(),
  /** When set, every emitted tick is also appended to this JSONL file. */
  recordFile: z.string().min(1).optional(),
  /** Unset: true for the synthetic feed, false for replay. */
  market24x7: z.boolean().optional(),
  holidays: z.array(isoDate).default([]),
  queueMaxSize: positiveInt(10_000),
  /** feed.source 'kite': the KiteTicker mode every registry token is subscribed in. */
  kiteMode: z.enum(['ltp', 'quote', 'full']).default('full'),
  /** feed.source 'kite': a connection that receives nothing (no tick, no heartbeat) this long is dropped and reopened. */
  kiteLivenessMs: z.number().int().min(1000).default(5000),
  /** feed.source 'kite': tokens per ticker connection (Kite allows 3000); more tokens open more connections. */
  kiteTokensPerConnection: z.number().int().min(1).max(3000).default(3000),
  /** feed.source 'kite': reconnection backoff, doubling from base to max, with jitter. */
  kiteReconnectBaseMs: z.number().int().min(1).default(1000),
  kiteReconnectMaxMs: z.number().int().min(1).default(60_000),
});

export const StrategiesSection = z.strictObject({
  file: z.string().min(1).default('src/defaults/strategies.yaml'),
});

export const RiskSection = z.strictObject({
  maxPosition: positiveInt(1000),
  maxDailyTrades: positiveInt(50),
  /** Fraction, 0.10 = 10 %. */
  maxPriceDeviation: z.number().positive().max(1).default(0.1),
  maxOrderNotional: rupees.refine((v) => v > 0, { message: 'expected > 0' }).default(5_000_000),
  dailyLossLimit: rupees.refine((v) => v > 0, { message: 'expected > 0' }).default(100_000),
});

export const PaperSection = z.strictObject({
  /** Percent, 0.05 = 0.05 %. */
  slippagePercent: z.number().min(0).max(100).default(0.05),
  /** Percent, 0.1 = 0.1 %. */
  commissionPercent: z.number().min(0).max(100).default(0.1),
  startingCash: rupees.default(1_000_000),
  latencyMsMean: z.number().min(0).default(0),
  latencyMsStd: z.number().min(0).default(0),
  partialFillProb: z.number().min(0).max(1).default(0),
  maxPartials: positiveInt(3),
  minQuantity: z.number().int().min(0).default(1),
  maxQuantity: z.number().int().positive().optional(),
  minPrice: rupees.default(0),
  maxPrice: rupees.optional(),
  /** Instrument tokens; empty = every instrument is allowed. */
  allowedInstruments: z.array(z.number().int().positive()).default([]),
  maxPositionNotional: rupees.optional(),
  seed: seed('alpha-panda-paper'),
});

export const PortfolioSection = z.strictObject({
  snapshotIntervalMs: ms(1000),
});

export const MonitorSection = z.strictObject({
  intervalMs: positiveInt(5000),
  startupGraceMs: ms(30_000),
  marketDataLatencyThresholdMs: positiveInt(1000),
  healthHistoryTtlMs: positiveInt(24 * 60 * 60 * 1000),
  healthHistoryMax: positiveInt(100),
});

export const TOKEN_SCOPES = ['read', 'trade'] as const;

export const GatewayToken = z.strictObject({
  token: z.string().min(16, 'expected a token of at least 16 characters'),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).default(['read']),
  name: z.string().min(1),
});

export const GatewaySection = z.strictObject({
  enabled: z.boolean().default(true),
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 asks the OS for a free port (tests). */
  port: z.number().int().min(0).max(65_535).default(8080),
  /**
   * A Unix-domain socket for local clients, beside the port (relative: under app.dataDir); unset:
   * none. Same API and tokens; the file is owner-only.
   */
  unixSocket: z.string().min(1).optional(),
  /** Empty: the gateway generates tokens at start-up and logs where it wrote them. */
  tokens: z.array(GatewayToken).default([]),
  corsOrigins: z.array(z.string().min(1)).default([]),
  rateLimitPerMinute: positiveInt(600),
  maxPayloadBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(65_536),
  /** uWebSockets accepts 0 (disabled) or 8..960 seconds. */
  idleTimeoutSec: z
    .number()
    .int()
    .refine((v) => v === 0 || (v >= 8 && v <= 960), { message: 'expected 0 or a value in [8, 960]' })
    .default(60),
});

/**
 * Running the tree across machines over NATS JetStream (README, "Running on several machines").
 * With `node` unset nothing changes: one process, SAB rings, no NATS.
 */
export const ClusterSection = z.strictObject({
  /** The node this process runs (`npm start -- --node A`, or CLUSTER__NODE). */
  node: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected 1-32 letters, digits, "-" or "_"')
    .optional(),
  /** NATS server URL(s), comma-separated. */
  natsUrl: z.string().min(1).default('nats://127.0.0.1:4222'),
  /**
   * Node name → the actors placed on it (tree child names); one node may list "*": every actor no
   * other node names. Per-node services (instrument-registry, auth) run on every node.
   */
  placement: z.record(z.string(), z.array(z.string().min(1))).default({}),
  /** How long a stream keeps its messages (ms): the horizon of a node's restore. */
  streamMaxAgeMs: positiveInt(24 * 3_600_000),
  /** JetStream's duplicate window (ms): a republished event id within it is stored once. */
  dedupeWindowMs: positiveInt(10 * 60_000),
  /** First connection attempt: an unreachable server refuses the start after this long (ms). */
  connectTimeoutMs: positiveInt(5000),
  /** Publishes a bridge keeps in flight before it waits for acknowledgements. */
  maxInFlight: positiveInt(4096),
});
