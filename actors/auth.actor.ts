// Auth actor (docs/original-system.md §1.1): per-broker session lifecycle. Paper is always ready; zerodha
// loads its session from LMDB (or creates one from configured credentials), checks it against Kite
// (kiteProfileValidator) behind a CircuitBreaker, and re-checks expiry periodically. A broker without a
// valid session is reported (status + one log line per change), never crash-looped. Tokens are never
// logged nor returned: status views are redacted by the domain.
import type { AppConfig } from '../src/config.js';
import { commandTable, defineActor } from '../src/runtime/actor.js';
import { CircuitBreaker } from '../src/runtime/circuit-breaker.js';
import {
  applyOutcome,
  authView,
  decodeSession,
  isReady,
  paperState,
  planZerodhaStart,
  refreshExpiry,
  stateWithout,
  type BrokerAuthState,
  type BrokerSession,
} from '../src/domain/auth/index.js';
import type { Broker } from '../src/domain/types.js';
import { guardedValidate } from '../src/services/auth/guarded-check.js';
import { kiteProfileValidator } from '../src/kite/rest/validator.js';
import type { AuthStatusReport } from '../src/protocol/auth.js';
import { K } from '../src/store/keyspace.js';
import { appError } from '../src/errors.js';

interface Args {
  brokers?: Broker[];
  /** How often expiry is re-evaluated (ms); default one minute. */
  checkIntervalMs?: number;
}

export default defineActor<AppConfig>((ctx) => {
  const config = ctx.config;
  const args = ctx.args as Args;
  const brokers: Broker[] = args.brokers ?? ['paper'];
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: 'auth needs the store' });
  const breaker = new CircuitBreaker({ name: 'zerodha-auth', clock: ctx.clock });
  // A zerodha session is proved by Kite itself (GET /user/profile at ZERODHA__REST_ROOT): a token
  // Kite rejects is reported as such, an unreachable Kite as unavailable (re-checked later). The
  // timeout stays well inside the actor's start deadline: start() awaits the first check.
  const validator = kiteProfileValidator({ root: config.zerodha.restRoot, timeoutMs: 2_000 });
  const states = new Map<Broker, BrokerAuthState>();

  // One line per status change (never per check), without the token or the api key
  function set(next: BrokerAuthState): void {
    const prev = states.get(next.broker);
    states.set(next.broker, next);
    if (prev?.status === next.status && prev.reason === next.reason) return;
    const line = { broker: next.broker, status: next.status, reason: next.reason, detail: next.detail, expiresAt: next.session?.expiresAt };
    if (isReady(next, ctx.clock.nowMs())) ctx.log.info(line, 'broker session ready');
    else ctx.log.warn(line, 'broker session NOT ready: trading on this broker needs a valid session');
  }

  async function persist(session: BrokerSession): Promise<void> {
    try {
      await db!.put(K.session('zerodha'), session);
      if (ctx.durability === 'strict') await db!.flushed;
    } catch (e) {
      throw appError('ERR_STORE_WRITE', { reason: (e as Error).message }, e);
    }
  }

  async function check(session: BrokerSession): Promise<void> {
    const outcome = await guardedValidate(breaker, validator, session, ctx.clock.nowMs);
    const next = applyOutcome('zerodha', session, outcome, ctx.clock.nowMs());
    // The validator may have learnt the user id: keep the stored record in step
    if (next.session !== undefined && next.session !== session) await persist(next.session);
    set(next);
  }

  async function startZerodha(): Promise<void> {
    const key = K.session('zerodha');
    const raw = db!.get(key);
    const stored = raw === undefined ? undefined : decodeSession(raw, JSON.stringify(key));
    const now = ctx.clock.nowMs();
    const plan = planZerodhaStart(stored, { apiKey: config.zerodha.apiKey, accessToken: config.zerodha.accessToken }, now);
    if (plan.kind === 'none') return set(stateWithout('zerodha', plan.status, plan.reason, now));
    if (plan.persist) await persist(plan.session);
    await check(plan.session);
  }

  function report(): AuthStatusReport {
    const now = ctx.clock.nowMs();
    const out: Record<string, AuthStatusReport['brokers'][string]> = {};
    let allReady = true;
    for (const b of brokers) {
      const s = states.get(b);
      if (s === undefined) continue;
      out[b] = authView(s, now);
      allReady &&= isReady(s, now);
    }
    return { brokers: out, allReady };
  }

  // Expiry is re-evaluated locally (06:00 IST on the actor's clock); a check that could not reach the
  // broker is retried, and a valid session is re-checked too, since Kite can end it before its
  // expiry (a login elsewhere, a revoke). The breaker decides whether the validator is actually
  // called; one check at a time
  let checking = false;
  ctx.every(args.checkIntervalMs ?? 60_000, () => {
    const now = ctx.clock.nowMs();
    for (const s of states.values()) set(refreshExpiry(s, now));
    const z = states.get('zerodha');
    const recheck = z?.status === 'authenticated' || (z?.status === 'error' && z.reason === 'validator_unavailable');
    if (!checking && recheck && z?.session !== undefined) {
      checking = true;
      void check(z.session).finally(() => {
        checking = false;
      });
    }
  });

  return {
    async start() {
      for (const b of brokers) {
        if (b === 'paper') set(paperState(ctx.clock.nowMs()));
        else await startZerodha();
      }
    },
    snapshot: () => report(),
    health() {
      const r = report();
      if (r.allReady) return { status: 'healthy' };
      const down = Object.values(r.brokers).filter((v) => !v.ready).map((v) => `${v.broker}=${v.status}`);
      return { status: 'degraded', detail: `not ready: ${down.join(', ')}` };
    },
    call: commandTable({ status: () => report() }),
  };
});
