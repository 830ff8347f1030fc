// Trading engine, one per broker (`trading-engine-<broker>`, args.broker), the split topology's shell
// of the venue behaviour (src/services/trading/venue.ts): executes validated signals and market ticks
// on the broker's adapter; orders, new fills, adapter state and the signal consumer
// position are committed in ONE LMDB transaction, and only then are order events published and the
// input released. Restart = restore the adapter from LMDB; redelivered signals are skipped by position
// or refused by the adapter's signal-key dedup, so a kill at any point neither loses nor repeats.
// zerodha: the venue only records intents and folds Kite's reports; its Kite calls (placements after
// their commit, polls, the start-up reconciliation before any send) are made by the shell in
// ./zerodha-engine-shell.ts, whose results come back through the same committer.
import { appError, isAppError } from '../src/errors.js';
import { commandTable, defineActor } from '../src/runtime/actor.js';
import { summarizeOrder, type CancelResult, type EngineStateRecord, type StoredOrder } from '../src/protocol/engine.js';
import { childEvent, type Envelope, type WatermarkData } from '../src/protocol/envelope.js';
import { brokerInternalTopic, brokerTopic } from '../src/protocol/topics.js';
import { decodeOrderUpdate } from '../src/services/engine/order-updates.js';
import { modifyArgFrom } from '../src/services/engine/modify.js';
import { K, type Key } from '../src/store/keyspace.js';
import { alreadyApplied, type ConsumerPosition } from '../src/store/lmdb.js';
import { assertBrokerSupported, type AdapterEvent } from '../src/services/engine/adapter.js';
import { EngineCommitter, type CommitPhase } from '../src/services/engine/committer.js';
import { calendarFrom, loadTickSizes, paperConfigFrom, sessionsFollowTickTime, type EngineConfigInput } from '../src/services/engine/config.js';
import { tradableFromStore } from '../src/services/instrument-registry/tradable.js';
import { decodeValidated } from '../src/services/engine/decode.js';
import { envelopeFor } from '../src/services/engine/messages.js';
import { OriginBook, type WorkItem } from '../src/services/engine/plan.js';
import { fillsQueryFrom, lastFillSeq, ordersQueryFrom, queryFills, queryOrders } from '../src/services/engine/queries.js';
import { venueBehaviour } from '../src/services/trading/index.js';
import { tickMsg, type VenueOut } from '../src/protocol/trading.js';
import type { AppConfig } from '../src/config.js';
import { decodeSession } from '../src/domain/auth/session.js';
import { KiteRestClient } from '../src/kite/rest/client.js';
import { isZerodhaAdapter, type ZerodhaInstrument, type ZerodhaVenueConfig } from '../src/services/engine/zerodha-venue.js';
import { createZerodhaShell, type ZerodhaShell } from './zerodha-engine-shell.js';
import { subscribeTicks } from '../src/services/feed/tick-channel.js';

const EOD_CHECK_MS = 1000;
/** More queued work than this means commits cannot keep up with the input. */
const BACKLOG_DEGRADED = 10_000;
/** Kite order book and trades poll period (zerodha), unless args.pollMs says otherwise. */
const ZERODHA_POLL_MS = 500;

/** The registry's instruments as the zerodha venue names them to Kite (read once at start). */
function zerodhaVenueConfig(db: { getRange(opts: { start: Key; end: Key }): Iterable<{ value: unknown }> }): ZerodhaVenueConfig {
  const instruments = new Map<number, ZerodhaInstrument>();
  for (const { value } of db.getRange(K.instrumentRange())) {
    const v = value as { token?: unknown; exchange?: unknown; tradingsymbol?: unknown } | null;
    if (typeof v?.token === 'number' && typeof v.exchange === 'string' && typeof v.tradingsymbol === 'string') {
      instruments.set(v.token, { exchange: v.exchange, tradingsymbol: v.tradingsymbol });
    }
  }
  return { instruments };
}

export default defineActor<AppConfig>((ctx) => {
  const broker = ctx.args['broker'];
  try {
    assertBrokerSupported(broker);
  } catch (e) {
    if (isAppError(e)) ctx.log.fatal({ code: e.code }, e.message);
    throw e;
  }
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: `${ctx.name} needs the store (needsStore)` });
  // Test trees may hand the engine only part of the configuration: read every section as optional
  const app: Partial<AppConfig> = ctx.config ?? {};
  const config: EngineConfigInput = app;
  const stored = db.get(K.engineState(broker)) as EngineStateRecord | undefined;
  // The venue behaviour (src/services/trading/venue.ts), as the fused core and the backtest run it;
  // the registry's facts (tick sizes, tradability) are read once here, never per order
  const tradable = tradableFromStore(db);
  const venue = venueBehaviour.init(
    {
      broker,
      adapter: { paper: paperConfigFrom(config.paper), ...(broker === 'zerodha' ? { zerodha: zerodhaVenueConfig(db) } : {}) },
      calendar: calendarFrom(config.feed),
      endOfDay: true,
      tickSizes: loadTickSizes(db),
      ...(tradable !== undefined ? { tradable } : {}),
    },
    { adapter: stored?.adapter, lastEodDay: stored?.lastEodDay ?? null },
  );
  const adapter = venue.adapter;
  let confirmedWm = stored?.confirmedWm ?? -1;
  const signalTopic = brokerTopic(broker, 'signals.validated');
  const positionKey = K.position(ctx.name, signalTopic);
  let position = db.get(positionKey) as ConsumerPosition | undefined;
  const counts = { signals: 0, applied: 0, duplicates: 0, skipped: 0, invalid: 0, submitErrors: 0, tickEvents: 0, endOfDays: 0 };
  const published = { 'orders.submitted': 0, 'orders.filled': 0, 'orders.failed': 0 };
  const pubs = {
    'orders.submitted': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.submitted')),
    'orders.filled': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.filled')),
    'orders.failed': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.failed')),
  };
  const testHooks = ctx.args['testHooks'] === true;
  let crashAt: { phase: CommitPhase; afterBatches: number } | null = null;

  const origins = new OriginBook((id) => (db.get(K.order(broker, id)) as StoredOrder | undefined)?.origin ?? null);
  const committer = new EngineCommitter(
    {
      db,
      durability: ctx.durability,
      broker,
      positionKey,
      origins,
      snapshot: () => ({ v: 1, broker, ...venueBehaviour.snapshot(venue), confirmedWm }),
      publish: (plan, items, phase) => {
        plan.messages.forEach((m, i) => {
          if (i === 1) phase('mid-publish');
          pubs[m.topic].send(envelopeFor(m, items[m.item]?.parent ?? null, broker, ctx.ids, ctx.name, ctx.clock.nowMs()));
          published[m.topic] += 1;
        });
      },
      release: (seq) => signals.releaseThrough(seq),
      onPhase: (p) => {
        zerodha?.onPhase(p);
        // Test-only fault injection: die at a chosen point of a batch (never set in production)
        if (crashAt !== null && crashAt.phase === p && committer.stats.batches >= crashAt.afterBatches) process.exit(9);
      },
    },
    lastFillSeq(db, broker),
  );
  const enqueue = (item: WorkItem): Promise<void> => committer.enqueue(item);

  // zerodha: the venue's effects are performed by the shell (Kite REST), after their commit
  let zerodha: ZerodhaShell | null = null;
  if (isZerodhaAdapter(adapter)) {
    const raw = db.get(K.session('zerodha'));
    const stored = raw === undefined ? undefined : decodeSession(raw, 'auth/zerodha');
    // A stored session (npm run login) wins over a configured token while it is not expired
    const accessToken = stored?.ok === true && stored.value.expiresAt > ctx.clock.nowMs() ? stored.value.accessToken : app.zerodha?.accessToken;
    const apiKey = app.zerodha?.apiKey ?? (stored?.ok === true ? stored.value.apiKey : undefined);
    const client = new KiteRestClient({
      // Without a key the client is never called: the shell starts halted (below)
      apiKey: apiKey ?? 'none',
      ...(accessToken !== undefined ? { accessToken } : {}),
      ...(app.zerodha?.restRoot !== undefined ? { root: app.zerodha.restRoot } : {}),
      onTokenException: () => zerodha?.tokenExpired(),
    });
    zerodha = createZerodhaShell({
      adapter,
      client,
      commit: (events) => enqueue({ parent: null, events }),
      nowMs: () => ctx.clock.nowMs(),
      log: ctx.log,
      countError: (code, detail) => ctx.countError(code, detail),
    });
    if (accessToken === undefined || apiKey === undefined) zerodha.tokenExpired();
  }

  // Ticks never run ahead of the validated-signal stream (watermarks and signal tickSeqs)
  let tickGate = -1;
  const exact = ctx.args['exactReplay'] === true;
  const signals = ctx.subscribe<unknown>(signalTopic, (env, meta) => {
    counts.signals += 1;
    if (alreadyApplied(position, ctx.runId, meta.seq)) {
      // Committed by an earlier incarnation of this run: release only, in order with pending work
      counts.skipped += 1;
      void enqueue({ parent: null, events: [], releaseSeq: meta.seq });
      return;
    }
    if ((env as Envelope | undefined)?.type === 'watermark') {
      // Every validated signal of ticks ≤ tickSeq is before this record: ticks up to it may run.
      // Released through the queue so earlier records are never released before their commit.
      const wm = (env as Envelope<WatermarkData>).data.tickSeq;
      if (wm > tickGate) tickGate = wm;
      if (!exact) {
        void enqueue({ parent: null, events: [], releaseSeq: meta.seq });
        return;
      }
      // Exact replay: apply every tick ≤ wm now, then, once everything before is committed, tell
      // the risk manager (on orders.filled) that fills of ticks ≤ wm are all in the log
      ticks.drainThrough(wm);
      // Committed with the state of this batch: fills of ticks ≤ wm are in the same transaction or before
      confirmedWm = wm;
      const confirm = childEvent(env as Envelope, ctx.ids, ctx.name, ctx.clock.nowMs(), { type: 'watermark', broker, key: 'watermark', data: { tickSeq: wm } });
      void enqueue({ parent: null, events: [], releaseSeq: meta.seq }).then(() => pubs['orders.filled'].send(confirm));
      return;
    }
    position = { epoch: ctx.runId, seq: meta.seq };
    const decoded = decodeValidated(env);
    if (!decoded.ok) {
      counts.invalid += 1;
      ctx.countError('ERR_SIGNAL_INVALID', { reason: decoded.error.reason, seq: meta.seq });
      void enqueue({ parent: null, events: [], position, releaseSeq: meta.seq });
      return;
    }
    const p = decoded.value;
    // Event time: the book sees exactly the ticks up to the one behind this signal before the
    // order arrives, so a replay gives the same fills whatever the threads' timing
    const tickSeq = p.signal.tickSeq;
    if (tickSeq !== undefined) {
      if (tickSeq > tickGate) tickGate = tickSeq;
      ticks.drainThrough(tickSeq);
    }
    // The venue places the order at the signal's event time (the tick behind it), so replays give
    // identical order and fill timestamps
    let out: VenueOut | undefined;
    venueBehaviour.handle(venue, { kind: 'submit', signal: p.signal, validatedQty: p.validatedQty, validatedPrice: p.validatedPrice }, (o) => (out = o));
    const placed = out?.kind === 'venue-events' ? out.events : null;
    if (placed !== null) counts.applied += 1;
    else if (out?.kind === 'venue-refused' && out.error.code === 'ERR_ORDER_DUPLICATE') counts.duplicates += 1;
    else if (out?.kind === 'venue-refused') {
      counts.submitErrors += 1;
      ctx.countError(out.error.code, out.error.detail);
    }
    void enqueue({ parent: placed !== null ? (env as Envelope) : null, events: placed ?? [], position, releaseSeq: meta.seq });
  });

  // Session ends and tick events, in the order the venue emits them
  const onVenue = (out: VenueOut): void => {
    if (out.kind !== 'venue-events') return;
    if (out.cause === 'end-of-day') counts.endOfDays += 1;
    else counts.tickEvents += out.events.length;
    void enqueue({ parent: null, events: out.events });
  };
  // A tick without an exchange stamp takes the wall clock as its event time (see tickMsg)
  const wallNow = (): number => ctx.clock.nowMs();
  const ticks = subscribeTicks(ctx, (tick, meta) => {
    venueBehaviour.handle(venue, tickMsg(tick, meta.seq, wallNow), onVenue);
  });
  // Only when the tree has a watermark source (args.eventTime, set by actors/tree.ts); a tree
  // without one (tests, external signal sources) processes ticks as they come
  if (ctx.args['eventTime'] === true) ticks.gate = () => tickGate;

  // Session ends follow the ticks' timestamps (replays, synthetic sessions: the ticks' days decide
  // when DAY orders expire); a feed on the wall clock also gets the session clock from a timer, so
  // DAY orders expire at the close even when no tick comes
  const wallClockSessions = !sessionsFollowTickTime(config.feed);
  const checkEndOfDay = (): void => {
    if (wallClockSessions) venueBehaviour.handle(venue, { kind: 'clock', ts: ctx.clock.nowMs() }, onVenue);
  };

  // KiteTicker order updates (zerodha with a kite feed: actors/tree.ts grants the topic)
  if (zerodha !== null && ctx.args['orderUpdates'] === true) {
    const shell = zerodha;
    ctx.subscribe<unknown>(brokerInternalTopic('zerodha', 'orders.updates'), (raw) => {
      const rec = decodeOrderUpdate(raw);
      if (!rec.ok) {
        ctx.countError(rec.error.code, rec.error.detail);
        return;
      }
      void shell.onOrderUpdate(rec.value.order);
    });
  }

  /** Modify (zerodha: committed as a request, sent to Kite after the commit; paper refuses it). */
  const modify = async (arg: unknown): Promise<CancelResult> => {
    const parsed = modifyArgFrom(arg);
    if (!parsed.ok) return { ok: false, code: 'ERR_ORDER_MODIFY_INVALID', message: parsed.error };
    const { orderId, change } = parsed.value;
    let out: VenueOut | undefined;
    venueBehaviour.handle(venue, { kind: 'modify', orderId, change, ts: ctx.clock.nowMs() }, (o) => (out = o));
    if (out === undefined) return { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${orderId}` };
    if (out.kind === 'venue-refused') return { ok: false, code: out.error.code, message: out.error.message };
    // The request is in the venue state: committed here, then sent (the order changes when Kite reports it)
    await enqueue({ parent: null, events: out.events });
    zerodha?.kick();
    const o = adapter.openOrders().find((x) => x.orderId === orderId);
    return o === undefined ? { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${orderId}` } : { ok: true, order: summarizeOrder(o) };
  };

  const cancel = async (arg: unknown): Promise<CancelResult> => {
    const orderId = (arg as { orderId?: unknown } | null)?.orderId;
    let out: VenueOut | undefined;
    venueBehaviour.handle(venue, { kind: 'cancel', orderId: typeof orderId === 'string' ? orderId : '', ts: ctx.clock.nowMs() }, (o) => (out = o));
    if (out === undefined) return { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${String(orderId)}` };
    if (out.kind === 'venue-refused') return { ok: false, code: out.error.code, message: out.error.message };
    await enqueue({ parent: null, events: out.events });
    if (zerodha !== null) {
      // The cancel is sent to Kite after this commit; the order changes when Kite reports it
      zerodha.kick();
      const o = adapter.openOrders().find((x) => x.orderId === orderId);
      return o === undefined ? { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${String(orderId)}` } : { ok: true, order: summarizeOrder(o) };
    }
    const last = [...out.events].reverse().find((e): e is Extract<AdapterEvent, { order: unknown }> => 'order' in e && e.order.orderId === orderId);
    return last === undefined ? { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${String(orderId)}` } : { ok: true, order: summarizeOrder(last.order) };
  };

  return {
    start() {
      checkEndOfDay();
      ctx.every(EOD_CHECK_MS, checkEndOfDay);
      if (zerodha !== null) {
        const shell = zerodha;
        const pollMs = typeof ctx.args['pollMs'] === 'number' ? ctx.args['pollMs'] : (app.zerodha?.pollMs ?? ZERODHA_POLL_MS);
        void shell.poll();
        ctx.every(pollMs, () => void shell.poll());
      }
    },
    async stop() {
      await committer.idle();
    },
    snapshot: () => ({
      broker,
      ...counts,
      published: { ...published },
      openOrders: adapter.openOrders().length,
      pending: committer.pending(),
      commits: { ...committer.stats },
      lastEodDay: venue.sessions?.lastDay ?? null,
      position: position ?? null,
      ...(zerodha !== null ? { zerodha: zerodha.snapshot() } : {}),
    }),
    health: () => {
      const z = zerodha?.health();
      if (z !== undefined && z.status !== 'healthy') return z;
      return committer.pending() > BACKLOG_DEGRADED ? { status: 'degraded', detail: `${committer.pending()} items wait for a commit` } : { status: 'healthy' };
    },
    call: commandTable({
      orders: (arg) => queryOrders(db, broker, ordersQueryFrom(arg)),
      fills: (arg) => queryFills(db, broker, fillsQueryFrom(arg)),
      'open-orders': () => adapter.openOrders(),
      cancel: (arg) => cancel(arg),
      modify: (arg) => modify(arg),
      // Test hooks exist only where the spec enables them
      ...(testHooks
        ? {
            'test-crash': (arg: unknown) => {
              crashAt = arg as { phase: CommitPhase; afterBatches: number };
              return 'armed';
            },
            'test-exit': () => {
              setImmediate(() => process.exit(9));
              return 'exiting';
            },
          }
        : {}),
    }),
  };
});
