// The gateway server: builds the uWS app (routes, /ws), listens, polls the main thread's status for
// system.health and the gauges, fans stream batches out, and shuts down by closing every socket and
// the listen socket (`us_listen_socket_close`) — also synchronously from the crash handler, since
// uWS handles left open when the process dies are what abort a process.
import type { RootDatabase } from 'lmdb';
import type { Logger } from 'pino';
import { rmSync } from 'node:fs';
import type { TemplatedApp, us_listen_socket } from '@trufflesuite/uws-js-unofficial';
import { appError } from '../errors.js';
import type { Broker } from '../domain/types.js';
import { tradingActorName, type TradingRole } from '../protocol/actors.js';
import { ensureOrderIndex } from '../services/engine/order-index.js';
import type { Clock } from '../runtime/clock.js';
import type { StreamBatch } from './stream-batch.js';
import { GatewayMetrics } from './metrics.js';
import { KeyedLimiter } from './rate-limit.js';
import { registerRoutes } from './router.js';
import { apiRoutes } from './routes-api.js';
import { controlRoutes } from './routes-control.js';
import { orderRoutes } from './routes-orders.js';
import { systemRoutes } from './routes-system.js';
import { traderRoutes } from './routes-trader.js';
import type { GatewaySettings } from './settings.js';
import { StaticFiles } from './static.js';
import { readiness, viewStatus, type StatusView } from './status-view.js';
import { loadTokens, type TokenStore } from './tokens.js';
import { localHistory, remoteHistory } from './history.js';
import { Upstream, type RequestFn } from './upstream.js';
import { exclusivePortOption, loadNativeUws } from './uws.js';
import { availableStreams } from './ws-protocol.js';
import { listenOwnerOnly, unixPathProblem } from './unix-endpoint.js';
import { WsHub } from './ws-hub.js';
import { registerWs, type SocketSet } from './ws-server.js';

/** What the server needs from its process. */
export interface ServerDeps {
  readonly settings: GatewaySettings;
  readonly request: RequestFn;
  readonly store: RootDatabase | undefined;
  readonly log: Logger;
  readonly clock: Clock;
  readonly gen: number;
}

/** Where the gateway listens. */
export interface Address {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** The local endpoint's socket path, if one is configured. */
  readonly unixSocket: string | null;
}

/** One gateway instance: start() listens, onBatch() fans out, stop()/closeAll() release every uWS handle. */
export class GatewayServer {
  readonly metrics = new GatewayMetrics();
  readonly hub: WsHub;
  readonly tokens: TokenStore;
  private readonly upstream: Upstream;
  private readonly sockets: SocketSet = new Set();
  private listenSocket: us_listen_socket | undefined;
  private unixListenSocket: us_listen_socket | undefined;
  private unixPath: string | undefined;
  private addr: Address | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private latest: StatusView | undefined;
  private readonly startedAt: number;

  constructor(private readonly deps: ServerDeps) {
    this.hub = new WsHub(this.metrics, () => deps.clock.monoMs());
    this.tokens = loadTokens(deps.settings.tokens, deps.settings.dataDir);
    this.upstream = new Upstream(deps.request, deps.settings.tuning.upstreamTimeoutMs);
    this.startedAt = deps.clock.nowMs();
  }

  /** Builds the app and listens; resolves with the bound address. */
  async start(): Promise<Address> {
    const uWS = loadNativeUws();
    const { settings: s, clock, log } = this.deps;
    const app = uWS.App();
    const limiter = new KeyedLimiter({ perMinute: s.rateLimitPerMinute, burst: s.rateLimitPerMinute });
    const files = StaticFiles.atProjectRoot(s.tuning.webRoot);
    const streams = availableStreams(s.brokers);
    // History from this process's store, or (a gateway on a cluster node of its own) from the store's node
    const history = s.tuning.history === 'remote' ? remoteHistory((req) => this.upstream.history(req)) : localHistory(this.deps.store);
    const api = { upstream: this.upstream, brokers: s.brokers, actorOf: (role: TradingRole, b: Broker) => tradingActorName(s.topology, role, b), history, log, nowMs: () => clock.nowMs() };
    const system = {
      upstream: this.upstream,
      metrics: this.metrics,
      files,
      readySupervisor: s.tuning.readySupervisor,
      gateway: () => this.info(),
      nowMs: () => clock.nowMs(),
      noteStatus: (v: StatusView) => {
        this.latest = v;
      },
      lastStatus: () => this.latest,
    };
    this.hub.usePublisher({ publish: (topic, message, isBinary) => void app.publish(topic, message, isBinary) });
    registerWs(
      app,
      {
        settings: s,
        tokens: this.tokens,
        limiter,
        hub: this.hub,
        metrics: this.metrics,
        log,
        gen: this.deps.gen,
        streams,
        monoMs: () => clock.monoMs(),
        commands: {
          streams: new Set(streams),
          maxPayloadBytes: s.maxPayloadBytes,
          strikeLimit: s.tuning.strikeLimit,
          strikeWindowMs: s.tuning.strikeWindowMs,
          floodCloseAfter: s.tuning.floodCloseAfter,
          floodWindowMs: s.tuning.floodWindowMs,
          floodPerMinute: s.rateLimitPerMinute,
          monoMs: () => clock.monoMs(),
          wallMs: () => clock.nowMs(),
          lastHealth: () => this.hub.lastHealth(),
        },
      },
      this.sockets,
    );
    registerRoutes(app, [...systemRoutes(system), ...apiRoutes(api), ...controlRoutes(api), ...orderRoutes(api), ...traderRoutes(api)], {
      tokens: this.tokens,
      limiter,
      perMinute: s.rateLimitPerMinute,
      corsOrigins: s.corsOrigins,
      maxBodyBytes: Math.min(s.maxPayloadBytes, 64 * 1024),
      metrics: this.metrics,
      log,
      monoMs: () => clock.monoMs(),
      fallback: (path) => files.file(path),
    });
    // Exclusive: uWS defaults to SO_REUSEPORT, which would let a second gateway (e.g. an orphan of a
    // previous run) silently share the port and take half the connections. The 4-argument form
    // exists natively but not in the package's typings.
    const listenExclusive = app.listen as unknown as (host: string, port: number, options: number, cb: (ls: us_listen_socket | false) => void) => void;
    const listen = await new Promise<us_listen_socket | false>((resolve) => listenExclusive.call(app, s.host, s.port, exclusivePortOption(uWS), resolve));
    if (listen === false) throw appError('ERR_GATEWAY_LISTEN', { host: s.host, port: s.port });
    this.listenSocket = listen;
    if (s.unixSocket !== null) {
      try {
        await this.listenUnix(app, s.unixSocket);
      } catch (e) {
        this.closeAll(); // the port is bound already: a failed start leaves no uWS handle open
        throw e;
      }
    }
    const port = uWS.us_socket_local_port(listen);
    const shownHost = s.host === '0.0.0.0' || s.host === '::' ? '127.0.0.1' : s.host;
    this.addr = { host: s.host, port, url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`, unixSocket: s.unixSocket };
    this.healthTimer = setInterval(() => void this.pollHealth(), s.tuning.healthIntervalMs);
    this.sweepTimer = setInterval(() => this.hub.sweep(), Math.max(100, Math.min(1000, Math.floor(s.tuning.stallMs / 4))));
    void this.pollHealth();
    void this.indexLegacyOrders();
    return this.addr;
  }

  /** The same app on the local endpoint; a stale socket file of a killed run is replaced. */
  private async listenUnix(app: TemplatedApp, path: string): Promise<void> {
    const problem = await unixPathProblem(path);
    if (problem !== null) throw appError('ERR_GATEWAY_UNIX', { path, reason: problem });
    let ls: us_listen_socket | false = false;
    listenOwnerOnly(path, () =>
      app.listen_unix((x) => {
        ls = x;
      }, path),
    );
    if (ls === false) throw appError('ERR_GATEWAY_UNIX', { path, reason: 'listen failed' });
    this.unixListenSocket = ls;
    this.unixPath = path;
  }

  /** The bound address (after start). */
  address(): Address | undefined {
    return this.addr;
  }

  /** One stream batch from the main thread. */
  onBatch(batch: StreamBatch): void {
    this.hub.deliver(batch);
  }

  /** Summary of this process for /health and /api/v1/status. */
  info(): Record<string, unknown> {
    return { gen: this.deps.gen, pid: process.pid, uptimeMs: this.deps.clock.nowMs() - this.startedAt, connections: this.hub.entries.size, topicFed: this.hub.attached };
  }

  /**
   * Closes every socket and the listen socket, synchronously (safe inside an uncaughtException
   * handler). Idempotent.
   */
  closeAll(): void {
    clearInterval(this.healthTimer);
    clearInterval(this.sweepTimer);
    this.healthTimer = undefined;
    this.sweepTimer = undefined;
    if (this.listenSocket !== undefined) {
      loadNativeUws().us_listen_socket_close(this.listenSocket);
      this.listenSocket = undefined;
    }
    if (this.unixListenSocket !== undefined) {
      loadNativeUws().us_listen_socket_close(this.unixListenSocket);
      this.unixListenSocket = undefined;
      rmSync(this.unixPath!, { force: true });
    }
    for (const ws of [...this.sockets]) {
      try {
        ws.close();
      } catch {
        // already closed: uWS invalidates a socket after its close event
      }
    }
    this.sockets.clear();
  }

  /** Graceful stop: clients get a 1001 "going away" close frame, then everything is closed. */
  stop(): void {
    for (const ws of [...this.sockets]) {
      try {
        ws.end(1001, 'gateway stopping');
      } catch {
        // closed meanwhile
      }
    }
    this.closeAll();
  }

  /**
   * A store written before the order index existed gets it now, once (see ensureOrderIndex), so
   * its order history is listed before the engine's next commit. Failing here only delays that.
   */
  private async indexLegacyOrders(): Promise<void> {
    const db = this.deps.store;
    if (db === undefined) return;
    for (const broker of this.deps.settings.brokers) {
      try {
        if (await ensureOrderIndex(db, broker)) this.deps.log.info({ broker }, 'indexed the orders of a store written before the order index');
      } catch (e) {
        this.deps.log.warn({ broker, err: (e as Error).message }, 'could not index legacy orders; the engine indexes them with its next order');
      }
    }
  }

  private async pollHealth(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      // Pipeline status is optional: a missing or halted monitor must not stop the health stream
      const [raw, pipeline] = await Promise.all([this.upstream.status(), this.upstream.call('pipeline-monitor', 'status').catch(() => null)]);
      const view = viewStatus(raw, this.deps.clock.nowMs());
      this.latest = view;
      this.metrics.fromStatus(view);
      const ready = readiness(view, this.deps.settings.tuning.readySupervisor);
      this.hub.publishHealth({ ts: this.deps.clock.nowMs(), state: view.state, ready, halted: view.halted, nodes: view.nodes, rings: view.rings, pipeline, gateway: this.info() });
    } catch (e) {
      this.deps.log.debug({ err: (e as Error).message }, 'status poll failed');
    } finally {
      this.polling = false;
    }
  }
}
