// Market feed (docs/original-system.md §1.3: a synthetic, a replay and a KiteTicker source):
// publishes Tick records on `market.ticks`. Instruments come from the registry's LMDB records, else
// the instruments file. Synthetic ticks are gated by the market calendar (§9.7) and never wait for
// a full ring (refusals are counted as dropped); replay waits (never drops). Source state is
// checkpointed to LMDB (walk state / replay position) periodically and on stop; ticks can be recorded.
import type { AppConfig } from '../src/config.js';
import { commandTable, defineActor, type ActorHealth } from '../src/runtime/actor.js';
import type { MarketFeedSnapshot } from '../src/protocol/market-feed.js';
import type { SyntheticInstrument } from '../src/domain/feed/index.js';
import type { Key } from '../src/store/keyspace.js';
import { feedSettings } from '../src/services/feed/settings.js';
import { loadFeedInstruments, type FeedInstruments } from '../src/services/feed/instruments.js';
import { TickRecorder } from '../src/services/feed/recorder.js';
import type { FeedEnv, FeedSource } from '../src/services/feed/source.js';
import { createSyntheticSource } from '../src/services/feed/synthetic-source.js';
import { createReplaySource } from '../src/services/feed/replay-source.js';
import { createKiteSource } from '../src/services/feed/kite-source.js';
import { tickPublisher } from '../src/services/feed/tick-channel.js';
import { DEFAULT_JOURNAL_KEEP, TickJournal } from '../src/services/feed/tick-journal.js';
import { isCheckpointRecord } from '../src/protocol/checkpoint.js';
import { K } from '../src/store/keyspace.js';
import type { RootDatabase } from 'lmdb';
import { brokerInternalTopic } from '../src/protocol/topics.js';
import { isAppError } from '../src/errors.js';
import { orderUpdateRecord, type OrderUpdateRecord } from '../src/services/engine/order-updates.js';

/** Housekeeping period: rate sampling, recorder flush, checkpoint due-check. */
const HOUSEKEEPING_MS = 250;
/** Window of the published-rate sample. */
const RATE_WINDOW_MS = 1000;
/** How often the tick journal drops what is older than it keeps. */
const JOURNAL_PRUNE_MS = 5000;

/**
 * The journal positions in the last checkpoints of the actors named by args.rewindFor (the
 * trading cores): a rewind starts at the lowest (null when one has none yet, so it starts fresh
 * and there is nothing to rewind to, or when nobody asks), and new ticks must be
 * numbered past the highest, even if the journal's last puts did not survive the crash.
 */
function checkpointedPositions(store: RootDatabase | undefined, names: unknown): { rewindFrom: number | null; floor: number } {
  if (store === undefined || !Array.isArray(names) || names.length === 0) return { rewindFrom: null, floor: 0 };
  let from = Number.POSITIVE_INFINITY;
  let floor = 0;
  let all = true;
  for (const name of names) {
    const rec = typeof name === 'string' ? store.get([...K.checkpoint(name)]) : undefined;
    if (!isCheckpointRecord(rec) || rec.journal == null) {
      all = false;
      continue;
    }
    from = Math.min(from, rec.journal.nextFeedSeq);
    // A split core's own position can be past its rewind point (the runner's cut)
    floor = Math.max(floor, rec.consumed?.nextFeedSeq ?? rec.journal.nextFeedSeq);
  }
  return { rewindFrom: all && Number.isFinite(from) ? from : null, floor };
}

export default defineActor<AppConfig>((ctx) => {
  const config = ctx.config;
  const s = feedSettings(config, process.cwd());
  const store = ctx.store;
  const publisher = tickPublisher(ctx);

  // Instruments: fatal for the synthetic and kite feeds (nothing to walk or subscribe); replay only uses them for tradability
  let loaded: FeedInstruments;
  try {
    loaded = loadFeedInstruments(store, s.instrumentsFile);
  } catch (e) {
    if (s.source !== 'replay') throw e;
    ctx.log.warn({ reason: (e as Error).message }, 'no instruments for replay: default tradability rules apply');
    loaded = { instruments: [], source: 'file', errors: [] };
  }
  for (const e of loaded.errors) ctx.countError(e.code, { line: e.line, reason: e.reason, file: s.instrumentsFile });
  const instruments: readonly SyntheticInstrument[] = loaded.instruments;

  const recorder = s.recordFile !== undefined ? new TickRecorder(s.recordFile) : undefined;

  // Checkpoints are chained so they commit in order; a failed LMDB write crashes the actor
  let saving: Promise<void> = Promise.resolve();
  let saves = 0;
  let lastSavedAt: number | null = null;
  let lastSaveMono = ctx.clock.monoMs();
  const fail = (e: unknown): void => {
    setImmediate(() => {
      throw e;
    });
  };
  let source: FeedSource | undefined;
  const save = (): Promise<void> => {
    lastSaveMono = ctx.clock.monoMs();
    const record = source?.checkpoint();
    if (store === undefined || source === undefined || record === undefined) return saving;
    const key = [...source.stateKey];
    saving = saving.then(async () => {
      await store.put(key, record);
      saves++;
      lastSavedAt = ctx.clock.nowMs();
    });
    return saving;
  };

  // KiteTicker `order` messages go to the zerodha engine (granted by actors/tree.ts when it runs)
  const orderUpdates = ctx.args['orderUpdates'] === true ? ctx.publisher<OrderUpdateRecord>(brokerInternalTopic('zerodha', 'orders.updates')) : undefined;

  // Live ticks are journaled (the fused cores' rewind after a crash, src/services/feed/tick-journal.ts)
  const journal = s.source === 'kite' && store !== undefined ? new TickJournal(store, DEFAULT_JOURNAL_KEEP, fail) : undefined;

  const env: FeedEnv = {
    clock: ctx.clock,
    ...(journal !== undefined ? { journal: { log: journal, ...checkpointedPositions(store, ctx.args['rewindFor']) } } : {}),
    log: ctx.log,
    publisher,
    countError: (code, detail) => ctx.countError(code, detail),
    // lmdb-js types keys as mutable arrays; the keyspace returns readonly ones
    load: (key: Key): unknown => store?.get([...key]),
    loadRange: (r) => (store === undefined ? [] : [...store.getRange({ start: [...r.start], end: [...r.end] }).map((e) => e.value as unknown)]),
    ...(recorder !== undefined ? { onPublished: (t) => recorder.append(t) } : {}),
    ...(orderUpdates !== undefined
      ? {
          onOrderUpdate: (o) => {
            // Called from the socket's message handler: a record the ring cannot take is counted, never thrown
            try {
              orderUpdates.send(orderUpdateRecord(o, ctx.clock.nowMs()));
            } catch (e) {
              if (!isAppError(e)) throw e;
              ctx.countError(e.code, e.detail);
            }
          },
        }
      : {}),
    checkpointNow: () => void save().catch(fail),
    fail,
  };
  const src: FeedSource =
    s.source === 'synthetic' ? createSyntheticSource(env, s, instruments) : s.source === 'kite' ? createKiteSource(env, s, instruments) : createReplaySource(env, s, instruments);
  source = src;

  // Published rate over ~1 s windows
  let rate = 0;
  let rateFrom = { at: ctx.clock.monoMs(), published: 0 };
  let stopped = false;
  let lastPruneMono = ctx.clock.monoMs();
  ctx.every(HOUSEKEEPING_MS, () => {
    if (stopped) return;
    const now = ctx.clock.monoMs();
    const published = src.stats().published;
    if (now - rateFrom.at >= RATE_WINDOW_MS) {
      rate = Math.round(((published - rateFrom.published) * 1000) / (now - rateFrom.at));
      rateFrom = { at: now, published };
    }
    if (recorder !== undefined) recorder.flush().catch(fail);
    if (journal !== undefined && now - lastPruneMono >= JOURNAL_PRUNE_MS) {
      lastPruneMono = now;
      void journal.prune();
    }
    if (now - lastSaveMono >= src.checkpointEveryMs) save().catch(fail);
  });

  const snapshot = (): MarketFeedSnapshot => {
    const st = src.stats();
    return {
      source: src.kind,
      instruments: instruments.length,
      instrumentSource: loaded.source,
      targetRate: src.targetRate,
      rate,
      published: st.published,
      dropped: st.dropped,
      lastTickTs: st.lastTickTs,
      market: { open: src.marketOpen(), market24x7: s.hours.market24x7 },
      replay: src.replay(),
      recording: recorder?.info() ?? null,
      persistence: { saves, lastSavedAt, restored: src.restored },
      ...(src.kiteStatus !== undefined ? { kite: src.kiteStatus() } : {}),
    };
  };

  ctx.log.info(
    { source: s.source, instruments: instruments.length, instrumentSource: loaded.source, policy: s.policy, restored: src.restored },
    'market feed ready',
  );

  return {
    start() {
      src.start();
    },
    async stop() {
      stopped = true;
      await src.stop();
      await save();
      await recorder?.close();
    },
    snapshot,
    health: (): ActorHealth => src.health(),
    call: commandTable({
      status: () => snapshot(),
      snapshot: () => snapshot(),
      persist: () => save().then(() => saves),
    }),
  };
});
