// Trading core of one broker: the FUSED topology (`trading-core-<broker>`, RUNTIME__TOPOLOGY=fused).
// The trading step behaviour (src/services/trading/step.ts: venue and risk see the tick, then
// strategies → risk → venue, fills back to risk) runs synchronously on each tick of market.ticks;
// nothing on that path waits for storage. Durability comes from checkpoints (src/runtime/checkpoint.ts):
// every RUNTIME__CHECKPOINT_INTERVAL_MS the shell captures the step's state, the tick position and
// the events staged since the last capture, commits them in ONE LMDB transaction off the thread,
// and only then publishes the events (signals, verdicts, order events: what the portfolio, monitor
// and gateway see) and releases the ticks it consumed.
//
// After a crash the core restores its last completed checkpoint; the tick ring redelivers every
// unreleased tick (manualRelease), a rewound replay feed re-publishes the rest (ticks at or below
// the checkpoint's feed position are skipped), and the deterministic step regenerates the same
// orders and fills. What was published was committed first, so nothing acknowledged is lost or
// duplicated. State lives under the same keys as the split actors' (engine, risk, strategy state),
// so a store can switch topology between runs.
//
// In the split topology (args.runner) the strategies run in the strategy runner's worker: the core
// takes their signals from `{broker}.signals.raw` and the ticks from market.ticks, merged by event
// time (a tick is handled once the runner's watermark or a signal has passed it), so risk still
// sees every fill before the next signal. The runner's state joins this core's checkpoints as cuts
// (src/services/strategy/cuts.ts); both inputs are released only by a completed checkpoint.
import { isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '../src/config.js';
import { appError } from '../src/errors.js';
import type { Broker } from '../src/domain/types.js';
import type { Envelope } from '../src/protocol/envelope.js';
import { RunnerIntake } from '../src/services/trading-core/runner-intake.js';
import { CHECKPOINT_VERSION, isCheckpointRecord, type CheckpointRecord, type FileFingerprint } from '../src/protocol/checkpoint.js';
import { summarizeOrder, type CancelResult, type StoredOrder } from '../src/protocol/engine.js';
import { brokerTopic, MARKET_TICKS } from '../src/protocol/topics.js';
import { tickMsg, type StepOut } from '../src/protocol/trading.js';
import { commandTable, defineActor } from '../src/runtime/actor.js';
import { Checkpointer } from '../src/runtime/checkpoint.js';
import { assertBrokerSupported, type AdapterEvent } from '../src/services/engine/adapter.js';
import { putFillOnce } from '../src/services/engine/committer.js';
import { putOrders } from '../src/services/engine/order-index.js';
import { modifyArgFrom } from '../src/services/engine/modify.js';
import { fillsQueryFrom, lastFillSeq, ordersQueryFrom, queryFills, queryOrders } from '../src/services/engine/queries.js';
import { tradableFromStore } from '../src/services/instrument-registry/tradable.js';
import { OriginBook, planBatch } from '../src/services/engine/plan.js';
import { fingerprintOf, readHead } from '../src/services/feed/replay-position.js';
import { flattenRequest, parseFlatten, parseKillSwitch, riskStateView } from '../src/services/risk/queries.js';
import type { FlattenReply, KillSwitchReply } from '../src/protocol/risk.js';
import { strategyInfos } from '../src/services/strategy/snapshot.js';
import { buildRunner, describeConfigError, readStrategiesFile, strategiesStartupError } from '../src/services/strategy/load.js';
import { FlattenReport, parsePause, setPaused, tradingStepBehaviour } from '../src/services/trading/index.js';
import { isTerminal } from '../src/domain/order/status.js';
import { K } from '../src/store/keyspace.js';
import { alreadyApplied, type ConsumerPosition } from '../src/store/lmdb.js';
import { countStrategyProblem } from '../src/services/strategy/problems.js';
import { prepareBatch, releaseBatch, type StagedOutput } from '../src/services/trading-core/staged.js';
import { restoreStep, stepStateWriter } from '../src/services/trading-core/state.js';
import { subscribeTicks } from '../src/services/feed/tick-channel.js';

/** More staged events than this between two checkpoints means commits cannot keep up. */
const STAGED_DEGRADED = 100_000;

export default defineActor<AppConfig>(async (ctx) => {
  const config = ctx.config;
  const broker: Broker = (() => {
    const b = ctx.args['broker'];
    assertBrokerSupported(b);
    return b;
  })();
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: `${ctx.name} needs the store (needsStore)` });
  const intervalMs = config.runtime.checkpointIntervalMs;

  // Split topology: the strategies run in the strategy runner, their signals come over a ring
  const runner = ctx.args['runner'] === true;
  // Strategies: a bad file refuses the start, exactly as in the strategy runner
  const file = isAbsolute(config.strategies.file) ? config.strategies.file : resolve(process.cwd(), config.strategies.file);
  const loaded = runner ? ({ ok: true, value: [] } as const) : readStrategiesFile(file);
  // The registry's tradability (it runs before the trading subtree): refused at load, by risk and the venue
  const tradable = tradableFromStore(db);
  const setup = loaded.ok ? buildRunner(loaded.value, [broker], {}, tradable) : loaded;
  if (!setup.ok) {
    for (const e of setup.error) ctx.log.error({ ...e, file }, describeConfigError(e));
    throw strategiesStartupError(file, setup.error);
  }

  // Replays name their file in every checkpoint: a different file means the position is void
  const replay: FileFingerprint | null = config.feed.source === 'replay' && config.feed.replayFile !== undefined ? fingerprintOf(readHead(config.feed.replayFile)) : null;
  const stored = db.get(K.checkpoint(ctx.name));
  const checkpoint = isCheckpointRecord(stored) ? stored : undefined;
  // A live KiteTicker feed journals its ticks and rewinds to the position this core's checkpoint names
  const journaled = config.feed.source === 'kite';
  // Ticks of this replay file (or of the live journal) with a feed position below this are in the restored state
  // (a split core's own position is `consumed`: the feed positions name where the runner's cut resumes)
  let nextFeedSeq =
    replay !== null && checkpoint?.replay != null && checkpoint.replay.fingerprint.sha1 === replay.sha1
      ? (checkpoint.consumed?.nextFeedSeq ?? checkpoint.replay.nextFeedSeq)
      : journaled && checkpoint?.journal != null
        ? (checkpoint.consumed?.nextFeedSeq ?? checkpoint.journal.nextFeedSeq)
        : 0;
  /** The first feed position this incarnation traded (a rewind starts exactly at the restored nextFeedSeq). */
  let firstFeedSeq: number | null = null;
  const restoredFeedSeq = nextFeedSeq;

  // The step, restored from the state the last checkpoint (or the split actors) committed
  const restored = restoreStep(db, config, broker, setup.value.engine.strategies(), tradable, ctx.clock.nowMs());
  const step = restored.step;
  // The kill switch's read model is current from the start (a store may predate it)
  void db.put(K.killSwitchView(broker), { ...step.risk.state.killSwitch });
  if (restored.strategies !== undefined && !restored.strategies.ok) ctx.countError(restored.strategies.error.code, { ...restored.strategies.error });

  const positionKey = K.position(ctx.name, MARKET_TICKS);
  const restoredPosition = db.get(positionKey) as ConsumerPosition | undefined;
  const counts = { ticks: 0, skipped: 0, replayed: 0, signals: 0, validated: 0, rejected: 0, applied: 0, duplicates: 0, tickEvents: 0, endOfDays: 0, fills: 0 };
  /** Fills in completed checkpoints: how many, and the last fillSeq (the fill log's end). */
  const committed = { fills: 0, lastFillSeq: lastFillSeq(db, broker) };
  const pub = {
    // Split: the runner publishes the raw signals (never sent from here)
    'signals.raw': runner ? null : ctx.publisher<Envelope>(brokerTopic(broker, 'signals.raw')),
    'signals.validated': ctx.publisher<Envelope>(brokerTopic(broker, 'signals.validated')),
    'signals.rejected': ctx.publisher<Envelope>(brokerTopic(broker, 'signals.rejected')),
    'orders.submitted': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.submitted')),
    'orders.filled': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.filled')),
    'orders.failed': ctx.publisher<Envelope>(brokerTopic(broker, 'orders.failed')),
  };

  /** Order events released (after their checkpoint): what the outside has seen. */
  const published = { 'orders.submitted': 0, 'orders.filled': 0, 'orders.failed': 0 };
  // The step's outputs since the last capture, as data (envelopes are built at capture)
  let staged: StagedOutput[] = [];
  let lastTickSeq = -1;
  let dirty = false;
  // Latency of decisions: tick stamped at the feed (stampNs, shared monotonic clock) → fill decided
  // here. The last DECIDED_KEPT samples are kept for `call('decision-latency')` (benchmarks).
  const DECIDED_KEPT = 1 << 16;
  const decidedNs = new Float64Array(DECIDED_KEPT);
  const decided = { count: 0, lastNs: 0 };

  let stampNs = 0;
  // Split: the feed stamps of recent ticks by ring seq, so a fill decided on a signal is measured
  // from the tick behind that signal
  const STAMP_MASK = (1 << 12) - 1;
  const stamps = new Float64Array(STAMP_MASK + 1);
  // Event time of the last tick handled: the step's clock, which a flatten's orders are stamped with
  let eventTs = 0;
  const onOut = (out: StepOut): void => {
    switch (out.kind) {
      case 'signal':
        counts.signals++;
        staged.push(out);
        return;
      case 'verdict':
        if (out.verdict.outcome === 'validated') counts.validated++;
        else counts.rejected++;
        staged.push(out);
        return;
      case 'venue-events': {
        if (out.cause === 'end-of-day') counts.endOfDays++;
        if (out.cause === 'tick') counts.tickEvents += out.events.length;
        if (out.cause === 'submit') counts.applied++;
        for (const e of out.events) {
          if (e.type !== 'fill') continue;
          counts.fills++;
          if (stampNs > 0) {
            decided.lastNs = ctx.clock.monoNs() - stampNs;
            decidedNs[decided.count++ % DECIDED_KEPT] = decided.lastNs;
          }
        }
        staged.push({ kind: 'work', cause: out.cause, events: out.events });
        return;
      }
      case 'venue-refused':
        if (out.error.code === 'ERR_ORDER_DUPLICATE') counts.duplicates++;
        else ctx.countError(out.error.code, { ...out.error });
        return;
      case 'fill-duplicate':
        // The venue never emits a fill twice: a broken invariant, let it crash
        throw appError('ERR_FILL_INVALID', { tradeId: out.fill.tradeId, reason: 'the venue emitted a fill twice' });
      case 'strategy-failed':
      case 'signal-invalid':
        countStrategyProblem(ctx.countError, out);
        return;
    }
  };

  // A tick without an exchange stamp takes the wall clock as its event time (see tickMsg)
  const wallNow = (): number => ctx.clock.nowMs();
  const ticks = subscribeTicks(ctx, (tick, meta) => {
    // Applied by an earlier incarnation of this run (in its last checkpoint): skip
    if (alreadyApplied(restoredPosition, ctx.runId, meta.seq)) {
      counts.skipped++;
      return;
    }
    lastTickSeq = meta.seq;
    dirty = true;
    // A rewound replay or journal re-publishes ticks the restored state already holds: skip them
    if ((replay !== null || journaled) && tick.feedSeq >= 0) {
      if (tick.feedSeq < nextFeedSeq) {
        counts.replayed++;
        return;
      }
      nextFeedSeq = tick.feedSeq + 1;
      if (firstFeedSeq === null) {
        firstFeedSeq = tick.feedSeq;
        // A gap here (first > restored) means ticks the restored state had not seen were lost
        ctx.log.info({ restoredFeedSeq, firstFeedSeq }, firstFeedSeq === restoredFeedSeq ? 'feed resumed at the checkpoint' : 'feed resumed past the checkpoint');
      }
    }
    counts.ticks++;
    stampNs = tick.stampNs;
    stamps[meta.seq & STAMP_MASK] = tick.stampNs;
    const msg = tickMsg(tick, meta.seq, wallNow);
    eventTs = msg.ts;
    tradingStepBehaviour.handle(step, msg, onOut);
    stampNs = 0;
  });

  // Split: the runner's signals, watermarks and cuts, in ring order (see the file header)
  const rawTopic = brokerTopic(broker, 'signals.raw');
  const sigPositionKey = K.position(ctx.name, rawTopic);
  const restoredSigPosition = runner ? (db.get(sigPositionKey) as ConsumerPosition | undefined) : undefined;
  const intake = new RunnerIntake(checkpoint);
  let lastSigRecord = -1;
  if (runner) ticks.gate = () => intake.gate;
  const signals = !runner
    ? null
    : ctx.subscribe<Envelope>(rawTopic, (env, meta) => {
        if (alreadyApplied(restoredSigPosition, ctx.runId, meta.seq)) {
          counts.skipped++;
          return;
        }
        lastSigRecord = meta.seq;
        dirty = true;
        const next = intake.accept(env);
        switch (next.kind) {
          case 'ticks':
            ticks.drainThrough(next.through);
            return;
          case 'replayed':
            counts.replayed++;
            return;
          case 'invalid':
            ctx.countError('ERR_SIGNAL_INVALID', { topic: rawTopic, seq: meta.seq, reason: next.reason });
            return;
          case 'signal':
            ticks.drainThrough(next.through);
            counts.signals++;
            // The runner's envelope is the parent of the verdict (correlation as in the split actors)
            staged.push({ kind: 'parent', env });
            stampNs = stamps[next.through & STAMP_MASK]!;
            tradingStepBehaviour.handle(step, { kind: 'signal', signal: next.signal }, onOut);
            stampNs = 0;
            return;
        }
      });

  const origins = new OriginBook((id) => (db.get(K.order(broker, id)) as StoredOrder | undefined)?.origin ?? null);
  const checkpointer = new Checkpointer(
    {
      db,
      durability: ctx.durability,
      capture: (n) => {
        if (!dirty && staged.length === 0) return null;
        dirty = false;
        const batch = prepareBatch(staged, broker, ctx.ids, ctx.name);
        staged = [];
        const plan = planBatch(broker, batch.items, origins);
        const now = ctx.clock.nowMs();
        const writeState = stepStateWriter(step, broker, now, !runner);
        const releaseSeq = lastTickSeq;
        const releaseSig = lastSigRecord;
        // Split: the feed must rewind to the runner's cut (at or before this core's own position)
        const cut = intake.checkpoint(nextFeedSeq);
        const feedAt = runner ? cut.rewindTo : nextFeedSeq;
        const record: CheckpointRecord = {
          v: CHECKPOINT_VERSION,
          n,
          at: now,
          replay: replay === null ? null : { fingerprint: replay, nextFeedSeq: feedAt },
          journal: journaled ? { nextFeedSeq: feedAt } : null,
          ...(runner ? { runner: cut.runner, consumed: { nextFeedSeq, lastSigSeq: cut.lastSigSeq, runId: ctx.runId } } : {}),
        };
        return {
          write: (tx) => {
            putOrders(tx, broker, plan.orders.values());
            for (const f of plan.fills) putFillOnce(tx, broker, f);
            writeState(tx);
            if (releaseSeq >= 0) void tx.put(positionKey, { epoch: ctx.runId, seq: releaseSeq } satisfies ConsumerPosition);
            if (releaseSig >= 0) void tx.put(sigPositionKey, { epoch: ctx.runId, seq: releaseSig } satisfies ConsumerPosition);
            void tx.put(K.checkpoint(ctx.name), record);
          },
          complete: () => {
            // Released in the order they happened; order events follow the verdict that caused them.
            // One burst: parked subscribers are woken once for the whole checkpoint
            ctx.burst(() =>
              releaseBatch(batch, plan, (topic, env) => {
                pub[topic]?.send(env);
                if (topic in published) published[topic as keyof typeof published]++;
              }, broker, ctx.ids, ctx.name, ctx.clock.nowMs()),
            );
            origins.evict(plan.orders.values(), (o) => isTerminal(o.status));
            committed.fills += plan.fills.length;
            const last = plan.fills[plan.fills.length - 1];
            if (last !== undefined) committed.lastFillSeq = last.fillSeq;
            if (releaseSeq >= 0) ticks.releaseThrough(releaseSeq);
            if (releaseSig >= 0) signals?.releaseThrough(releaseSig);
          },
        };
      },
    },
    checkpoint?.n ?? 0,
  );

  // Modify: venues without it (paper) refuse it with ERR_ORDER_MODIFY_UNSUPPORTED
  const modify = async (arg: unknown): Promise<CancelResult> => {
    const parsed = modifyArgFrom(arg);
    if (!parsed.ok) return { ok: false, code: 'ERR_ORDER_MODIFY_INVALID', message: parsed.error };
    const { orderId, change } = parsed.value;
    let result: CancelResult = { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${orderId}` };
    tradingStepBehaviour.handle(step, { kind: 'modify', orderId, change, ts: ctx.clock.nowMs() }, (out) => {
      if (out.kind === 'venue-refused') {
        result = { ok: false, code: out.error.code, message: out.error.message };
        return;
      }
      onOut(out);
      const o = out.kind === 'venue-events' ? step.venue.adapter.openOrders().find((x) => x.orderId === orderId) : undefined;
      if (o !== undefined) result = { ok: true, order: summarizeOrder(o) };
    });
    dirty = true;
    // Answered only once the change is in a completed checkpoint
    await checkpointer.trigger();
    return result;
  };

  const cancel = async (arg: unknown): Promise<CancelResult> => {
    const orderId = (arg as { orderId?: unknown } | null)?.orderId;
    let result: CancelResult = { ok: false, code: 'ERR_ORDER_UNKNOWN', message: `no order ${String(orderId)}` };
    tradingStepBehaviour.handle(step, { kind: 'cancel', orderId: typeof orderId === 'string' ? orderId : '', ts: ctx.clock.nowMs() }, (out) => {
      if (out.kind === 'venue-refused') result = { ok: false, code: out.error.code, message: out.error.message };
      if (out.kind !== 'venue-events') return;
      dirty = true;
      staged.push({ kind: 'work', cause: 'cancel', events: out.events });
      const last = [...out.events].reverse().find((e): e is Extract<AdapterEvent, { order: unknown }> => 'order' in e && e.order.orderId === orderId);
      if (last !== undefined) result = { ok: true, order: summarizeOrder(last.order) };
    });
    // Answered only once the cancel is in a completed checkpoint (journaled before the reply)
    await checkpointer.trigger();
    return result;
  };

  const killSwitch = async (arg: unknown): Promise<KillSwitchReply> => {
    const cmd = parseKillSwitch(arg, [broker]);
    tradingStepBehaviour.handle(step, { kind: 'kill-switch', engaged: cmd.engaged, reason: cmd.reason }, onOut);
    dirty = true;
    ctx.log.warn({ engaged: cmd.engaged, reason: cmd.reason, broker }, 'kill switch changed');
    // Journaled before the reply: the command is in a completed checkpoint when the caller hears back
    await checkpointer.trigger();
    return { [broker]: { ...step.risk.state.killSwitch } };
  };

  // Cancels the resting orders and closes the positions through risk and the venue (step.ts), then
  // answers once all of it is in a completed checkpoint, like the kill switch. Stamped with the
  // event time of the last tick (the clock only before the first tick of this incarnation), one
  // millisecond later per repeated flatten so its signal keys never repeat.
  let lastFlattenTs = 0;
  const flatten = async (arg: unknown): Promise<FlattenReply> => {
    const cmd = parseFlatten(arg, [broker]);
    const ts = Math.max(eventTs > 0 ? eventTs : ctx.clock.nowMs(), lastFlattenTs + 1);
    lastFlattenTs = ts;
    const report = new FlattenReport(broker);
    const msg = { kind: 'flatten', ...flattenRequest(cmd, ts) } as const;
    tradingStepBehaviour.handle(step, msg, (out) => {
      report.observe(out);
      onOut(out);
    });
    dirty = true;
    const result = report.result();
    ctx.log.warn({ broker, strategyId: cmd.strategyId ?? 'all', token: cmd.token ?? 'all', canceled: result.canceled.length, closes: result.closes.length, fills: result.fills }, 'flatten');
    await checkpointer.trigger();
    return { [broker]: result };
  };

  // Pause/resume one strategy (its signals stop, its ticks do not: strategy.ts); journaled in a
  // completed checkpoint (the strategy state carries the paused set) before the reply
  const pause = async (arg: unknown): Promise<{ strategyId: string; paused: boolean }> => {
    const result = setPaused(step.strategy, parsePause(arg));
    dirty = true;
    ctx.log.warn({ broker, ...result }, result.paused ? 'strategy paused' : 'strategy resumed');
    await checkpointer.trigger();
    return result;
  };

  return {
    start() {
      ctx.every(intervalMs, () => void checkpointer.trigger());
    },
    async stop() {
      await checkpointer.close();
    },
    snapshot: () => ({
      broker,
      ...counts,
      published: { ...published },
      openOrders: step.venue.adapter.openOrders().length,
      staged: staged.length,
      pending: staged.length,
      commits: { batches: checkpointer.stats.completed, ...committed },
      checkpoints: { ...checkpointer.stats, last: checkpointer.completed, intervalMs },
      decided: { ...decided },
      // Where this incarnation resumed the feed (replay file or live journal) and the first position it traded
      feed: { restoredFeedSeq, firstFeedSeq, nextFeedSeq },
      ...(runner ? { runner: { cut: intake.checkpoint(nextFeedSeq).runner?.n ?? null, lastSigSeq: intake.lastSigSeq } } : {}),
    }),
    health: () => (staged.length > STAGED_DEGRADED ? { status: 'degraded', detail: `${staged.length} events wait for a checkpoint` } : { status: 'healthy' }),
    call: commandTable({
      'open-orders': () => step.venue.adapter.openOrders(),
      // The committed history (the trading engine's queries; the gateway reads the store instead)
      orders: (arg) => queryOrders(db, broker, ordersQueryFrom(arg)),
      fills: (arg) => queryFills(db, broker, fillsQueryFrom(arg)),
      // The strategies are the runner's in the split topology
      ...(runner
        ? {}
        : {
            strategies: () => strategyInfos(setup.value.configs, step.strategy.engine.stats(), setup.value.skipped, step.strategy.paused),
            pause: (arg: unknown) => pause(arg),
          }),
      'risk-state': () => riskStateView(step.risk.state, step.risk.limits, ctx.clock.nowMs()),
      cancel: (arg) => cancel(arg),
      modify: (arg) => modify(arg),
      'kill-switch': (arg) => killSwitch(arg),
      flatten: (arg) => flatten(arg),
      'decision-latency': () => {
        // Samples since the last call (at most the last DECIDED_KEPT), then start over
        const n = Math.min(decided.count, DECIDED_KEPT);
        const samples = decidedNs.slice(0, n);
        decided.count = 0;
        return { samples };
      },
      checkpoint: () => checkpointer.trigger().then(() => checkpointer.completed),
    }),
  };
});
