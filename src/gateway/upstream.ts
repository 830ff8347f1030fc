// Calls to the main thread (ctx.request) with a deadline, and the mapping of their outcomes to
// catalogued errors: a rejected call whose message starts with a catalogued code keeps that code; a
// timeout or any other rejection is ERR_UPSTREAM_UNAVAILABLE (503); an actor's Result-shaped reply
// `{ ok: false, error: { code } }` or `{ ok: false, code, message }` becomes that domain error.
import { AlphaPandaError, CATALOGUE, appError, type ErrorCode } from '../errors.js';

/** How the process context asks the main thread. */
export type RequestFn = (command: string, arg?: unknown) => Promise<unknown>;

const isCode = (c: unknown): c is ErrorCode => typeof c === 'string' && Object.hasOwn(CATALOGUE, c);
const rec = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** An error with a known code but a message written elsewhere (kept verbatim). */
function coded(code: ErrorCode, message: string, detail: Record<string, unknown> = {}): AlphaPandaError {
  const e = appError(code, detail);
  e.message = message;
  return e;
}

/** The gateway's client of the main thread: status, actor calls and snapshots, each with a deadline. */
export class Upstream {
  constructor(
    private readonly request: RequestFn,
    private readonly timeoutMs: number,
  ) {}

  /** The main thread's status reply. */
  status(): Promise<unknown> {
    return this.ask('status', undefined, 'status');
  }

  /** Calls `command` on `actor` and unwraps Result-shaped replies. */
  async call(actor: string, command: string, arg: unknown = null): Promise<unknown> {
    return unwrap(await this.ask('actor-call', { actor, command, arg }, actor));
  }

  /** A history read answered by the cluster node holding the trading store (history.ts). */
  history(req: unknown): Promise<unknown> {
    return this.ask('history', req, 'history');
  }

  /** The actor's snapshot(). */
  snapshot(actor: string): Promise<unknown> {
    return this.ask('actor-snapshot', { actor }, actor);
  }

  private async ask(command: string, arg: unknown, target: string): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.request(command, arg),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(appError('ERR_UPSTREAM_UNAVAILABLE', { target, reason: `no answer within ${this.timeoutMs} ms` })), this.timeoutMs);
        }),
      ]);
    } catch (e) {
      if (e instanceof AlphaPandaError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      const m = /^(ERR_[A-Z0-9_]+)\b[:\s]*(.*)$/s.exec(message);
      if (m !== null && isCode(m[1])) throw coded(m[1], m[2] !== undefined && m[2] !== '' ? m[2] : message);
      throw appError('ERR_UPSTREAM_UNAVAILABLE', { target, reason: message });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `{ok:true, value}` → value; `{ok:false, ...}` → thrown domain error; anything else as is. */
export function unwrap(reply: unknown): unknown {
  const r = rec(reply);
  if (r === undefined || typeof r['ok'] !== 'boolean') return reply;
  if (r['ok'] === true) return 'value' in r ? r['value'] : reply;
  const inner = rec(r['error']) ?? r;
  const code = inner['code'];
  const message = typeof inner['message'] === 'string' ? inner['message'] : undefined;
  if (isCode(code)) {
    const { code: _c, message: _m, ...detail } = inner;
    const e = appError(code, detail);
    if (message !== undefined) e.message = message;
    throw e;
  }
  throw appError('ERR_UPSTREAM_UNAVAILABLE', { target: 'actor', reason: `unrecognised failure reply ${JSON.stringify(reply).slice(0, 200)}` });
}
