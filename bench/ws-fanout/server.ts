// Server child of the ws-fanout bench (G8), one process per server kind so its CPU is measured
// alone with process.cpuUsage() deltas. It ticks at a fixed open-loop rate (timer, catch-up: every
// tick keeps its scheduled time) and fans each pre-serialised frame out to every subscriber:
//   uws-publish  uWS app.publish(topic, frame, true), maxBackpressure = the soft limit (publish skips
//                receivers above it)
//   uws-gateway  the gateway's real WsHub/WsSession/GatewayMetrics (per-socket send, corked, with
//                backpressure checks and coalescing) on uWS, gateway default limits
//   ws           `ws` WebSocketServer, broadcast loop over clients, skip when bufferedAmount > soft
//   gateway-path the gateway's WsHub as above (uWS topics, clients in `every` mode), fed by the
//                runtime's stream tap over fd 4 (see feed.ts): ticks arrive in frames, not on a timer
//   ws-tap       the `ws` broadcast above, fed by the same tap (one frame per client for what one
//                socket read brought, as the gateway takes it: perTurn)
// argv[2] = kind; an argument `unix:<path>` makes it listen on that Unix-domain socket instead of a
// loopback TCP port (the gateway's local endpoint). The parent drives phases over IPC; exits when
// told to stop or when orphaned.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { GcMeter } from '../harness/gc.js';
import { Histogram } from '../harness/histogram.js';
import type { Tick } from '../../src/domain/types.js';
import { encodeTickFrame } from '../../src/gateway/tick-frame.js';
import { GatewayMetrics } from '../../src/gateway/metrics.js';
import { TokenBucket } from '../../src/gateway/rate-limit.js';
import { loadNativeUws } from '../../src/gateway/uws.js';
import { WsHub } from '../../src/gateway/ws-hub.js';
import { WsSession } from '../../src/gateway/ws-session.js';
import { MARKET_TICKS } from '../../src/protocol/topics.js';
import { epochMs, SOFT_LIMIT_BYTES, TAP_KINDS, type FromServer, type ServerKind, type ToServer } from './protocol.js';
import { Socket } from 'node:net';
import type { StreamBatch } from '../../src/gateway/stream-batch.js';
import { STREAM_FD } from '../../src/runtime/process-protocol.js';
import { FrameReader } from '../../src/runtime/stream-wire.js';
import { BatchDecoder, perTurn } from '../../src/gateway/stream-batch.js';

const kind = process.argv[2] as ServerKind;
const unixPath = process.argv.find((a) => a.startsWith('unix:'))?.slice('unix:'.length) ?? null;
const send = (m: FromServer): void => void process.send?.(m);

/** What each server kind implements. */
interface Fanout {
  readonly port: number;
  readonly path: string | null;
  readonly impl: string;
  subscribers(): number;
  /** Fans one tick out; returns nothing, counts into `stats`. */
  publish(tick: Tick): void;
  /** Fans one tap batch out (tap-fed kinds). */
  deliverBatch(batch: StreamBatch): void;
  slowState(): { buffered: number; skips: number } | null;
  close(): void;
}

const stats = { sends: 0, skips: 0, slowSkips: 0 };
/** Filler sent to the paused reader only (64 KiB binary frames, never read). */
const FILL_CHUNK = new Uint8Array(64 * 1024);
const FILL_MAX_CHUNKS = 256;

function makeTick(phase: number, seq: number, measured: boolean, schedEpochMs: number): Tick {
  return {
    token: phase,
    ltp: 2_450_05 + (seq % 100),
    lastQty: 1,
    avgPrice: 2_449_90,
    volume: seq,
    buyQty: 1000,
    sellQty: 1200,
    open: 2_440_00,
    high: 2_460_00,
    low: 2_430_00,
    close: 2_445_00,
    oi: measured ? 1 : 0,
    oiDayHigh: 0,
    oiDayLow: 0,
    divisor: 100,
    tradable: true,
    exchangeTs: schedEpochMs,
    lastTradeTs: epochMs(), // tick-in: the gateway has the tick now
    depthBuy: [],
    depthSell: [],
  };
}

// ------------------------------------------------------------------ uWS (both kinds)
async function uwsFanout(gateway: boolean, mode: 'latest' | 'every'): Promise<Fanout> {
  const uWS = loadNativeUws(); // throws when the package fell back to its ws-based shim
  const require = createRequire(import.meta.url);
  const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const pkg = require('@trufflesuite/uws-js-unofficial/package.json') as { version: string };
  interface Data {
    id: number;
    slow: boolean;
  }
  type Ws = import('@trufflesuite/uws-js-unofficial').WebSocket<Data>;
  const sockets = new Set<Ws>();
  let slow: Ws | null = null;
  let nextId = 1;
  const metrics = new GatewayMetrics();
  // Wrap the real counters so the bench also sees sends and coalesced ticks. argv[3] = 'stub-metrics'
  // (ad-hoc diagnosis only, not used by the suite) skips the prom-client counters to price them.
  const stub = process.argv[3] === 'stub-metrics';
  const realSent = stub ? () => undefined : metrics.sent.bind(metrics);
  const realCoalesced = stub ? () => undefined : metrics.coalesced.bind(metrics);
  const realSentMany = stub ? () => undefined : metrics.sentMany.bind(metrics);
  const realEveryDropped = stub ? () => undefined : metrics.everyDropped.bind(metrics);
  metrics.sent = (k, bytes) => {
    if (k === 'ticks') stats.sends++;
    realSent(k, bytes);
  };
  metrics.sentMany = (k, messages, bytes) => {
    if (k === 'ticks') stats.sends += messages;
    realSentMany(k, messages, bytes);
  };
  metrics.coalesced = (n) => {
    stats.skips += n;
    realCoalesced(n);
  };
  metrics.everyDropped = (n) => {
    stats.skips += n;
    realEveryDropped(n);
  };
  const hub = new WsHub(metrics, () => performance.now());
  // Gateway defaults (src/gateway/settings.ts Args): soft 256 KiB, hard 8 MiB, 2000 events / 4 MiB, stall 30 s
  const limits = { softLimitBytes: SOFT_LIMIT_BYTES, maxQueuedEvents: 2000, maxQueuedBytes: 4 * 1024 * 1024, maxQueuedTicks: 20_000, stallMs: 30_000 };
  const app = uWS.App();
  // The gateway's topic fan-out (src/gateway/server.ts does the same with its app)
  if (gateway) hub.usePublisher({ publish: (topic, message, isBinary) => void app.publish(topic, message, isBinary) });
  app.ws<Data>('/*', {
    compression: uWS.DISABLED,
    maxPayloadLength: 64 * 1024,
    idleTimeout: 120,
    maxBackpressure: gateway ? 8 * 1024 * 1024 : SOFT_LIMIT_BYTES,
    closeOnBackpressureLimit: 0,
    upgrade: (res, req, context) => {
      res.upgrade<Data>({ id: nextId++, slow: false }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      sockets.add(ws);
      if (!gateway) {
        ws.subscribe('ticks');
        return;
      }
      const socket = {
        send: (m: Uint8Array | string, isBinary: boolean) => ws.send(m, isBinary),
        getBufferedAmount: () => ws.getBufferedAmount(),
        end: (code: number, reason: string) => ws.end(code, reason),
      };
      const id = ws.getUserData().id;
      const session = new WsSession(id, { name: 'bench', scopes: new Set(['read']) }, '127.0.0.1', socket, limits, metrics, new TokenBucket({ perMinute: 600, burst: 60 }, performance.now()));
      session.streams.add(MARKET_TICKS);
      session.format = 'binary';
      session.setTickMode(mode);
      hub.add({ session, cork: (fn) => void ws.cork(fn), topics: { subscribe: (t) => void ws.subscribe(t), unsubscribe: (t) => void ws.unsubscribe(t) } });
    },
    message: (ws, message, isBinary) => {
      if (!isBinary && Buffer.from(message).toString() === 'slow') {
        ws.getUserData().slow = true;
        slow = ws;
        // Pre-fill past the soft limit so the paused reader is backpressured from the first
        // measured tick (at ~90 KB/s of ticks the kernel buffers alone take seconds to fill)
        for (let k = 0; k < FILL_MAX_CHUNKS; k++) {
          if (ws.send(FILL_CHUNK, true) === 2 || ws.getBufferedAmount() > SOFT_LIMIT_BYTES) break;
        }
      }
    },
    drain: (ws) => {
      if (gateway) hub.drained(ws.getUserData().id);
    },
    close: (ws) => {
      sockets.delete(ws);
      if (slow === ws) slow = null;
      if (gateway) hub.remove(ws.getUserData().id);
    },
  });
  const listen = await new Promise<unknown>((resolve, reject) => {
    const done = (ls: unknown): void => (ls ? resolve(ls) : reject(new Error('uWS listen failed')));
    if (unixPath !== null) app.listen_unix(done, unixPath);
    else app.listen('127.0.0.1', 0, done);
  });
  const port = unixPath === null ? uWS.us_socket_local_port(listen as never) : 0;
  return {
    port,
    path: unixPath,
    impl: `native uWS ${binary} (@trufflesuite/uws-js-unofficial ${pkg.version})`,
    subscribers: () => (gateway ? hub.entries.size : app.numSubscribers('ticks')),
    deliverBatch: (batch) => hub.deliver(batch),
    publish: gateway
      ? (tick) => hub.deliver({ ticks: [tick], events: [], dropped: {} })
      : (tick) => {
          const frame = encodeTickFrame([tick]);
          // publish silently skips receivers over maxBackpressure; infer the paused reader's skips
          if (slow !== null && slow.getBufferedAmount() > SOFT_LIMIT_BYTES) stats.slowSkips++;
          app.publish('ticks', frame, true);
          stats.sends += sockets.size;
        },
    // gateway: coalesced ticks are counted for all sessions (metrics carry no session id); only
    // the paused reader gets backpressured here, so the total is its count
    slowState: () => (slow === null ? null : { buffered: slow.getBufferedAmount(), skips: gateway ? stats.skips : stats.slowSkips }),
    close: () => {
      for (const ws of [...sockets]) ws.close();
      uWS.us_listen_socket_close(listen as never);
    },
  };
}

// ------------------------------------------------------------------ ws
async function wsFanout(): Promise<Fanout> {
  const require = createRequire(import.meta.url);
  const { WebSocketServer } = await import('ws');
  const wsVersion = (require('ws/package.json') as { version: string }).version;
  let bufferutil = 'no';
  try {
    require.resolve('bufferutil');
    bufferutil = 'yes';
  } catch {
    // ws falls back to its JS masking; servers do not mask, so this only matters for clients
  }
  const common = { perMessageDeflate: false, maxPayload: 64 * 1024, clientTracking: false } as const;
  const http = unixPath === null ? null : createServer();
  const wss = http === null ? new WebSocketServer({ host: '127.0.0.1', port: 0, ...common }) : new WebSocketServer({ server: http, ...common });
  if (http === null) await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  else await new Promise<void>((resolve) => http.listen(unixPath, () => resolve()));
  type Sock = import('ws').WebSocket;
  const clients = new Set<Sock>();
  let slow: Sock | null = null;
  wss.on('connection', (sock) => {
    clients.add(sock);
    sock.on('message', (data, isBinary) => {
      if (!isBinary && String(data) === 'slow') {
        slow = sock;
        for (let k = 0; k < FILL_MAX_CHUNKS && sock.bufferedAmount <= SOFT_LIMIT_BYTES; k++) sock.send(FILL_CHUNK, { binary: true });
      }
    });
    sock.on('close', () => {
      clients.delete(sock);
      if (slow === sock) slow = null;
    });
    sock.on('error', () => undefined);
  });
  const addr = wss.address();
  const opts = { binary: true };
  const broadcast = (frame: Uint8Array): void => {
    for (const c of clients) {
      if (c.readyState !== 1) continue;
      // Drop (= coalesce to the latest: one instrument) for a client that is not reading
      if (c.bufferedAmount > SOFT_LIMIT_BYTES) {
        stats.skips++;
        if (c === slow) stats.slowSkips++;
        continue;
      }
      c.send(frame, opts);
      stats.sends++;
    }
  };
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : 0,
    path: unixPath,
    impl: `ws ${wsVersion} (bufferutil installed: ${bufferutil}), perMessageDeflate off`,
    subscribers: () => clients.size,
    publish: (tick) => broadcast(encodeTickFrame([tick])),
    // Every tick of the batch in one frame, encoded once (what the gateway's `every` mode sends)
    deliverBatch: (batch) => {
      if (batch.ticks.length > 0) broadcast(encodeTickFrame(batch.ticks));
    },
    slowState: () => (slow === null ? null : { buffered: slow.bufferedAmount, skips: stats.slowSkips }),
    close: () => {
      for (const c of clients) c.terminate();
      wss.close();
      http?.close();
    },
  };
}

// ------------------------------------------------------------------ phases
function runPhase(f: Fanout, m: Extract<ToServer, { type: 'phase' }>): void {
  const period = 1000 / m.rate;
  const fanout = new Histogram();
  const gc = new GcMeter();
  const t0 = performance.now() + 5;
  let i = 0;
  let late = 0;
  let cpu0 = process.cpuUsage();
  let w0 = 0;
  const slowSkips0 = { v: 0 };
  const pump = (): void => {
    const now = performance.now();
    while (i < m.ticks && t0 + i * period <= now) {
      const sched = t0 + i * period;
      if (i === m.warmup) {
        stats.sends = 0;
        stats.skips = 0;
        slowSkips0.v = f.slowState()?.skips ?? 0;
        gc.start();
        w0 = sched; // window starts at the first measured tick's scheduled time, even if it ran late
        cpu0 = process.cpuUsage();
      }
      if (performance.now() - sched > period) late++;
      const tick = makeTick(m.phase, i, i >= m.warmup, performance.timeOrigin + sched);
      const a = performance.now();
      f.publish(tick);
      if (i >= m.warmup) fanout.record((performance.now() - a) * 1e6);
      i++;
    }
    if (i < m.ticks) {
      setTimeout(pump, Math.max(0, t0 + i * period - performance.now()));
      return;
    }
    // Let uWS flush what it batched for the end of this loop iteration before sampling the CPU
    setImmediate(() => {
      const cpu = process.cpuUsage(cpu0);
      const wallMs = performance.now() - w0;
      const s = f.slowState();
      void gc.stop().then((g) =>
        send({
          type: 'phase-done',
          phase: m.phase,
          cpu: { userUs: cpu.user, systemUs: cpu.system },
          wallMs,
          ticksMeasured: m.ticks - m.warmup,
          lateTicks: late,
          subscribers: f.subscribers(),
          fanoutCounts: Array.from(fanout.counts),
          sends: stats.sends,
          skips: stats.skips,
          slow: s === null ? null : { buffered: s.buffered, skips: s.skips - slowSkips0.v },
          gc: g,
        }),
      );
    });
  };
  setTimeout(pump, 5);
}

// ------------------------------------------------------------------ tap-fed phases
/**
 * Tap-fed kinds do not tick: the parent's feed does. The measured window opens at the first
 * measured tick of the phase to arrive and closes after the last one (or, if the lossy tap dropped
 * it, a generous deadline after the phase's nominal end).
 */
function tapIngest(f: Fanout): (m: Extract<ToServer, { type: 'phase' }>) => void {
  interface Window {
    readonly m: Extract<ToServer, { type: 'phase' }>;
    started: boolean;
    done: boolean;
    cpu0: NodeJS.CpuUsage;
    w0: number;
    slowSkips0: number;
    readonly fanout: Histogram;
    readonly gc: GcMeter;
    deadline: NodeJS.Timeout | undefined;
  }
  let win: Window | null = null;
  const finish = (w: Window): void => {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.deadline);
    if (win === w) win = null;
    // Let uWS flush what it batched for the end of this loop iteration before sampling the CPU
    setImmediate(() => {
      const cpu = process.cpuUsage(w.cpu0);
      const wallMs = performance.now() - w.w0;
      const s = f.slowState();
      void (w.started ? w.gc.stop() : Promise.resolve({ count: 0, totalMs: 0, maxMs: 0, heapDeltaBytes: 0 })).then((g) =>
        send({
          type: 'phase-done',
          phase: w.m.phase,
          cpu: { userUs: cpu.user, systemUs: cpu.system },
          wallMs,
          ticksMeasured: w.m.ticks - w.m.warmup,
          lateTicks: 0,
          subscribers: f.subscribers(),
          fanoutCounts: Array.from(w.fanout.counts),
          sends: stats.sends,
          skips: stats.skips,
          slow: s === null ? null : { buffered: s.buffered, skips: s.skips - w.slowSkips0 },
          gc: g,
        }),
      );
    });
  };
  const decoder = new BatchDecoder();
  const deliver = (batch: StreamBatch): void => {
    const w = win;
    if (w !== null && !w.started && batch.ticks.some((t) => t.token === w.m.phase && t.volume >= w.m.warmup)) {
      w.started = true;
      stats.sends = 0;
      stats.skips = 0;
      w.slowSkips0 = f.slowState()?.skips ?? 0;
      w.gc.start();
      w.w0 = performance.now();
      w.cpu0 = process.cpuUsage();
    }
    const a = performance.now();
    f.deliverBatch(batch);
    if (w?.started === true) {
      w.fanout.record((performance.now() - a) * 1e6);
      if (batch.ticks.some((t) => t.token === w.m.phase && t.volume === w.m.ticks - 1)) finish(w);
    }
  };
  // Both servers take the frames of one socket read as one batch, as gateway.process.ts does
  const perRead = perTurn(deliver);
  const reader = new FrameReader((body) => perRead(decoder.decode(body)));
  const sock = new Socket({ fd: STREAM_FD, readable: true, writable: false });
  sock.on('data', (chunk: Buffer) => reader.push(chunk));
  sock.on('error', () => undefined);
  return (m) => {
    const w: Window = { m, started: false, done: false, cpu0: process.cpuUsage(), w0: performance.now(), slowSkips0: 0, fanout: new Histogram(), gc: new GcMeter(), deadline: undefined };
    w.deadline = setTimeout(() => finish(w), (m.ticks / m.rate) * 1000 + 5000);
    win = w;
  };
}

async function main(): Promise<void> {
  // Orphaned (parent gone): exit instead of ticking forever
  process.on('disconnect', () => process.exit(0));
  const f = kind === 'ws' || kind === 'ws-tap' ? await wsFanout() : await uwsFanout(kind !== 'uws-publish', kind === 'gateway-path' ? 'every' : 'latest');
  const tapPhase = TAP_KINDS.includes(kind) ? tapIngest(f) : null;
  process.on('message', (m: ToServer) => {
    if (m.type === 'phase') {
      if (tapPhase !== null) tapPhase(m);
      else runPhase(f, m);
    }
    else if (m.type === 'stop') {
      f.close();
      setTimeout(() => process.exit(0), 20);
    }
  });
  send({ type: 'ready', port: f.port, path: f.path, kind, impl: f.impl });
}

main().catch((e: unknown) => {
  send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  setTimeout(() => process.exit(1), 50);
});
