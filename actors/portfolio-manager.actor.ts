// Portfolio manager actor: the state owner for positions, cash and PnL. It folds every broker's
// fill log (the source of truth, `K.fill`) into per-broker portfolio states with the pure domain
// (src/domain/portfolio), persists them with group commit, marks positions to market on ticks,
// publishes throttled per-strategy `pnl_snapshot` events and keeps the dashboard's LMDB read model
// (latest snapshot per strategy, a 7-day equity curve per broker).
import { isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '../src/config.js';
import { appError } from '../src/errors.js';
import { commandTable, defineActor } from '../src/runtime/actor.js';
import { rootEvent, type Envelope } from '../src/protocol/envelope.js';
import { brokerTopic } from '../src/protocol/topics.js';
import { pnlSnapshotKey, type PnlSnapshotPayload } from '../src/protocol/portfolio.js';
import type { Broker } from '../src/domain/types.js';
import { exportState, markToMarket, type PnlSnapshot } from '../src/domain/portfolio/index.js';
import { bookWrites, catchUpFills, loadBooks, openStrategyBooks } from '../src/services/portfolio/books.js';
import { readStrategiesFile } from '../src/services/strategy/load.js';
import { CommitCoalescer } from '../src/services/portfolio/coalescer.js';
import { commitWrites, type StoreWrite } from '../src/services/portfolio/fill-log.js';
import { equitySummary, managerSnapshot, parseBroker, parsePositionsQuery, portfolioOf, positionsOf } from '../src/services/portfolio/queries.js';
import { intervalWrites, snapshotPayload, SnapshotTracker } from '../src/services/portfolio/snapshots.js';
import { CrashHooks, crashSoon } from '../src/services/portfolio/test-hooks.js';
import { subscribeTicks } from '../src/services/feed/tick-channel.js';

export default defineActor<AppConfig>(async (ctx) => {
  const config = ctx.config;
  const brokers = (ctx.args['brokers'] ?? []) as readonly Broker[];
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: 'portfolio-manager needs the store' });
  const hooks = new CrashHooks(ctx.args['testHooks'] === true, 'debug-crash');
  const counts = { fills: 0, duplicateFills: 0, notifications: 0, snapshots: 0, equityPoints: 0 };

  // Each broker's book starts with that broker's configured cash (paper / zerodha sections)
  const books = loadBooks(db, brokers, (b) => ({
    startingCash: Math.round((b === 'zerodha' ? config.zerodha.startingCash : config.paper.startingCash) * 100),
  }));
  // Every enabled strategy of an active broker has its book (and its starting cash) from the
  // start, so the equity curve starts at the configured capital. A file that does not parse is
  // the strategy runner's start-up error to report; here it only means no book is opened early.
  const file = isAbsolute(config.strategies.file) ? config.strategies.file : resolve(process.cwd(), config.strategies.file);
  const listed = readStrategiesFile(file);
  if (listed.ok) openStrategyBooks(books, listed.value.filter((c) => c.enabled && brokers.includes(c.broker)));
  else ctx.log.warn({ file, problems: listed.error.length }, 'strategies file unreadable: books open at first fill');
  const dirty = new Set<Broker>(brokers);
  let extraWrites: StoreWrite[] = [];
  const catchUp = (b: Broker): void => {
    const r = catchUpFills(db, b, books.get(b)!);
    counts.fills += r.applied;
    counts.duplicateFills += r.duplicates;
    if (r.applied > 0) dirty.add(b);
  };
  for (const b of brokers) catchUp(b);

  const committer = new CommitCoalescer(async () => {
    // Captured synchronously: the batch holds every fill applied before this commit started
    const writes = [...bookWrites(books, dirty), ...extraWrites];
    dirty.clear();
    extraWrites = [];
    await commitWrites(db, ctx.durability, writes);
    hooks.onCommitted();
  });
  const commit = (): Promise<void> =>
    committer.request().catch((e: unknown) => {
      crashSoon(`commit failed: ${(e as Error).message}`, e);
      throw e;
    });
  const tracker = new SnapshotTracker();
  tracker.seed(db, brokers);
  // The curve's first point is written at start, before the feed runs (the trading subtree starts
  // the portfolio manager first): on a fresh store it is exactly the capital of the open books
  const startTs = ctx.clock.nowMs();
  const initial = tracker.collect(books, startTs);
  extraWrites.push(...intervalWrites(db, initial, startTs));
  counts.equityPoints += initial.equity.length;
  const snapshotSenders = new Map(brokers.map((b) => [b, ctx.publisher<Envelope<PnlSnapshotPayload>>(brokerTopic(b, 'pnl.snapshots'))]));
  const publishSnapshots = (snaps: readonly PnlSnapshot[]): void => {
    for (const s of snaps) {
      const event = rootEvent(ctx.ids, ctx.name, s.ts, { type: 'pnl_snapshot', broker: s.broker, key: pnlSnapshotKey(s.broker, s.strategyId), data: snapshotPayload(s) });
      snapshotSenders.get(s.broker)!.send(event);
    }
    counts.snapshots += snaps.length;
  };
  await commit();
  publishSnapshots(initial.snapshots);

  for (const b of brokers) {
    // The event is only a wake-up: whatever the engine sent, the log says what happened
    ctx.subscribe<unknown>(brokerTopic(b, 'orders.filled'), () => {
      counts.notifications += 1;
      db.resetReadTxn();
      catchUp(b);
      if (dirty.size > 0) void commit().catch(() => undefined);
      hooks.onEvent();
    });
  }
  // Marks are not persisted per tick: the next fill commit carries them, and live ticks refresh them
  subscribeTicks(ctx, (tick) => {
    for (const state of books.values()) markToMarket(state, tick.token, tick.ltp);
  });

  const interval = config.portfolio.snapshotIntervalMs;
  if (interval > 0) {
    ctx.every(interval, () => {
      // Safety net: a notification lost to a crash of the engine is caught up here
      db.resetReadTxn();
      for (const b of brokers) catchUp(b);
      const ts = ctx.clock.nowMs();
      const out = tracker.collect(books, ts);
      if (out.snapshots.length === 0 && out.equity.length === 0 && dirty.size === 0) return;
      extraWrites.push(...intervalWrites(db, out, ts));
      counts.equityPoints += out.equity.length;
      // Published after the commit that stored them: readers of LMDB never lag the event stream
      commit().then(() => publishSnapshots(out.snapshots), () => undefined);
    });
  }

  return {
    snapshot: () => ({ ...managerSnapshot(books), counts: { ...counts }, commits: committer.commits }),
    call: commandTable({
      equity: () => equitySummary(books),
      positions: (arg) => positionsOf(books, parsePositionsQuery(arg, brokers)),
      portfolio: (arg) => {
        const broker = parseBroker('portfolio', (arg as { broker?: unknown } | null)?.broker, brokers);
        return portfolioOf(books, { broker }, ctx.clock.nowMs());
      },
      // Test hooks exist only where the spec enables them
      ...(ctx.args['testHooks'] === true
        ? { 'debug-state': (arg: unknown) => exportState(books.get(parseBroker('debug-state', (arg as { broker?: unknown } | null)?.broker, brokers))!) }
        : {}),
      'debug-crash': (arg) => hooks.arm(arg),
    }),
    async stop() {
      await commit().catch(() => undefined);
    },
  };
});
