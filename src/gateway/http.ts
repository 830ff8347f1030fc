// HTTP plumbing over uWS: capturing a request (uWS requests live on the stack, only during the
// handler call), reading a bounded body, and writing every answer — the JSON envelope
// `{ ok, data | error, requestId }`, `X-Request-ID`, CORS and no-store headers — corked, and
// never after the client aborted.
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse } from '@trufflesuite/uws-js-unofficial';
import { AlphaPandaError, CATALOGUE, appError, type ErrorCode, type ErrorDef } from '../errors.js';

/** A request, copied out of uWS so handlers may await. */
export interface RequestInfo {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: readonly string[];
  readonly authorization: string;
  readonly origin: string;
  readonly host: string;
  readonly ip: string;
  readonly requestId: string;
}

/** What a handler answers. */
export type Reply =
  | { readonly kind: 'json'; readonly status?: number; readonly data: unknown }
  | { readonly kind: 'raw'; readonly status?: number; readonly contentType: string; readonly body: string | Uint8Array; readonly headers?: Readonly<Record<string, string>> };

const STATUS: Readonly<Record<number, string>> = {
  200: '200 OK',
  204: '204 No Content',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

const statusLine = (s: number): string => STATUS[s] ?? `${s} Status`;
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const decoder = new TextDecoder();

/** Percent-decoding that never throws (a malformed escape stays as sent and fails validation). */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Copies what handlers need out of a uWS request (call synchronously inside the uWS handler). */
export function captureRequest(res: HttpResponse, req: HttpRequest, paramCount: number): RequestInfo {
  const given = req.getHeader('x-request-id');
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ''),
    params: Array.from({ length: paramCount }, (_, i) => safeDecode(req.getParameter(i))),
    authorization: req.getHeader('authorization'),
    origin: req.getHeader('origin'),
    host: req.getHeader('host'),
    ip: decoder.decode(res.getRemoteAddressAsText()),
    // A well-formed client id is kept so the caller can correlate; anything else gets a fresh one
    requestId: SAFE_ID.test(given) ? given : randomUUID(),
  };
}

/** Per-response state: aborted flag and the extra headers (CORS, Retry-After). */
export class Responder {
  /** True once the client went away or the answer was written: nothing more may be written. */
  done = false;
  readonly headers: Record<string, string> = {};

  constructor(
    private readonly res: HttpResponse,
    readonly req: RequestInfo,
  ) {
    res.onAborted(() => {
      this.done = true;
    });
  }

  /** Writes a reply; returns its status (also when the client had gone and nothing was written). */
  reply(r: Reply): number {
    if (r.kind === 'json') {
      const status = r.status ?? 200;
      this.write(status, 'application/json; charset=utf-8', JSON.stringify({ ok: true, data: r.data ?? null, requestId: this.req.requestId }), { 'Cache-Control': 'no-store' });
      return status;
    }
    const status = r.status ?? 200;
    this.write(status, r.contentType, r.body, r.headers ?? {});
    return status;
  }

  /** Writes the error envelope of `e` (an AlphaPandaError, or anything else as ERR_HTTP_INTERNAL). */
  fail(e: unknown, route: string): { status: number; code: ErrorCode } {
    const err = e instanceof AlphaPandaError ? e : appError('ERR_HTTP_INTERNAL', { route, reason: e instanceof Error ? e.message : String(e) }, e);
    const def: ErrorDef = CATALOGUE[err.code];
    // Domain outcomes without their own status are conflicts with the current state (e.g. cancel
    // of a filled order); other boundary errors are the client's
    const status = def.http ?? (def.category === 'domain' ? 409 : def.category === 'boundary' ? 400 : 500);
    const extra: Record<string, string> = { 'Cache-Control': 'no-store' };
    const retry = err.detail['retryAfterSec'];
    if (typeof retry === 'number') extra['Retry-After'] = String(retry);
    const details = err.detail['details'];
    const body = { ok: false, error: { code: err.code, message: err.message, ...(details !== undefined ? { details } : {}) }, requestId: this.req.requestId };
    this.write(status, 'application/json; charset=utf-8', JSON.stringify(body), extra);
    return { status, code: err.code };
  }

  private write(status: number, contentType: string, body: string | Uint8Array, extra: Readonly<Record<string, string>>): void {
    if (this.done) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      this.res.writeHeader('Content-Type', contentType);
      this.res.writeHeader('X-Request-ID', this.req.requestId);
      this.res.writeHeader('X-Content-Type-Options', 'nosniff');
      for (const [k, v] of Object.entries(this.headers)) this.res.writeHeader(k, v);
      for (const [k, v] of Object.entries(extra)) this.res.writeHeader(k, v);
      this.res.end(body);
    });
  }
}

/** Reads the request body up to `max` bytes (register synchronously inside the uWS handler). */
export function readBody(res: HttpResponse, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    res.onData((chunk, isLast) => {
      if (failed) return;
      size += chunk.byteLength;
      if (size > max) {
        failed = true;
        reject(appError('ERR_HTTP_PAYLOAD_TOO_LARGE', { max }));
        return;
      }
      // uWS neuters the chunk after this callback: copy it
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) resolve(Buffer.concat(chunks));
    });
  });
}

/** Parses a JSON body (empty = {}); ERR_HTTP_BAD_REQUEST otherwise. */
export function jsonBody(body: Uint8Array): unknown {
  if (body.byteLength === 0) return {};
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    throw appError('ERR_HTTP_BAD_REQUEST', { reason: 'expected a JSON body' });
  }
}
