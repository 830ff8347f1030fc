// The sandbox's KiteTicker: a WebSocket server speaking Kite Connect v3's ticker protocol, fed by
// the sandbox market. What it implements, as the official clients expect it:
//  - connect to `/?api_key=..&access_token=..` (extra query keys such as kiteconnectjs's `uid` are
//    ignored); bad credentials fail the handshake with HTTP 403, as Kite does;
//  - text JSON commands `{"a":"subscribe","v":[tokens]}`, `{"a":"unsubscribe","v":[tokens]}`,
//    `{"a":"mode","v":["ltp"|"quote"|"full",[tokens]]}`; a new subscription streams in quote mode;
//    at most MAX_TOKENS_PER_CONNECTION tokens per connection (the rest are refused with an error);
//  - one binary frame per market step per connection, holding a packet for every subscribed token
//    that ticked, each in its mode's length (layout.ts), built by encode.ts (the parser's inverse);
//  - a 1-byte heartbeat every heartbeatMs on a connection that was sent no data in that period;
//  - text messages `{"type":"order"|"error"|"message","data":...}` (sendText); order postbacks of the
//    REST sandbox's book go out through orderUpdatesTo (npm run kite-sandbox wires it).
// Test hooks: dropConnections() (abrupt, no close frame), sendFrame() (raw bytes, e.g. malformed
// frames), setSilent() (no data, no heartbeats: a dead link that stays open).
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Tick } from '../../domain/types.js';
import { encodeKiteFrame, HEARTBEAT_FRAME, type KitePacketSpec } from '../ticker/encode.js';
import { KITE_MODES, PACKET, SEGMENT, segmentOf, type KiteMode, type PacketLength } from '../ticker/layout.js';
import type { SandboxMarket } from './market.js';
import { orderPostback } from './orders.js';

/** Kite's documented limit of instruments per ticker connection. */
export const MAX_TOKENS_PER_CONNECTION = 3000;

export interface KiteTickerServerOptions {
  readonly market: SandboxMarket;
  /** Whether a connection with these credentials may open (the REST half plugs its sessions in here). */
  readonly authorize: (apiKey: string, accessToken: string) => boolean;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly heartbeatMs?: number;
  readonly maxTokensPerConnection?: number;
}

export interface KiteTickerServer {
  readonly port: number;
  /** `ws://host:port/`: ZERODHA__TICKER_URL, and the `root` option of the official KiteTicker. */
  readonly url: string;
  /** Subscriptions of every open connection (token → mode), in connection order. */
  subscriptions(): readonly ReadonlyMap<number, KiteMode>[];
  /** Connections accepted since start (reconnections count again). */
  readonly accepted: number;
  /** Handshakes refused with 403 since start. */
  readonly refused: number;
  /** Kills every connection without a close frame (a network drop); returns how many. */
  dropConnections(): number;
  /** Sends raw bytes as one binary message to every connection. */
  sendFrame(bytes: Uint8Array): void;
  /** Sends a text message `{"type": type, "data": data}` to every connection. */
  sendText(type: 'order' | 'error' | 'message', data: unknown): void;
  /** While silent, no frame and no heartbeat is sent (the link looks dead but stays open). */
  setSilent(silent: boolean): void;
  close(): Promise<void>;
}

interface Conn {
  readonly ws: WebSocket;
  readonly subs: Map<number, KiteMode>;
  pending: KitePacketSpec[];
  sentSinceBeat: boolean;
}

/**
 * The REST sandbox's onOrderUpdate hook that streams order changes as ticker `order` messages (the
 * postback states only), as Kite pushes them to the user's ticker connections.
 */
export function orderUpdatesTo(server: Pick<KiteTickerServer, 'sendText'>, appId: string, apiSecret: string): (wire: Record<string, unknown>) => void {
  return (wire) => {
    const postback = orderPostback(wire, appId, apiSecret);
    if (postback !== undefined) server.sendText('order', postback);
  };
}

/** The packet length a tick is streamed in for a mode. */
export function packetLengthFor(mode: KiteMode, token: number): PacketLength {
  const index = segmentOf(token) === SEGMENT.INDICES;
  if (mode === 'ltp') return PACKET.LTP;
  if (mode === 'quote') return index ? PACKET.INDEX_QUOTE : PACKET.QUOTE;
  return index ? PACKET.INDEX_FULL : PACKET.FULL;
}

/** Starts the server; resolves once it listens. */
export async function startKiteTickerServer(opts: KiteTickerServerOptions): Promise<KiteTickerServer> {
  const host = opts.host ?? '127.0.0.1';
  const maxTokens = opts.maxTokensPerConnection ?? MAX_TOKENS_PER_CONNECTION;
  const conns = new Set<Conn>();
  let accepted = 0;
  let refused = 0;
  let silent = false;
  let flushScheduled = false;

  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('KiteTicker sandbox: WebSocket only\n');
  });
  const wss = new WebSocketServer({ noServer: true });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets while we refuse it (or before the upgrade completes) must not take the
    // process down with an unhandled 'error' on the raw socket
    socket.on('error', () => socket.destroy());
    const q = new URL(req.url ?? '/', 'ws://sandbox').searchParams;
    if (!opts.authorize(q.get('api_key') ?? '', q.get('access_token') ?? '')) {
      refused++;
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nTokenException: invalid api_key or access_token\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, subs: new Map(), pending: [], sentSinceBeat: false };
      conns.add(conn);
      accepted++;
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (!isBinary) onCommand(conn, String(data));
      });
      ws.on('close', () => conns.delete(conn));
      ws.on('error', () => conns.delete(conn));
    });
  });

  const sendError = (conn: Conn, message: string): void => {
    conn.ws.send(JSON.stringify({ type: 'error', data: message }));
  };

  const onCommand = (conn: Conn, text: string): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      sendError(conn, 'invalid JSON message');
      return;
    }
    const m = msg as { a?: unknown; v?: unknown };
    const tokensOf = (v: unknown): number[] | undefined =>
      Array.isArray(v) && v.every((t) => Number.isSafeInteger(t) && (t as number) > 0 && (t as number) <= 0xffffffff) ? (v as number[]) : undefined;
    if (m.a === 'subscribe' || m.a === 'unsubscribe') {
      const tokens = tokensOf(m.v);
      if (tokens === undefined) return sendError(conn, `invalid ${m.a} message: expected "v" to be a list of instrument tokens`);
      if (m.a === 'unsubscribe') {
        for (const t of tokens) conn.subs.delete(t);
        return;
      }
      let refused = 0;
      for (const t of tokens) {
        if (conn.subs.has(t)) continue;
        if (conn.subs.size >= maxTokens) refused++;
        else conn.subs.set(t, 'quote');
      }
      if (refused > 0) sendError(conn, `subscription limit of ${maxTokens} instruments per connection exceeded: ${refused} tokens refused`);
      return;
    }
    if (m.a === 'mode') {
      const v = m.v;
      const mode = Array.isArray(v) ? (v[0] as unknown) : undefined;
      const tokens = Array.isArray(v) ? tokensOf(v[1]) : undefined;
      if (!KITE_MODES.includes(mode as KiteMode) || tokens === undefined) {
        return sendError(conn, 'invalid mode message: expected {"a":"mode","v":["ltp"|"quote"|"full",[tokens]]}');
      }
      for (const t of tokens) if (conn.subs.has(t)) conn.subs.set(t, mode as KiteMode);
      return;
    }
    sendError(conn, `unknown action ${JSON.stringify(m.a ?? null)}`);
  };

  const flush = (): void => {
    flushScheduled = false;
    for (const conn of conns) {
      if (conn.pending.length === 0) continue;
      const packets = conn.pending;
      conn.pending = [];
      if (silent || conn.ws.readyState !== conn.ws.OPEN) continue;
      conn.ws.send(encodeKiteFrame(packets));
      conn.sentSinceBeat = true;
    }
  };

  // Ticks of one market step arrive synchronously; they go out as one frame per connection
  const unsubscribe = opts.market.onTick((tick: Tick) => {
    for (const conn of conns) {
      const mode = conn.subs.get(tick.token);
      if (mode === undefined) continue;
      conn.pending.push({ length: packetLengthFor(mode, tick.token), tick });
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    }
  });

  const heartbeat = setInterval(() => {
    if (silent) return;
    for (const conn of conns) {
      if (!conn.sentSinceBeat && conn.ws.readyState === conn.ws.OPEN) conn.ws.send(HEARTBEAT_FRAME);
      conn.sentSinceBeat = false;
    }
  }, opts.heartbeatMs ?? 1000);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    port,
    url: `ws://${host}:${port}/`,
    subscriptions: () => [...conns].map((c) => new Map(c.subs)),
    get accepted() {
      return accepted;
    },
    get refused() {
      return refused;
    },
    dropConnections() {
      const n = conns.size;
      for (const c of conns) c.ws.terminate();
      conns.clear();
      return n;
    },
    sendFrame(bytes) {
      for (const c of conns) {
        if (c.ws.readyState !== c.ws.OPEN) continue;
        c.ws.send(bytes, { binary: true });
        c.sentSinceBeat = true;
      }
    },
    sendText(type, data) {
      const text = JSON.stringify({ type, data });
      for (const c of conns) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
    },
    setSilent(on) {
      silent = on;
    },
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const c of conns) c.ws.terminate();
      conns.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
