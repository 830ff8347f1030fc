// Synthetic source: the seeded random walk (src/domain/feed) at config.feed.ticksPerSecond, gated
// by the market calendar. Its state (seed, counter, every walk) is checkpointed to K.feedState() and
// restored at start, so a restarted feed continues the walk instead of jumping back to reference
// prices. A stored state made with another seed is ignored: the seed names the walk.
// With compressed sessions (settings.sessionMs > 0) the session clock is part of that state, so
// event time keeps moving forward across restarts.
import {
  createSyntheticClock,
  createSyntheticFeed,
  isSyntheticFeedState,
  type SyntheticClock,
  type SyntheticClockState,
  type SyntheticFeedState,
  type SyntheticInstrument,
} from '../../domain/feed/index.js';
import { isMarketOpen } from '../../domain/market-hours/index.js';
import { K } from '../../store/keyspace.js';
import type { FeedSettings } from './settings.js';
import type { FeedEnv, FeedSource } from './source.js';
import { createSyntheticDriver } from './synthetic-driver.js';

/** Checkpoint period of the walk state (also saved on stop). */
export const SYNTHETIC_CHECKPOINT_MS = 2000;

/** Recent refusals make the feed 'degraded' for this long. */
const DROP_WINDOW_MS = 10_000;

/** The stored state to continue from, or undefined (with the reason logged) to start fresh. */
function restoreState(env: FeedEnv, seed: string): SyntheticFeedState | undefined {
  const stored = env.load(K.feedState());
  if (stored === undefined) return undefined;
  if (!isSyntheticFeedState(stored)) {
    env.countError('ERR_STORE_SCHEMA', { key: 'feed', version: (stored as { v?: unknown } | null)?.v ?? null, expected: 1 });
    return undefined;
  }
  if (stored.seed !== seed) {
    env.log.info({ storedSeed: stored.seed, seed }, 'feed seed changed: starting a fresh synthetic walk');
    return undefined;
  }
  return stored;
}

/**
 * The stored session clock, kept even when the walk is not (another seed): event time must never
 * go back to an earlier day, whatever the walk.
 */
function storedClock(env: FeedEnv): SyntheticClockState | undefined {
  const stored = env.load(K.feedState());
  return isSyntheticFeedState(stored) ? stored.clock : undefined;
}

/** The session clock, continuing the stored one when there is one. */
function createSessionClock(env: FeedEnv, s: FeedSettings, stored: SyntheticClockState | undefined): SyntheticClock {
  const clock = createSyntheticClock({
    sessionMs: s.sessionMs,
    calendar: s.hours,
    wallNowMs: env.clock.nowMs(),
    // After a crash the ticks since the last checkpoint were published already: never reuse their times
    ...(stored !== undefined ? { state: stored, resumeGapMs: SYNTHETIC_CHECKPOINT_MS } : {}),
  });
  const st = clock.exportState();
  env.log.info({ sessionMs: s.sessionMs, day: st.day, elapsedMs: st.elapsedMs, restored: stored !== undefined }, 'synthetic sessions: tick time follows the session clock');
  return clock;
}

/** Creates the synthetic source (not started). Throws ERR_CONFIG_INVALID on bad feed options. */
export function createSyntheticSource(env: FeedEnv, s: FeedSettings, instruments: readonly SyntheticInstrument[]): FeedSource {
  const state = restoreState(env, s.seed);
  const feed = createSyntheticFeed({
    instruments,
    seed: s.seed,
    volatilityBps: s.volatilityBps,
    ...(state !== undefined ? { state } : {}),
  });
  if (state !== undefined) env.log.info({ seq: state.seq, walks: state.walks.length }, 'synthetic walk restored');
  const sessionClock = s.sessionMs > 0 ? createSessionClock(env, s, storedClock(env)) : undefined;
  // Session clock instants are always inside a session; the wall-clock calendar does not apply
  const isOpen = (now: number): boolean => sessionClock !== undefined || isMarketOpen(now, s.hours);
  const driver = createSyntheticDriver({
    feed,
    ticksPerSecond: s.ticksPerSecond,
    publisher: env.publisher,
    clock: env.clock,
    isOpen,
    ...(sessionClock !== undefined ? { sessionClock } : {}),
    ...(env.onPublished !== undefined ? { onPublished: env.onPublished } : {}),
  });
  let savedSeq = state?.seq ?? -1;

  return {
    kind: 'synthetic',
    stateKey: K.feedState(),
    checkpointEveryMs: SYNTHETIC_CHECKPOINT_MS,
    restored: state !== undefined,
    targetRate: s.ticksPerSecond,
    start: () => driver.start(),
    stop() {
      driver.stop();
      return Promise.resolve();
    },
    checkpoint() {
      const st = feed.exportState();
      if (st.seq === savedSeq) return undefined;
      savedSeq = st.seq;
      return sessionClock === undefined ? st : { ...st, clock: sessionClock.exportState() };
    },
    stats() {
      const d = driver.stats();
      return { published: d.published, dropped: d.dropped, lastTickTs: d.lastTickTs };
    },
    marketOpen: () => isOpen(env.clock.nowMs()),
    replay: () => null,
    health() {
      const d = driver.stats();
      if (d.lastDropAt !== null && env.clock.monoMs() - d.lastDropAt < DROP_WINDOW_MS) {
        return { status: 'degraded', detail: `dropped ticks detected (${d.dropped} since start): a consumer is a full ring behind` };
      }
      return isOpen(env.clock.nowMs()) ? { status: 'healthy' } : { status: 'healthy', detail: 'market closed' };
    },
  };
}
