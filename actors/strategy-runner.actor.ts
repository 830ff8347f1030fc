// Strategy runner (docs/original-system.md §1.4): market.ticks → market-hours gate (§9.7) → pure strategy
// engine → `trading_signal` root events on {broker}.signals.raw, key `{strategy_id}:{token}`.
// A bad strategies file refuses the start (every problem logged, one summary error thrown); one
// strategy's failure is counted, never fatal. Engine timers and histories persist in LMDB: with
// trading cores downstream (split topology, args.cutsFor) as cuts that join the cores' checkpoints
// (src/services/strategy/cuts.ts); otherwise as a periodic save.
import { isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '../src/config.js';
import { formatMessage } from '../src/errors.js';
import { flushLogger } from '../src/log.js';
import { commandTable, defineActor } from '../src/runtime/actor.js';
import { rootEvent, type Envelope, type WatermarkData } from '../src/protocol/envelope.js';
import { brokerTopic } from '../src/protocol/topics.js';
import type { StrategyRunnerSnapshot } from '../src/protocol/strategy-runner.js';
import type { ChannelSender } from '../src/transport/channel.js';
import { BROKERS, type Broker, type TradingSignal } from '../src/domain/types.js';
import { isMarketOpen } from '../src/domain/market-hours/index.js';
import { K } from '../src/store/keyspace.js';
import { buildRunner, describeConfigError, readStrategiesFile, strategiesStartupError } from '../src/services/strategy/load.js';
import { calendarFrom } from '../src/services/engine/config.js';
import { parsePause, pausedList, restorePaused, setPaused, strategyBehaviour } from '../src/services/trading/index.js';
import { tickMsg, type StrategyOut } from '../src/protocol/trading.js';
import { tradableFromStore } from '../src/services/instrument-registry/tradable.js';
import { restoreState, stateRecord } from '../src/services/strategy/state.js';
import { coresView, CutBook, CUT_VERSION, isStoredCut, resumePoint, type StoredCut } from '../src/services/strategy/cuts.js';
import type { CutData } from '../src/protocol/envelope.js';
import { strategyInfos } from '../src/services/strategy/snapshot.js';
import { countStrategyProblem } from '../src/services/strategy/problems.js';
import { subscribeTicks } from '../src/services/feed/tick-channel.js';

/** How often the engine state is saved (also saved on stop). */
const PERSIST_INTERVAL_MS = 5000;
/** Watermark cadence: at most this many ticks or milliseconds between two watermarks. */
const WATERMARK_EVERY = 256;
const WATERMARK_MS = 2;

type SignalEnvelope = Envelope<TradingSignal | WatermarkData>;

// A worker's stdout completes a write only once the parent thread consumed it: wait for that
async function stdoutDrained(monoMs: () => number, timeoutMs: number): Promise<void> {
  const until = monoMs() + timeoutMs;
  while (process.stdout.writableLength > 0 && monoMs() < until) await new Promise((r) => setTimeout(r, 5));
}

export default defineActor<AppConfig>(async (ctx) => {
  const config = ctx.config;
  const rawBrokers = ctx.args['brokers'];
  const brokers: Broker[] = Array.isArray(rawBrokers) ? BROKERS.filter((b) => rawBrokers.includes(b)) : [];
  const file = isAbsolute(config.strategies.file) ? config.strategies.file : resolve(process.cwd(), config.strategies.file);

  // Start-up: every problem of the file is logged with its code, then the start fails once
  const loaded = readStrategiesFile(file);
  // Strategies may only list instruments the registry lets us order (it loads before the trading subtree)
  const setup = loaded.ok ? buildRunner(loaded.value, brokers, {}, tradableFromStore(ctx.store)) : loaded;
  if (!setup.ok) {
    for (const e of setup.error) ctx.log.error({ ...e, file }, describeConfigError(e));
    // The supervisor terminates a worker whose start failed: let the lines reach the parent first
    await flushLogger(ctx.log, 500);
    await stdoutDrained(ctx.clock.monoMs, 1000);
    throw strategiesStartupError(file, setup.error);
  }
  const { configs, skipped } = setup.value;
  // The strategy behaviour (src/services/trading/strategy.ts): the same gate → engine → stamp as the
  // fused core and the backtest run; this shell adds the rings, the watermarks and persistence
  const step = strategyBehaviour.init({ strategies: setup.value.engine.strategies(), calendar: calendarFrom(config.feed) }, undefined);
  const engine = step.engine;
  for (const s of skipped) {
    const detail = { strategyId: s.config.id, broker: s.config.broker, active: brokers.join(', ') || 'none' };
    ctx.log.warn({ code: 'ERR_STRATEGY_BROKER_INACTIVE', ...detail }, formatMessage('ERR_STRATEGY_BROKER_INACTIVE', detail));
  }

  // One sender per strategy, resolved once: the tick path only does a map lookup
  const senders = new Map<Broker, ChannelSender<SignalEnvelope>>();
  const routes = new Map<string, { readonly broker: Broker; readonly sender: ChannelSender<SignalEnvelope> }>();
  for (const c of engine.strategies()) {
    const broker = engine.brokerOf(c.id) ?? c.broker;
    let sender = senders.get(broker);
    if (sender === undefined) senders.set(broker, (sender = ctx.publisher<SignalEnvelope>(brokerTopic(broker, 'signals.raw'))));
    routes.set(c.id, { broker, sender });
  }

  // Restore timers (and recent histories) so a restart neither re-emits nor forgets caps
  const store = ctx.store;
  // lmdb-js types keys as mutable arrays; the keyspace returns readonly ones
  const stateKey = [...K.strategyState()];
  // Split topology: the trading core of each broker whose checkpoints carry this runner's cuts
  const cutsFor = (ctx.args['cutsFor'] ?? {}) as Partial<Record<Broker, string>>;
  const coreBrokers = brokers.filter((b) => typeof cutsFor[b] === 'string');
  const cores = coreBrokers.map((b) => cutsFor[b]!);
  const cutting = cores.length > 0 && store !== undefined;
  const readCores = () => coresView(cores.map((c) => store?.get([...K.checkpoint(c)])));
  // Replays and the live journal re-publish from a checkpoint's feed position after a restart
  const rewinds = config.feed.source === 'replay' || config.feed.source === 'kite';
  let restoredCut: StoredCut | undefined;
  let restored = 0;
  const restoreFrom = (raw: unknown): void => {
    const r = restoreState(engine, raw, ctx.clock.nowMs());
    if (r.ok) {
      restored = r.value.restored;
      restorePaused(step, r.value.paused);
      ctx.log.info({ restored, skipped: r.value.skipped, historiesDropped: r.value.historiesDropped, paused: [...step.paused], cut: restoredCut?.n ?? null }, 'strategy state restored');
    } else {
      // Old or foreign state only costs warm-up: start fresh rather than crash-loop on it
      ctx.countError(r.error.code, { ...r.error });
    }
  };
  const view = cutting ? readCores() : { cut: null, lastSigSeq: -1, runs: [] };
  if (cutting && view.cut !== null) {
    const raw: unknown = store.get([...K.strategyCut(view.cut)]);
    if (isStoredCut(raw)) restoredCut = raw;
  }
  if (restoredCut !== undefined) restoreFrom(restoredCut.state);
  else if (store !== undefined) {
    // No cut yet (a store of the fused topology or of an older version): the runner's own save
    const raw: unknown = store.get(stateKey);
    if (raw !== undefined) restoreFrom(raw);
  }
  const resume = resumePoint(restoredCut, ctx.runId, rewinds, view);
  if (cutting) ctx.log.info({ cut: restoredCut?.n ?? null, tickSeq: restoredCut?.tickSeq ?? null, nextFeedSeq: restoredCut?.nextFeedSeq ?? null, nextSigSeq: resume.nextSigSeq }, 'strategy runner resumes');

  const market24x7 = config.feed.market24x7 ?? false;
  const gateOptions = { market24x7, holidays: config.feed.holidays };
  let ticksReceived = 0;
  let signalsPublished = 0;
  /** Ordinal of the next signal (Envelope.seq): restored with the cut, so regenerated signals match. */
  let nextSigSeq = resume.nextSigSeq;

  /** Publishes a signal the behaviour stamped with its tick's stream and feed position. */
  const publish = (data: TradingSignal): void => {
    // Every runnable strategy got a route above, so a miss is impossible
    const route = routes.get(data.strategyId)!;
    const env = rootEvent(ctx.ids, ctx.name, ctx.clock.nowMs(), { type: 'trading_signal', broker: route.broker, key: `${data.strategyId}:${data.token}`, data });
    route.sender.send({ ...env, seq: nextSigSeq++ });
    signalsPublished++;
  };

  // Watermarks: after the signals of tick N are sent, "≤ N done" lets risk and the engine apply
  // ticks up to N. Sent every WATERMARK_EVERY ticks or WATERMARK_MS, whichever comes first, and
  // flushed by a timer so held-back ticks are released when the feed goes quiet.
  let watermarkDue = false;
  const exact = ctx.args['exactReplay'] === true;
  // The last tick in the state: the restored cut's, when it belongs to this run's tick ring
  let lastTickSeq = resume.skipThroughTickSeq;
  let lastWatermark = -1;
  let lastWatermarkAt = 0;
  const sendWatermark = (): void => {
    if (lastTickSeq <= lastWatermark) return;
    for (const [broker, sender] of senders) {
      sender.send(rootEvent(ctx.ids, ctx.name, ctx.clock.nowMs(), { type: 'watermark', broker, key: 'watermark', data: { tickSeq: lastTickSeq } }));
    }
    lastWatermark = lastTickSeq;
    lastWatermarkAt = ctx.clock.monoMs();
  };
  // The flush timer is armed only while a watermark is owed: an idle runner wakes up for nothing
  let flushTimer: NodeJS.Timeout | undefined;
  const armFlush = (): void => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      sendWatermark();
    }, WATERMARK_MS);
  };

  // What the behaviour emits for the tick being handled (one handler for every tick: no closure per tick)
  let tickSeqNow = -1;
  let firstSignal = true;
  const onOut = (out: StrategyOut): void => {
    switch (out.kind) {
      case 'signal':
        if (firstSignal) {
          firstSignal = false;
          if (exact && lastWatermark < tickSeqNow - 1) {
            // Exact replay: "every tick before this one is done" goes out before this tick's signals,
            // so the risk manager can wait for the engine to confirm exactly that much
            lastTickSeq = tickSeqNow - 1;
            sendWatermark();
            lastTickSeq = tickSeqNow;
          }
        }
        publish(out.signal);
        return;
      case 'strategy-failed':
      case 'signal-invalid':
        countStrategyProblem(ctx.countError, out);
        return;
    }
  };

  // A tick without an exchange stamp takes the wall clock as its event time (see tickMsg)
  const wallNow = (): number => ctx.clock.nowMs();
  // Feed position after the last tick in the state (a cut records it: a rewind starts there)
  let nextFeedSeq = restoredCut?.nextFeedSeq ?? 0;
  const ticks = subscribeTicks(ctx, (tick, meta) => {
    // In the restored cut already (redelivered by the ring), or a feed position seen before: a
    // rewound feed re-publishes from the oldest position any core's checkpoint needs
    if (meta.seq <= resume.skipThroughTickSeq) return;
    if (rewinds && tick.feedSeq >= 0) {
      if (tick.feedSeq < nextFeedSeq) {
        // In the state already, so the next cut covers it and its completion releases it: a feed
        // that rewound further than the restored cut (another node's newer checkpoint arrived in
        // between) must not fill the ring with ticks nobody releases
        lastTickSeq = meta.seq;
        return;
      }
      nextFeedSeq = tick.feedSeq + 1;
    }
    ticksReceived++;
    lastTickSeq = meta.seq;
    armFlush();
    if (meta.seq - lastWatermark >= WATERMARK_EVERY || ctx.clock.monoMs() - lastWatermarkAt >= WATERMARK_MS) {
      // Deferred to the end of this tick's work below via the flag, so signals precede it
      watermarkDue = true;
    }
    tickSeqNow = meta.seq;
    firstSignal = true;
    // The engine keeps only token, ltp and ts (never the object): the reused tick is safe to pass
    strategyBehaviour.handle(step, tickMsg(tick, meta.seq, wallNow), onOut);
    if (watermarkDue) {
      watermarkDue = false;
      sendWatermark();
    }
  });

  // Persistence: saves are chained so they commit in order; unchanged state is not rewritten
  let saving: Promise<void> = Promise.resolve();
  let lastSaved = '';
  let saves = 0;
  let lastSavedAt: number | null = null;
  const persistFailed = (e: unknown): void => {
    // A failed LMDB write is a failure: crash, the supervisor restarts from the last good state
    setImmediate(() => {
      throw e;
    });
  };
  const save = (): Promise<void> => {
    if (store === undefined) return saving;
    const record = stateRecord(engine, ctx.clock.nowMs(), pausedList(step));
    const json = JSON.stringify([record.engine, record.paused]);
    if (json === lastSaved) return saving;
    lastSaved = json;
    saving = saving.then(async () => {
      await store.put(stateKey, record);
      saves++;
      lastSavedAt = record.savedAt;
    });
    return saving;
  };

  // Cuts (split topology, see src/services/strategy/cuts.ts): numbered past every cut ever stored,
  // so a cut a core may still name is never overwritten by this incarnation
  const cutSenders = coreBrokers.flatMap((b) => (senders.has(b) ? [senders.get(b)!] : []));
  let lastStoredCut = 0;
  if (cutting) for (const { key } of store.getRange(K.strategyCutRange())) lastStoredCut = Math.max(lastStoredCut, Number((key as unknown[])[1]));
  const cuts = new CutBook(lastStoredCut, view.cut ?? 0, restoredCut, ctx.runId);
  let cutTickSeq = resume.skipThroughTickSeq;
  let cutPaused = JSON.stringify(pausedList(step));
  /** Takes a cut of everything handled so far; resolves once a completed checkpoint of every core names it. */
  const cut = (): Promise<void> => {
    const paused = JSON.stringify(pausedList(step));
    if (lastTickSeq === cutTickSeq && paused === cutPaused) return cuts.whenCompleted(cuts.latest);
    cutPaused = paused;
    cutTickSeq = lastTickSeq;
    const n = cuts.take(lastTickSeq);
    const record: StoredCut = { v: CUT_VERSION, n, runId: ctx.runId, tickSeq: lastTickSeq, nextFeedSeq, nextSigSeq, state: stateRecord(engine, ctx.clock.nowMs(), pausedList(step)) };
    const data: CutData = { n, tickSeq: record.tickSeq, nextFeedSeq: record.nextFeedSeq, nextSigSeq: record.nextSigSeq };
    // The cut record follows its state into the store: a core never names a cut that is not there
    saving = saving.then(async () => {
      await store!.put([...K.strategyCut(n)], record);
      saves++;
      lastSavedAt = record.state.savedAt;
      for (const sender of cutSenders) sender.send(rootEvent(ctx.ids, ctx.name, ctx.clock.nowMs(), { type: 'cut', broker: 'shared', key: 'cut', data }) as unknown as SignalEnvelope);
    });
    saving.catch(persistFailed);
    return cuts.whenCompleted(n);
  };
  /** Reads the cores' last completed checkpoints: release the ticks and drop the cuts they cover. */
  const checkCompleted = (): void => {
    store?.resetReadTxn();
    const done = readCores().cut;
    if (done === null) return;
    const { releaseThrough, obsolete } = cuts.complete(done);
    if (releaseThrough !== null) ticks.releaseThrough(releaseThrough);
    for (const n of obsolete) void store?.remove([...K.strategyCut(n)]);
  };
  if (cutting) {
    // The restored cut is complete: the ticks it covers are not needed again
    if (resume.skipThroughTickSeq >= 0) ticks.releaseThrough(resume.skipThroughTickSeq);
    // Cuts older than the restored one are covered by every core's checkpoint
    for (const { key } of store.getRange(K.strategyCutRange())) if (Number((key as unknown[])[1]) < (view.cut ?? 0)) void store.remove(key);
    ctx.every(config.runtime.checkpointIntervalMs, () => {
      void cut();
      checkCompleted();
    });
  } else {
    ctx.every(PERSIST_INTERVAL_MS, () => void save().catch(persistFailed));
  }
  /** Makes the state durable: a cut that every core's checkpoint names, or the runner's own save. */
  const persist = (): Promise<void> => (cutting ? cut() : save());

  const runnable = engine.strategies().filter((c) => c.enabled).length;
  const strategies = () => strategyInfos(configs, engine.stats(), skipped, step.paused);
  const snapshot = (): StrategyRunnerSnapshot => {
    const stats = engine.stats();
    return {
      file,
      strategies: strategyInfos(configs, stats, skipped, step.paused),
      skipped: skipped.length,
      ticksSeen: ticksReceived,
      ticksRouted: stats.ticksRouted,
      signalsPublished,
      market: { openNow: isMarketOpen(ctx.clock.nowMs(), gateOptions), market24x7, droppedClosed: step.gated },
      persistence: { saves, lastSavedAt, restored },
    };
  };
  ctx.log.info({ file, runnable, skipped: skipped.length, instruments: engine.instruments().length, market24x7 }, 'strategies loaded');

  return {
    snapshot,
    health: () =>
      runnable > 0 ? { status: 'healthy' } : { status: 'degraded', detail: `no enabled strategy for the active brokers (${brokers.join(', ') || 'none'})` },
    call: commandTable({
      strategies: () => strategies(),
      snapshot: () => snapshot(),
      persist: () => persist().then(() => saves),
      // Answered once the new paused set is committed with the strategy state (survives a restart)
      pause: async (arg) => {
        const result = setPaused(step, parsePause(arg));
        ctx.log.warn({ ...result }, result.paused ? 'strategy paused' : 'strategy resumed');
        await persist();
        return result;
      },
    }),
    async stop() {
      clearTimeout(flushTimer);
      // The last cut is stored and sent; a core still running names it in its last checkpoint
      if (cutting) {
        void cut();
        await saving;
      } else await save();
    },
  };
});
