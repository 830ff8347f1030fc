// Risk manager actor (split topology): the shell of riskBehaviour (src/services/trading/risk.ts),
// one book per broker. It judges every `{b}.signals.raw` signal against a risk state built from the
// REAL fill log, commits state + consumer position + verdict outbox in one LMDB transaction, then
// publishes the verdict as a child event of the signal and releases the record. Ticks feed the
// price-deviation rule (lossy).
import type { AppConfig } from '../src/config.js';
import { appError } from '../src/errors.js';
import { commandTable, defineActor, type Subscription } from '../src/runtime/actor.js';
import type { ChannelSender } from '../src/transport/channel.js';
import { childEvent, rootEvent, type Envelope, type WatermarkData } from '../src/protocol/envelope.js';
import { brokerTopic } from '../src/protocol/topics.js';
import type { FlattenReply, FlattenResult, KillSwitchReply } from '../src/protocol/risk.js';
import type { Broker, TradingSignal } from '../src/domain/types.js';
import { closingSignals, type RiskVerdict } from '../src/domain/risk/index.js';
import { tickMsg, type RiskOut } from '../src/protocol/trading.js';
import { riskBehaviour, type RiskBook } from '../src/services/trading/risk.js';
import { FlattenReport } from '../src/services/trading/flatten.js';
import { alreadyApplied } from '../src/store/lmdb.js';
import { K } from '../src/store/keyspace.js';
import { CommitCoalescer } from '../src/services/portfolio/coalescer.js';
import { commitWrites } from '../src/services/portfolio/fill-log.js';
import { CrashHooks, crashSoon } from '../src/services/portfolio/test-hooks.js';
import { parseBroker } from '../src/services/portfolio/queries.js';
import { catchUpRiskFills, loadRiskBooks, riskWrites } from '../src/services/risk/books.js';
import { pendingOutbox, rawTopic, storedPosition, VerdictBatch, type OutboxItem } from '../src/services/risk/batch.js';
import { riskLimitsFromConfig } from '../src/services/risk/limits.js';
import { tradableFromStore } from '../src/services/instrument-registry/tradable.js';
import { flattenRequest, parseFlatten, parseKillSwitch, riskStateView } from '../src/services/risk/queries.js';
import { parseSignal, verdictOutput } from '../src/services/risk/verdict.js';
import { subscribeTicks } from '../src/services/feed/tick-channel.js';

/** Exact replay: how often held signals re-check the engine's committed watermark. */
const EXACT_RECHECK_MS = 50;

export default defineActor<AppConfig>(async (ctx) => {
  const config = ctx.config;
  const brokers = (ctx.args['brokers'] ?? []) as readonly Broker[];
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: 'risk-manager needs the store' });
  const limits = riskLimitsFromConfig(config.risk);
  // Registry facts for the TradableInstrument rule (the registry loads before the trading subtree)
  const tradable = tradableFromStore(db);
  const reference = tradable === undefined ? {} : { tradable };
  const hooks = new CrashHooks(ctx.args['testHooks'] === true, 'debug-crash');
  const books = loadRiskBooks(db, brokers);
  for (const s of books.values()) {
    catchUpRiskFills(db, s);
    // The kill switch's read model is current from the start (a store may predate it)
    void db.put(K.killSwitchView(s.broker), { ...s.killSwitch });
  }
  // The behaviour's books wrap the stored states (loadRiskBooks restores them; riskWrites saves them)
  const riskBooks = new Map<Broker, RiskBook>([...books].map(([b, state]) => [b, { state, limits, reference }]));
  // The verdict riskBehaviour emits for the signal being judged (handle is synchronous)
  let lastVerdict: RiskVerdict | undefined;
  const onRisk = (out: RiskOut): void => {
    if (out.kind === 'verdict') lastVerdict = out.verdict;
  };
  const judgeSignal = (b: Broker, signal: TradingSignal): RiskVerdict => {
    lastVerdict = undefined;
    riskBehaviour.handle(riskBooks.get(b)!, { kind: 'signal', signal }, onRisk);
    return lastVerdict!;
  };
  const counts = { validated: 0, rejected: 0, invalid: 0, skipped: 0, resent: 0 };

  type Senders = Record<OutboxItem['suffix'], ChannelSender<OutboxItem['event']>>;
  const senders = new Map<Broker, Senders>(
    brokers.map((b) => [b, { 'signals.validated': ctx.publisher(brokerTopic(b, 'signals.validated')), 'signals.rejected': ctx.publisher(brokerTopic(b, 'signals.rejected')) }]),
  );
  const subs = new Map<Broker, Subscription>();
  const batch = new VerdictBatch();

  // Sends, then waits until every event left the senders' spill buffers: only then may the next
  // commit overwrite the outbox that still holds these events
  const publish = async (items: readonly OutboxItem[]): Promise<void> => {
    for (const it of items) senders.get(it.broker)![it.suffix].send(it.event);
    await Promise.all([...senders.values()].flatMap((s) => [s['signals.validated'].flushed(), s['signals.rejected'].flushed()]));
  };

  const committer = new CommitCoalescer(async () => {
    // State, positions and outbox are captured in the same synchronous step: they agree exactly
    const taken = batch.take(ctx.name, ctx.runId);
    await commitWrites(db, ctx.durability, [...riskWrites(books), ...taken.writes]);
    hooks.onCommitted();
    await publish(taken.outbox);
    for (const [b, seq] of taken.releases) subs.get(b)?.releaseThrough(seq);
  });
  const commit = (): Promise<void> =>
    committer.request().catch((e: unknown) => {
      crashSoon(`commit failed: ${(e as Error).message}`, e);
      throw e;
    });

  // Verdicts a predecessor of this run committed but may not have published go out first
  const resend = pendingOutbox(db, ctx.name, ctx.runId);
  counts.resent = resend.length;
  await publish(resend);

  // Ticks are gated by event time (watermarks and signal tickSeqs): never ahead of the signals
  let tickGate = -1;
  const exact = ctx.args['exactReplay'] === true;
  // Event time of the last tick seen: a flatten's signals are stamped with it
  let eventTs = 0;
  // A tick without an exchange stamp takes the wall clock as its event time (see tickMsg)
  const wallNow = (): number => ctx.clock.nowMs();
  const ticks = subscribeTicks(ctx, (tick, meta) => {
    const msg = tickMsg(tick, meta.seq, wallNow);
    for (const book of riskBooks.values()) riskBehaviour.handle(book, msg, onRisk);
    if (tick.exchangeTs > 0) eventTs = tick.exchangeTs;
  });
  // Only when the tree has a watermark source (args.eventTime, set by actors/tree.ts); a tree
  // without one (tests, external signal sources) processes ticks as they come
  if (ctx.args['eventTime'] === true) ticks.gate = () => tickGate;

  for (const b of brokers) {
    const state = books.get(b)!;
    const topic = rawTopic(b);
    const pos = storedPosition(db, ctx.name, b);
    // Exact replay (args.exactReplay): a signal of tick M is judged only once the engine has
    // confirmed — by forwarding our watermark after its commit — every order and tick before M,
    // so position and daily-loss rules see exactly the fills of ticks < M in every run.
    const held: { env: Envelope<unknown>; meta: { seq: number; gen: number } }[] = [];
    let engineWm = -1;
    const drainHeld = (readStore = false): void => {
      while (held.length > 0) {
        const head = held[0]!;
        const tickSeq = head.env?.type === 'trading_signal' ? (head.env.data as { tickSeq?: unknown }).tickSeq : undefined;
        if (typeof tickSeq === 'number' && engineWm < tickSeq - 1) {
          // The confirmation may have been consumed by a predecessor of this actor: the engine's
          // committed state is the authority (same transaction as the fills it covers). Read on
          // the timer only: the state record is large, the event is the fast path.
          if (!readStore) return;
          db.resetReadTxn();
          const st = db.get(K.engineState(b)) as { confirmedWm?: number } | undefined;
          if (st?.confirmedWm !== undefined && st.confirmedWm > engineWm) engineWm = st.confirmedWm;
          if (engineWm < tickSeq - 1) return;
        }
        held.shift();
        judge(head.env, head.meta);
      }
    };
    const sub = ctx.subscribe<Envelope<unknown>>(topic, (env, meta) => {
      if (!exact) return judge(env, meta);
      held.push({ env, meta: { seq: meta.seq, gen: meta.gen } });
      drainHeld();
    });
    const judge = (env: Envelope<unknown>, meta: { seq: number; gen: number }): void => {
      if (alreadyApplied(pos, ctx.runId, meta.seq)) {
        // Committed by a predecessor (its verdict is in the outbox re-sent above)
        counts.skipped += 1;
        if (!batch.hasOpen(b)) sub.releaseThrough(meta.seq);
        return;
      }
      if (env?.type === 'watermark') {
        // Event time: every signal of ticks ≤ tickSeq is judged above; forward the watermark on
        // the validated topic after those verdicts (same outbox, same order) and release ticks
        const wm = env.data as WatermarkData;
        if (wm.tickSeq > tickGate) tickGate = wm.tickSeq;
        const event = childEvent(env, ctx.ids, ctx.name, ctx.clock.nowMs(), { type: 'watermark', broker: b, key: env.key, data: wm });
        batch.add(b, meta.seq, { broker: b, suffix: 'signals.validated', event: event as unknown as OutboxItem['event'] });
        void commit().catch(() => undefined);
        return;
      }
      const parsed = env?.type === 'trading_signal' ? parseSignal(env.data) : { ok: false as const, reason: `expected a trading_signal event, was ${String(env?.type)}` };
      if (!parsed.ok) {
        ctx.countError('ERR_SIGNAL_INVALID', { topic, seq: meta.seq, reason: parsed.reason });
        counts.invalid += 1;
        batch.add(b, meta.seq);
      } else {
        // Event time: apply exactly the ticks up to the one that produced this signal, so the
        // price-deviation rule sees the same last price in every replay
        const tickSeq = parsed.signal.tickSeq;
        if (tickSeq !== undefined) {
          if (tickSeq > tickGate) tickGate = tickSeq;
          ticks.drainThrough(tickSeq);
        }
        // Fills logged since the last notification count too (the log is the source of truth)
        catchUpRiskFills(db, state);
        const verdict = judgeSignal(b, parsed.signal);
        const out = verdictOutput(parsed.signal, verdict, ctx.clock.nowMs());
        const event = childEvent(env, ctx.ids, ctx.name, out.data.ts, { type: out.type, broker: b, key: env.key, data: out.data });
        batch.add(b, meta.seq, { broker: b, suffix: out.suffix, event });
        counts[verdict.outcome] += 1;
      }
      void commit().catch(() => undefined);
      hooks.onEvent();
    };
    subs.set(b, sub);
    // Safety net for a lost wake-up (e.g. after a restart): re-check held signals now and then
    if (exact) ctx.every(EXACT_RECHECK_MS, () => held.length > 0 && drainHeld(true));
    ctx.subscribe<Envelope<unknown>>(brokerTopic(b, 'orders.filled'), (env) => {
      db.resetReadTxn();
      if (catchUpRiskFills(db, state).applied > 0) void commit().catch(() => undefined);
      if (env?.type === 'watermark') {
        const wm = (env.data as WatermarkData).tickSeq;
        if (wm > engineWm) engineWm = wm;
        drainHeld();
      }
    });
  }


  const killSwitch = async (arg: unknown): Promise<KillSwitchReply> => {
    const cmd = parseKillSwitch(arg, brokers);
    const reply: Partial<Record<Broker, { engaged: boolean; reason: string }>> = {};
    for (const [b, book] of riskBooks) {
      if (cmd.broker !== undefined && cmd.broker !== b) continue;
      riskBehaviour.handle(book, { kind: 'kill-switch', engaged: cmd.engaged, reason: cmd.reason }, onRisk);
      reply[b] = { ...book.state.killSwitch };
    }
    ctx.log.warn({ engaged: cmd.engaged, reason: cmd.reason, brokers: Object.keys(reply) }, 'kill switch changed');
    await commit();
    return reply;
  };

  // Closes the positions of the targeted brokers: closing signals from the risk state (caught up
  // with the fill log), judged by the same rules, their verdicts published like any other after the
  // commit; the engine executes the validated ones. Resting orders are the engine's: the gateway
  // cancels them through the engine role before it calls this (split topology).
  let lastFlattenTs = 0;
  const flatten = async (arg: unknown): Promise<FlattenReply> => {
    const cmd = parseFlatten(arg, brokers);
    const ts = Math.max(eventTs > 0 ? eventTs : ctx.clock.nowMs(), lastFlattenTs + 1);
    lastFlattenTs = ts;
    const reply: Partial<Record<Broker, FlattenResult>> = {};
    db.resetReadTxn();
    for (const [b, s] of books) {
      if (cmd.broker !== undefined && cmd.broker !== b) continue;
      catchUpRiskFills(db, s);
      const report = new FlattenReport(b);
      for (const signal of closingSignals(s, limits, flattenRequest(cmd, ts))) {
        const verdict = judgeSignal(b, signal);
        report.observe({ kind: 'verdict', signal, verdict });
        const out = verdictOutput(signal, verdict, ctx.clock.nowMs());
        const event = rootEvent(ctx.ids, ctx.name, out.data.ts, { type: out.type, broker: b, key: `${signal.strategyId}:${signal.token}`, data: out.data });
        batch.addCommand({ broker: b, suffix: out.suffix, event });
        counts[verdict.outcome] += 1;
      }
      reply[b] = report.result();
    }
    ctx.log.warn({ brokers: Object.keys(reply), strategyId: cmd.strategyId ?? 'all', token: cmd.token ?? 'all', closes: Object.values(reply).map((r) => r.closes.length) }, 'flatten');
    // Answered after the commit that publishes the verdicts (journaled, then on their way to the engine)
    await commit();
    return reply;
  };

  return {
    snapshot: () => ({
      brokers: Object.fromEntries([...books].map(([b, s]) => [b, riskStateView(s, limits, ctx.clock.nowMs())])),
      counts: { ...counts },
      commits: committer.commits,
    }),
    call: commandTable({
      'kill-switch': (arg) => killSwitch(arg),
      flatten: (arg) => flatten(arg),
      'risk-state': (arg) => {
        const b = parseBroker('risk-state', (arg as { broker?: unknown } | null)?.broker, brokers);
        return riskStateView(books.get(b)!, limits, ctx.clock.nowMs());
      },
      'debug-crash': (arg) => hooks.arm(arg),
    }),
    async stop() {
      // Whatever was evaluated is committed and published before the worker exits
      await commit().catch(() => undefined);
    },
  };
});
