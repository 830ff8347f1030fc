// The /ws endpoint on uWS. Authentication, rate limit and Origin are checked in the `upgrade`
// handler: a rejected client gets an HTTP 401/403/429 answer and no WebSocket at all (zero data
// frames). Accepted sockets become WsSessions in the hub; heartbeats are uWS automatic pings within
// idleTimeout. Oversize messages are closed with 1009 by our own check up to a hard cap, and cut
// by uWS above it (see maxPayloadLength below).
import type { TemplatedApp, WebSocket } from '@trufflesuite/uws-js-unofficial';
import type { Logger } from 'pino';
import { appError } from '../errors.js';
import { logOnce } from '../log.js';
import { authorize, originAllowed } from './auth.js';
import { captureRequest, Responder } from './http.js';
import type { GatewayMetrics } from './metrics.js';
import { TokenBucket, type KeyedLimiter } from './rate-limit.js';
import type { GatewaySettings } from './settings.js';
import type { Principal, TokenStore } from './tokens.js';
import { handleMessage, type CommandEnv } from './ws-commands.js';
import type { WsHub } from './ws-hub.js';
import { WsSession } from './ws-session.js';

/**
 * The size at which uWS itself cuts a message: 256 MiB, 16× the largest API__MAX_PAYLOAD_BYTES.
 * Below it our own check answers every oversize message with 1009 ERR_WS_TOO_LARGE; above it uWS
 * closes the TCP socket without a close frame as soon as the frame header declares the length (the
 * client sees 1006, by design: uNetworking/uWebSockets#1321), and the close handler logs it under
 * the same code. The cap exists because uWS buffers a message whole before any handler sees it:
 * without it one authenticated client could make this process hold up to 2 GiB per socket.
 */
export const WS_HARD_CAP_BYTES = 256 * 1024 * 1024;

/** Per-socket data attached at upgrade. */
export interface SocketData {
  readonly id: number;
  readonly principal: Principal;
  readonly ip: string;
}

/** What the /ws endpoint needs from the server. */
export interface WsEnv {
  readonly settings: GatewaySettings;
  readonly tokens: TokenStore;
  readonly limiter: KeyedLimiter;
  readonly hub: WsHub;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  readonly commands: CommandEnv;
  readonly gen: number;
  readonly streams: readonly string[];
  monoMs(): number;
}

/** Every open socket, for shutdown (uWS sockets are invalid after their close event). */
export type SocketSet = Set<WebSocket<SocketData>>;

/** Registers /ws on `app`; open sockets are tracked in `sockets` for shutdown. */
export function registerWs(app: TemplatedApp, env: WsEnv, sockets: SocketSet): void {
  const s = env.settings;
  const t = s.tuning;
  let nextId = 1;
  app.ws<SocketData>('/ws', {
    // The real limit (API__MAX_PAYLOAD_BYTES) is checked in handleMessage (1009); uWS only enforces
    // the hard cap, see WS_HARD_CAP_BYTES.
    maxPayloadLength: WS_HARD_CAP_BYTES,
    idleTimeout: s.idleTimeoutSec,
    sendPingsAutomatically: s.idleTimeoutSec > 0,
    maxBackpressure: t.maxBackpressureBytes,
    closeOnBackpressureLimit: 0,
    upgrade: (res, req, context) => {
      const info = captureRequest(res, req, 0);
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol').split(',')[0]?.trim() ?? '';
      const extensions = req.getHeader('sec-websocket-extensions');
      const out = new Responder(res, info);
      try {
        const auth = authorize(env.tokens, { authorization: info.authorization, queryToken: info.query.get('token') ?? '' }, 'read', true);
        const take = env.limiter.take(auth.ok && auth.principal !== null ? `token:${auth.principal.name}` : `ip:${info.ip}`, env.monoMs());
        if (!take.allowed) throw appError('ERR_RATE_LIMITED', { limit: s.rateLimitPerMinute, window: 'minute', retryAfterSec: Math.max(1, Math.ceil(take.retryAfterMs / 1000)) });
        if (!auth.ok) {
          logOnce(env.log, auth.code, { reason: auth.reason, ip: info.ip, route: '/ws' }, `${auth.code}:${info.ip}:/ws`);
          throw appError(auth.code, { reason: auth.reason });
        }
        if (!originAllowed(info.origin, info.host, s.corsOrigins)) {
          logOnce(env.log, 'ERR_WS_FORBIDDEN', { reason: 'origin', origin: info.origin, ip: info.ip }, `origin:${info.origin}`);
          throw appError('ERR_WS_FORBIDDEN', { reason: `origin "${info.origin.slice(0, 80)}" may not open the stream` });
        }
        const data: SocketData = { id: nextId++, principal: auth.principal!, ip: info.ip };
        res.upgrade(data, key, protocol, extensions, context);
      } catch (e) {
        env.metrics.error(out.fail(e, '/ws').code);
      }
    },
    open: (ws) => {
      sockets.add(ws);
      const d = ws.getUserData();
      const socket = {
        send: (m: Uint8Array | string, binary: boolean) => ws.send(m, binary),
        getBufferedAmount: () => ws.getBufferedAmount(),
        end: (code: number, reason: string) => ws.end(code, reason),
      };
      const flood = new TokenBucket({ perMinute: s.rateLimitPerMinute, burst: Math.max(20, Math.ceil(s.rateLimitPerMinute / 10)) }, env.monoMs());
      const session = new WsSession(d.id, d.principal, d.ip, socket, t, env.metrics, flood);
      env.hub.add({ session, cork: (fn) => void ws.cork(fn), topics: { subscribe: (t) => void ws.subscribe(t), unsubscribe: (t) => void ws.unsubscribe(t) } });
      session.control({
        type: 'welcome',
        streams: env.streams,
        scopes: [...d.principal.scopes],
        gen: env.gen,
        limits: { maxPayloadBytes: s.maxPayloadBytes, messagesPerMinute: s.rateLimitPerMinute, strikeLimit: t.strikeLimit },
      });
    },
    message: (ws, message, isBinary) => {
      env.metrics.received();
      const e = env.hub.entries.get(ws.getUserData().id);
      if (e === undefined) return;
      handleMessage(e.session, message, isBinary, env.commands);
      // Subscriptions, filter, format or mode may have changed: follow them in the topic set
      if (!e.session.closed) env.hub.refresh(e.session.id);
    },
    drain: (ws) => env.hub.drained(ws.getUserData().id),
    close: (ws, code, message) => {
      sockets.delete(ws);
      env.metrics.closed(code);
      if (code === 1006 && /too big/i.test(Buffer.from(message).toString())) {
        logOnce(env.log, 'ERR_WS_TOO_LARGE', { max: s.maxPayloadBytes, cutAt: WS_HARD_CAP_BYTES, ip: ws.getUserData().ip }, 'ws-too-large-cut');
      }
      env.hub.remove(ws.getUserData().id);
    },
  });
}
