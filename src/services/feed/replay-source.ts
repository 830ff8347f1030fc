// Replay source: config.feed.replayFile (JSONL / CSV ticks / CSV bars, detected from the head and
// the file name), paced 'realtime' × replaySpeed or 'max'. Resume: the index of the next tick is
// checkpointed to K.feedReplay() every 250 ms, at the end of the file and on stop. After a
// requested stop the restart is exact; after a crash the ticks published since the last checkpoint
// (≤ 250 ms worth) are published again — at-least-once, because a ring write and an LMDB commit
// cannot be one transaction. At the end of the file the source logs once and idles.
import { appError, formatMessage } from '../../errors.js';
import {
  createReplayDecoder,
  createReplayPacer,
  detectReplayFormat,
  type ReplayFormat,
  type SyntheticInstrument,
} from '../../domain/feed/index.js';
import { isIndexToken } from '../../domain/instruments/index.js';
import { K } from '../../store/keyspace.js';
import { readLines } from './line-reader.js';
import { createReplayDriver } from './replay-driver.js';
import { fingerprintOf, readHead, REPLAY_POSITION_VERSION, resumePoint, rewindToCheckpoints, type ReplayPosition } from './replay-position.js';
import type { FeedSettings } from './settings.js';
import type { FeedEnv, FeedSource } from './source.js';

/** Checkpoint period of the replay position. */
export const REPLAY_CHECKPOINT_MS = 250;

/** What a usable replay file gives the source: its head (resume fingerprint) and its format. */
export interface ReplayFileHead {
  readonly file: string;
  readonly head: Buffer;
  readonly format: ReplayFormat;
}

/**
 * Opens the replay file and detects its format from its head. Throws ERR_CONFIG_INVALID when the
 * file is not set, cannot be read or has no recognisable format. Also the start-up pre-flight check
 * (src/startup/preflight.ts), so a bad file is refused before any actor starts.
 */
export function openReplayFile(file: string | undefined): ReplayFileHead {
  if (file === undefined) throw appError('ERR_CONFIG_INVALID', { summary: 'feed.source is replay but feed.replayFile is not set' });
  let head: Buffer;
  try {
    head = readHead(file);
  } catch (e) {
    throw appError('ERR_CONFIG_INVALID', { summary: `replay file ${file} cannot be read: ${(e as Error).message}` }, e);
  }
  const format = detectReplayFormat(head.toString('utf8'), file);
  if (!format.ok) {
    throw appError('ERR_CONFIG_INVALID', { summary: `replay file ${file}: ${formatMessage('ERR_FEED_RECORD_INVALID', { ...format.error })}` });
  }
  return { file, head, format: format.value };
}

/** Creates the replay source (not started). Throws ERR_CONFIG_INVALID for a missing or unreadable file. */
export function createReplaySource(env: FeedEnv, s: FeedSettings, instruments: readonly SyntheticInstrument[]): FeedSource {
  const { file, head, format } = openReplayFile(s.replayFile);
  const tradable = new Map(instruments.map((i) => [i.token, i.tradable ?? !isIndexToken(i.token)]));
  const decoder = createReplayDecoder(format, { isTradable: (t) => tradable.get(t) ?? !isIndexToken(t) });
  const pacer = createReplayPacer({ pace: s.replayPace, speed: s.replaySpeed });
  const own = resumePoint(env.load(K.feedReplay()), head);
  const resume = { ...own, from: rewindToCheckpoints(own.from, env.loadRange(K.checkpointRange()), head) };
  if (resume.from < own.from) env.log.info({ file, from: resume.from, published: own.from }, 'rewinding replay to the last completed checkpoint');
  if (resume.reason === 'invalid') env.countError('ERR_STORE_SCHEMA', { key: 'feed-replay', version: null, expected: REPLAY_POSITION_VERSION });
  if (resume.reason === 'other-file') env.log.info({ file }, 'replay file differs from the recorded position: replaying from the start');
  if (resume.reason === 'resumed') env.log.info({ file, from: resume.from }, 'resuming replay');
  const fingerprint = fingerprintOf(head);
  const driver = createReplayDriver({
    lines: readLines(file),
    decoder,
    pacer,
    resumeFrom: resume.from,
    publisher: env.publisher,
    clock: env.clock,
    ...(env.onPublished !== undefined ? { onPublished: env.onPublished } : {}),
    onBadLine: (e) => env.countError(e.code, { line: e.line, reason: e.reason, file }),
  });
  let saved = '';

  return {
    kind: 'replay',
    stateKey: K.feedReplay(),
    checkpointEveryMs: REPLAY_CHECKPOINT_MS,
    restored: resume.reason === 'resumed',
    targetRate: null,
    start() {
      driver.run().then(
        () => {
          const d = driver.stats();
          if (!d.complete) return;
          env.log.info({ file, ticks: d.position, published: d.published, badLines: d.badLines }, 'replay complete: feed idle');
          env.checkpointNow();
        },
        (e: unknown) => env.fail(e),
      );
    },
    stop: () => driver.stop(),
    checkpoint() {
      const d = driver.stats();
      // Before the first published tick the stored position (if any) is still the truth
      if (d.position < resume.from) return undefined;
      const key = `${d.position}/${d.complete}`;
      if (key === saved) return undefined;
      saved = key;
      const record: ReplayPosition = { v: REPLAY_POSITION_VERSION, file, fingerprint, ticks: d.position, complete: d.complete, savedAt: env.clock.nowMs() };
      return record;
    },
    stats() {
      const d = driver.stats();
      return { published: d.published, dropped: 0, lastTickTs: d.lastTickTs };
    },
    marketOpen: () => true,
    replay() {
      const d = driver.stats();
      return {
        file,
        format,
        pace: s.replayPace,
        speed: s.replaySpeed,
        position: Math.max(d.position, resume.from),
        resumedFrom: resume.from,
        lines: d.lines,
        badLines: d.badLines,
        complete: d.complete,
      };
    },
    health() {
      const d = driver.stats();
      if (d.complete) return { status: 'healthy', detail: 'replay complete' };
      return { status: 'healthy', detail: `replaying ${file}: ${Math.max(d.position, resume.from)} ticks done` };
    },
  };
}
