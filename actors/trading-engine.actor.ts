// Trading engine, one per broker (`trading-engine-<broker>`, args.broker): executes validated signals
// and market ticks on the broker's adapter; orders, new fills, adapter state and the signal consumer
// position are committed in ONE LMDB transaction, and only then are order events published and the
// input released. Restart = restore the adapter from LMDB; redelivered signals are skipped by position
// or refused by the adapter's signal-key dedup, so a kill at any point neither loses nor repeats.
import { appError, isAppError } from '../src/errors.js';
import { defineActor } from '../src/runtime/actor.js';
import { summarizeOrder, type CancelResult, type EngineStateRecord, type StoredOrder } from '../src/protocol/engine.js';
import { childEvent, type Envelope, type WatermarkData } from '../src/protocol/envelope.js';
import { brokerTopic } from '../src/protocol/topics.js';
import { K } from '../src/store/keyspace.js';
import { alreadyApplied, type ConsumerPosition } from '../src/store/lmdb.js';
import { assertBrokerSupported, createAdapter, type AdapterEvent } from '../src/services/engine/adapter.js';
import { EngineCommitter, type CommitPhase } from '../src/services/engine/committer.js';
import { calendarFrom, instrumentFactsOf, paperConfigFrom, type EngineConfigInput } from '../src/services/engine/config.js';
import { tradableFromStore } from '../src/services/instrument-registry/tradable.js';
import { decodeValidated } from '../src/services/engine/decode.js';
import { envelopeFor } from '../src/services/engine/messages.js';
import { OriginBook, type WorkItem } from '../src/services/engine/plan.js';
import { fillsQueryFrom, lastFillSeq, ordersQueryFrom, queryFills, queryOrders } from '../src/services/engine/queries.js';
import { dueEndOfDay } from '../src/domain/market-hours/index.js';
import { sessionsFollowTickTime } from '../src/services/engine/config.js';

const EOD_CHECK_MS = 1000;
/** More queued work than this means commits cannot keep up with the input. */
const BACKLOG_DEGRADED = 10_000;

export default defineActor((ctx) => {
  const broker = ctx.args['broker'];
  try {
    assertBrokerSupported(broker);
  } catch (e) {
    if (isAppError(e)) ctx.log.fatal({ code: e.code }, e.message);
    throw e;
  }
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: `${ctx.name} needs the store (needsStore)` });
  const config = (ctx.config ?? {}) as EngineConfigInput;
  const stored = db.get(K.engineState(broker)) as EngineStateRecord | undefined;
  const adapter = createAdapter(broker, { paper: paperConfigFrom(config.paper) }, stored?.adapter);
  const calendar = calendarFrom(config.feed);
  // The registry's tradability (loaded before the trading subtree): orders on an index are refused
  const tradable = tradableFromStore(db);
  let lastEodDay = stored?.lastEodDay ?? null;
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
      snapshot: () => ({ v: 1, broker, adapter: adapter.exportState(), lastEodDay, confirmedWm }),
      publish: (plan, items, phase) => {
        plan.messages.forEach((m, i) => {
          if (i === 1) phase('mid-publish');
          pubs[m.topic].send(envelopeFor(m, items[m.item]?.parent ?? null, broker, ctx.ids, ctx.name, ctx.clock.nowMs()));
          published[m.topic] += 1;
        });
      },
      release: (seq) => signals.releaseThrough(seq),
      onPhase: (p) => {
        // Test-only fault injection: die at a chosen point of a batch (never set in production)
        if (crashAt !== null && crashAt.phase === p && committer.stats.batches >= crashAt.afterBatches) process.exit(9);
      },
    },
    lastFillSeq(db, broker),
  );
  const enqueue = (item: WorkItem): Promise<void> => committer.enqueue(item);

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
    const facts = instrumentFactsOf(db.get(K.instrument(p.signal.token)), p.signal.token, tradable);
    const input = { signal: p.signal, validatedQty: p.validatedQty, validatedPrice: p.validatedPrice, ...facts };
    // Event time: the order is placed at the time of the tick behind the signal (not the wall
    // clock of validation), so replays give identical order and fill timestamps
    const r = adapter.submit(input, p.signal.ts);
    if (r.ok) counts.applied += 1;
    else if (r.error.code === 'ERR_ORDER_DUPLICATE') counts.duplicates += 1;
    else {
      counts.submitErrors += 1;
      ctx.countError(r.error.code, r.error.detail);
    }
    void enqueue({ parent: r.ok ? (env as Envelope) : null, events: r.ok ? r.value : [], position, releaseSeq: meta.seq });
  });

  const ticks = ctx.subscribeTicks((tick) => {
    const ts = tick.exchangeTs > 0 ? tick.exchangeTs : ctx.clock.nowMs();
    // Replays run session ends on the ticks' own clock (checked once per second of event time)
    if (eventTimeSessions && ts >= nextEodCheck) {
      nextEodCheck = ts + EOD_CHECK_MS;
      runEndOfDay(ts);
    }
    const events = adapter.onTick(tick.token, tick.ltp, ts);
    if (events.length === 0) return;
    counts.tickEvents += events.length;
    void enqueue({ parent: null, events });
  });
  // Only when the tree has a watermark source (args.eventTime, set by actors/tree.ts); a tree
  // without one (tests, external signal sources) processes ticks as they come
  if (ctx.args['eventTime'] === true) ticks.gate = () => tickGate;

  // Session ends follow the wall clock for live feeds and the ticks' timestamps for replays and
  // synthetic sessions, where the ticks' days (not today's) decide when DAY orders expire
  const eventTimeSessions = sessionsFollowTickTime(config.feed);
  let nextEodCheck = 0;
  const checkEndOfDay = (): void => {
    if (!eventTimeSessions) runEndOfDay(ctx.clock.nowMs());
  };
  const runEndOfDay = (nowMs: number): void => {
    const due = dueEndOfDay(nowMs, lastEodDay, calendar);
    if (due === null) return;
    const events = adapter.endOfDay(due.ts);
    lastEodDay = due.day;
    counts.endOfDays += 1;
    void enqueue({ parent: null, events });
  };

  const cancel = async (arg: unknown): Promise<CancelResult> => {
    const orderId = (arg as { orderId?: unknown } | null)?.orderId;
    const r = adapter.cancel(typeof orderId === 'string' ? orderId : '', ctx.clock.nowMs());
    if (!r.ok) return { ok: false, code: r.error.code, message: r.error.message };
    await enqueue({ parent: null, events: r.value });
    const last = [...r.value].reverse().find((e): e is Extract<AdapterEvent, { order: unknown }> => 'order' in e && e.order.orderId === orderId);
    return last === undefined ? { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${String(orderId)}` } : { ok: true, order: summarizeOrder(last.order) };
  };

  return {
    start() {
      checkEndOfDay();
      ctx.every(EOD_CHECK_MS, checkEndOfDay);
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
      lastEodDay,
      position: position ?? null,
    }),
    health: () => (committer.pending() > BACKLOG_DEGRADED ? { status: 'degraded', detail: `${committer.pending()} items wait for a commit` } : { status: 'healthy' }),
    call(command: string, arg: unknown) {
      switch (command) {
        case 'orders':
          return queryOrders(db, broker, ordersQueryFrom(arg));
        case 'fills':
          return queryFills(db, broker, fillsQueryFrom(arg));
        case 'open-orders':
          return adapter.openOrders();
        case 'cancel':
          return cancel(arg);
        case 'test-crash':
          if (!testHooks) break;
          crashAt = arg as { phase: CommitPhase; afterBatches: number };
          return 'armed';
        case 'test-exit':
          if (!testHooks) break;
          setImmediate(() => process.exit(9));
          return 'exiting';
      }
      throw new Error(`${ctx.name}: unknown command "${command}" (expected orders, fills, open-orders, cancel)`);
    },
  };
});
