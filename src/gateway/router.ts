// HTTP routing over uWS: every route declares its scope; dispatch captures the request, applies
// CORS, authenticates (401/403 before any work), rate-limits per client (token name, else IP; 429
// with Retry-After), reads a bounded body for POSTs, runs the handler and answers with the envelope.
// Unknown routes get ERR_HTTP_NOT_FOUND; OPTIONS answers CORS preflights.
import type { HttpRequest, HttpResponse, TemplatedApp } from '@trufflesuite/uws-js-unofficial';
import type { Logger } from 'pino';
import { appError } from '../errors.js';
import { logOnce } from '../log.js';
import { authorize, corsOrigin, type Scope } from './auth.js';
import { captureRequest, readBody, Responder, type Reply, type RequestInfo } from './http.js';
import type { GatewayMetrics } from './metrics.js';
import type { KeyedLimiter } from './rate-limit.js';
import type { Principal, TokenStore } from './tokens.js';

/** What a handler receives. */
export interface RouteCtx {
  readonly req: RequestInfo;
  readonly body: Uint8Array | undefined;
  /** null on public routes. */
  readonly principal: Principal | null;
}

/** One HTTP route: method, uWS pattern, required scope and handler. */
export interface Route {
  readonly method: 'get' | 'post';
  /** uWS pattern, e.g. `/api/v1/portfolios/:broker`; also the metrics label. */
  readonly pattern: string;
  readonly scope: Scope;
  /** false exempts the route from the rate limit (liveness). */
  readonly rateLimited?: boolean;
  readonly handler: (ctx: RouteCtx) => Reply | Promise<Reply>;
}

/** What dispatch needs: tokens, limiter, CORS, body limit, metrics, log, clock, static fallback. */
export interface RouterEnv {
  readonly tokens: TokenStore;
  readonly limiter: KeyedLimiter;
  readonly perMinute: number;
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  monoMs(): number;
  /** Fallback for GETs no route matched (static dashboard files); undefined = 404. */
  fallback(path: string): Promise<Reply | undefined>;
}

const paramCount = (pattern: string): number => pattern.split('/').filter((p) => p.startsWith(':')).length;

function withCors(out: Responder, env: RouterEnv): void {
  const allow = corsOrigin(out.req.origin, env.corsOrigins);
  if (allow === undefined) return;
  out.headers['Access-Control-Allow-Origin'] = allow;
  out.headers['Vary'] = 'Origin';
  out.headers['Access-Control-Expose-Headers'] = 'X-Request-ID, Retry-After';
}

function limit(key: string, env: RouterEnv): void {
  const t = env.limiter.take(key, env.monoMs());
  if (!t.allowed) {
    throw appError('ERR_RATE_LIMITED', { limit: env.perMinute, window: 'minute', retryAfterSec: Math.max(1, Math.ceil(t.retryAfterMs / 1000)) });
  }
}

async function run(route: Route, out: Responder, body: Promise<Uint8Array> | undefined, env: RouterEnv, t0: number): Promise<void> {
  let status = 500;
  const req = out.req;
  try {
    const auth = authorize(env.tokens, { authorization: req.authorization, queryToken: req.query.get('token') ?? '' }, route.scope, false);
    if (!auth.ok) {
      // Failed credentials spend the IP's budget too: guessing tokens is rate-limited
      limit(`ip:${req.ip}`, env);
      logOnce(env.log, auth.code, { reason: auth.reason, ip: req.ip, route: route.pattern }, `${auth.code}:${req.ip}:${route.pattern}`);
      if (auth.code === 'ERR_WS_UNAUTHORIZED') out.headers['WWW-Authenticate'] = 'Bearer realm="alpha-panda"';
      throw appError(auth.code, { reason: auth.reason });
    }
    if (route.rateLimited !== false) limit(auth.principal !== null ? `token:${auth.principal.name}` : `ip:${req.ip}`, env);
    const reply = await route.handler({ req, body: body === undefined ? undefined : await body, principal: auth.principal });
    status = out.reply(reply);
  } catch (e) {
    const r = out.fail(e, route.pattern);
    status = r.status;
    env.metrics.error(r.code);
    if (r.status >= 500 && r.code === 'ERR_HTTP_INTERNAL') env.log.error({ err: e, route: route.pattern, requestId: req.requestId }, 'request failed');
  } finally {
    env.metrics.http(route.pattern, req.method, status, (env.monoMs() - t0) / 1000);
  }
}

function dispatch(route: Route, res: HttpResponse, req: HttpRequest, env: RouterEnv): void {
  const t0 = env.monoMs();
  const out = new Responder(res, captureRequest(res, req, paramCount(route.pattern)));
  withCors(out, env);
  // onData must be attached before the handler returns, even if auth fails later
  const body = route.method === 'post' ? readBody(res, env.maxBodyBytes) : undefined;
  body?.catch(() => undefined);
  void run(route, out, body, env, t0);
}

/** Registers `routes`, the CORS preflight and the not-found fallback on `app`. */
export function registerRoutes(app: TemplatedApp, routes: readonly Route[], env: RouterEnv): void {
  for (const route of routes) app[route.method](route.pattern, (res, req) => dispatch(route, res, req, env));
  app.options('/*', (res, req) => {
    const out = new Responder(res, captureRequest(res, req, 0));
    const allow = corsOrigin(out.req.origin, env.corsOrigins);
    if (allow === undefined) {
      out.fail(appError('ERR_WS_FORBIDDEN', { reason: `origin "${out.req.origin}" is not in gateway.corsOrigins` }), 'OPTIONS');
      return;
    }
    withCors(out, env);
    out.reply({
      kind: 'raw',
      status: 204,
      contentType: 'text/plain',
      body: '',
      headers: { 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS', 'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Request-ID', 'Access-Control-Max-Age': '600' },
    });
  });
  const notFound: Route = {
    method: 'get',
    pattern: '/*',
    scope: 'none',
    handler: async ({ req }) => {
      const file = req.method === 'GET' ? await env.fallback(req.path) : undefined;
      if (file !== undefined) return file;
      throw appError('ERR_HTTP_NOT_FOUND', { what: `no route ${req.method} ${req.path}` });
    },
  };
  app.any('/*', (res, req) => dispatch(notFound, res, req, env));
}
