// Shared vocabulary of the replay/record formats: the format tags and the rejected-record error.
// PURE. A replay file is a trust boundary: every rejected line becomes one FeedRecordError.

/** Supported replay file formats (see replay-format.ts for their exact shapes). */
export type ReplayFormat = 'jsonl' | 'csv_ticks' | 'csv_bars';

/** All formats, for config validation and error messages. */
export const REPLAY_FORMATS: readonly ReplayFormat[] = ['jsonl', 'csv_ticks', 'csv_bars'];

/** A rejected replay line. Detail fields match the ERR_FEED_RECORD_INVALID template. */
export interface FeedRecordError {
  readonly code: 'ERR_FEED_RECORD_INVALID';
  /** 1-based physical line number (0 when the problem is the file as a whole). */
  readonly line: number;
  readonly reason: string;
}

/** Builds a {@link FeedRecordError}. */
export function recordError(line: number, reason: string): FeedRecordError {
  return { code: 'ERR_FEED_RECORD_INVALID', line, reason };
}

/** Longest accepted line: far above any real record, small enough to bound work per line. */
export const MAX_LINE_CHARS = 65_536;
