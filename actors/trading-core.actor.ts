// Trading core: the FUSED topology (performance goal G5). Strategy engine → risk rules → paper venue
// run synchronously in ONE worker per tick, with rings only at the edges: market.ticks in,
// {b}.orders.* (and rejections) out to the portfolio, monitor and gateway. The pure code is the
// same as the split actors' (strategy-runner, risk-manager, trading-engine); what changes is that
// no signal crosses a thread, risk sees fills as the venue makes them, and each batch commits
// orders, fills, venue state, risk state and the tick position in ONE LMDB transaction before its
// events are published. A restart resumes from that state and skips ticks it already applied.
import { isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '../src/config.js';
import { appError } from '../src/errors.js';
import { defineActor } from '../src/runtime/actor.js';
import { childEvent, rootEvent, type Envelope } from '../src/protocol/envelope.js';
import type { EngineStateRecord, StoredOrder } from '../src/protocol/engine.js';
import { brokerTopic, MARKET_TICKS } from '../src/protocol/topics.js';
import type { AdapterEvent } from '../src/services/engine/adapter.js';
import { assertBrokerSupported, createAdapter } from '../src/services/engine/adapter.js';
import { calendarFrom, paperConfigFrom, tickSizeOf } from '../src/services/engine/config.js';
import { envelopeFor } from '../src/services/engine/messages.js';
import { OriginBook } from '../src/services/engine/plan.js';
import { dueEndOfDay } from '../src/domain/market-hours/index.js';
import type { StoreWrite } from '../src/services/portfolio/fill-log.js';
import { catchUpRiskFills, loadRiskBooks, riskWrites } from '../src/services/risk/books.js';
import { riskLimitsFromConfig } from '../src/services/risk/limits.js';
import { verdictOutput } from '../src/services/risk/verdict.js';
import { buildRunner, describeConfigError, readStrategiesFile, strategiesStartupError } from '../src/services/strategy/load.js';
import { createMarketGate } from '../src/domain/market-hours/index.js';
import { restoreState, stateRecord } from '../src/services/strategy/state.js';
import { CoreCommitter } from '../src/services/trading-core/committer.js';
import { evaluateAndRecord, onFill, onTick as riskOnTick } from '../src/domain/risk/index.js';
import type { TradingSignal } from '../src/domain/types.js';
import { K } from '../src/store/keyspace.js';
import { alreadyApplied, type ConsumerPosition } from '../src/store/lmdb.js';

const EOD_CHECK_MS = 1000;
/** Strategy timers and histories are saved with the next batch this often (as the runner does). */
const STRATEGY_PERSIST_MS = 5000;
const BACKLOG_DEGRADED = 10_000;

export default defineActor(async (ctx) => {
  const config = ctx.config as AppConfig;
  const broker = ctx.args['broker'];
  assertBrokerSupported(broker);
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: `${ctx.name} needs the store (needsStore)` });

  // Strategies: a bad file refuses the start, exactly as in the strategy runner
  const file = isAbsolute(config.strategies.file) ? config.strategies.file : resolve(process.cwd(), config.strategies.file);
  const loaded = readStrategiesFile(file);
  const setup = loaded.ok ? buildRunner(loaded.value, [broker]) : loaded;
  if (!setup.ok) {
    for (const e of setup.error) ctx.log.error({ ...e, file }, describeConfigError(e));
    throw strategiesStartupError(file, setup.error);
  }
  const { engine } = setup.value;
  const savedStrategies: unknown = db.get([...K.strategyState()]);
  if (savedStrategies !== undefined) {
    const r = restoreState(engine, savedStrategies, ctx.clock.nowMs());
    if (!r.ok) ctx.countError(r.error.code, { ...r.error });
  }
  const gate = createMarketGate({ market24x7: config.feed.market24x7 ?? false, holidays: config.feed.holidays });

  // Risk state from LMDB, then every logged fill after its watermark (the log is the source of truth)
  const limits = riskLimitsFromConfig(config.risk);
  const books = loadRiskBooks(db, [broker]);
  const risk = books.get(broker)!;
  catchUpRiskFills(db, risk);

  // The venue, restored from its last committed state
  const stored = db.get(K.engineState(broker)) as EngineStateRecord | undefined;
  const adapter = createAdapter(broker, { paper: paperConfigFrom(config.paper) }, stored?.adapter);
  const calendar = calendarFrom(config.feed);
  let lastEodDay = stored?.lastEodDay ?? null;

  const positionKey = K.position(ctx.name, MARKET_TICKS);
  const restoredPosition = db.get(positionKey) as ConsumerPosition | undefined;
  let lastTickSeq = -1;
  let strategyDue = false;
  const counts = { ticks: 0, skipped: 0, signals: 0, validated: 0, rejected: 0, duplicates: 0, submitErrors: 0, tickEvents: 0, endOfDays: 0 };
  const pubs = {
    'orders.submitted': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.submitted')),
    'orders.filled': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.filled')),
    'orders.failed': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.failed')),
  };
  const rejectedPub = ctx.publisher<Envelope>(brokerTopic(broker, 'signals.rejected'));

  const origins = new OriginBook((id) => (db.get(K.order(broker, id)) as StoredOrder | undefined)?.origin ?? null);
  const committer = new CoreCommitter({
    db,
    durability: ctx.durability,
    broker,
    origins,
    capture: () => {
      const venue: EngineStateRecord = { v: 1, broker, adapter: adapter.exportState(), lastEodDay };
      const writes: StoreWrite[] = [{ kind: 'put', key: K.engineState(broker), value: venue }, ...riskWrites(books)];
      if (lastTickSeq >= 0) writes.push({ kind: 'put', key: positionKey, value: { epoch: ctx.runId, seq: lastTickSeq } satisfies ConsumerPosition });
      if (strategyDue) {
        strategyDue = false;
        writes.push({ kind: 'put', key: [...K.strategyState()], value: stateRecord(engine, ctx.clock.nowMs()) });
      }
      return writes;
    },
    publish: (plan, items, rejected) => {
      const now = ctx.clock.nowMs();
      for (const m of plan.messages) pubs[m.topic].send(envelopeFor(m, items[m.item]?.parent ?? null, broker, ctx.ids, ctx.name, now));
      for (const r of rejected) rejectedPub.send(r);
    },
  });

  // Risk follows the venue's fills synchronously (no log catch-up on the tick path)
  const applyFills = (events: readonly AdapterEvent[]): void => {
    for (const e of events) if (e.type === 'fill') onFill(risk, e.fill);
  };

  const onSignal = (s: TradingSignal, now: number): void => {
    counts.signals += 1;
    const key = `${s.strategyId}:${s.token}`;
    const signalEvent = rootEvent(ctx.ids, ctx.name, now, { type: 'trading_signal', broker, key, data: s });
    const verdict = evaluateAndRecord(risk, s, limits);
    const out = verdictOutput(s, verdict, now);
    const verdictEvent = childEvent(signalEvent, ctx.ids, ctx.name, out.data.ts, { type: out.type, broker, key, data: out.data });
    if (out.type === 'rejected_signal') {
      counts.rejected += 1;
      committer.reject(verdictEvent);
      return;
    }
    counts.validated += 1;
    const tickSize = tickSizeOf(db.get(K.instrument(s.token)));
    const input = { signal: s, validatedQty: out.data.validatedQty, validatedPrice: out.data.validatedPrice, ...(tickSize !== undefined ? { tickSize } : {}) };
    const r = adapter.submit(input, out.data.ts);
    if (!r.ok) {
      if (r.error.code === 'ERR_ORDER_DUPLICATE') counts.duplicates += 1;
      else {
        counts.submitErrors += 1;
        ctx.countError(r.error.code, r.error.detail);
      }
      return;
    }
    applyFills(r.value);
    committer.add({ parent: verdictEvent, events: r.value });
  };

  ctx.subscribeTicks((tick, meta) => {
    // Applied by an earlier incarnation of this run (committed with its effects): skip
    if (alreadyApplied(restoredPosition, ctx.runId, meta.seq)) {
      counts.skipped += 1;
      return;
    }
    counts.ticks += 1;
    lastTickSeq = meta.seq;
    const now = ctx.clock.nowMs();
    const ts = tick.exchangeTs > 0 ? tick.exchangeTs : now;
    // Same order as the split pipeline's event time: the tick reaches risk and the venue before
    // the signals it produces
    riskOnTick(risk, tick.token, tick.ltp);
    const tickEvents = adapter.onTick(tick.token, tick.ltp, ts);
    if (tickEvents.length > 0) {
      counts.tickEvents += tickEvents.length;
      applyFills(tickEvents);
      committer.add({ parent: null, events: tickEvents });
    }
    if (!gate(ts)) return;
    const out = engine.onTick(tick, ts);
    if (out.signals.length > 0) for (const s of out.signals) onSignal({ ...s, tickSeq: meta.seq }, now);
    if (out.errors.length > 0) {
      for (const e of out.errors) ctx.countError('ERR_STRATEGY_FAILED', { strategyId: e.strategyId, token: e.token, reason: e.message, fatal: e.fatal });
    }
    if (out.rejected.length > 0) {
      for (const r of out.rejected) ctx.countError('ERR_SIGNAL_INVALID', { strategyId: r.strategyId, token: r.token, reason: r.error.reason });
    }
  });

  const checkEndOfDay = (): void => {
    const due = dueEndOfDay(ctx.clock.nowMs(), lastEodDay, calendar);
    if (due === null) return;
    const events = adapter.endOfDay(due.ts);
    lastEodDay = due.day;
    counts.endOfDays += 1;
    applyFills(events);
    committer.add({ parent: null, events });
  };
  const persistStrategies = (): Promise<void> => {
    strategyDue = true;
    return committer.flush();
  };

  return {
    start() {
      checkEndOfDay();
      ctx.every(EOD_CHECK_MS, checkEndOfDay);
      ctx.every(STRATEGY_PERSIST_MS, () => void persistStrategies());
    },
    async stop() {
      await persistStrategies();
    },
    snapshot: () => ({ broker, ...counts, openOrders: adapter.openOrders().length, pending: committer.pending(), commits: { ...committer.stats } }),
    health: () =>
      committer.pending() > BACKLOG_DEGRADED ? { status: 'degraded', detail: `${committer.pending()} items wait for a commit` } : { status: 'healthy' },
    call(command: string) {
      switch (command) {
        case 'open-orders':
          return adapter.openOrders();
        case 'persist':
          return persistStrategies().then(() => true);
        default:
          throw appError('ERR_COMMAND_INVALID', { command, reason: 'unknown command, expected open-orders or persist' });
      }
    },
  };
});
