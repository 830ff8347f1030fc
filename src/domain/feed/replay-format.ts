// Replay/record file formats: format detection and one decoder for every format. PURE.
//   jsonl     - one Tick per line as written by formatTickJsonl (integer minor units, epoch ms)
//   csv_ticks - timestamp,instrument_token,last_price[,volume]            (rupee decimals)
//   csv_bars  - timestamp,instrument_token,open,high,low,close[,volume]   (4 ticks per bar)
// Timestamps: see replay-timestamp.ts. Bad lines are returned as ERR_FEED_RECORD_INVALID values.

import { err, ok, type Result } from '../../errors.js';
import { splitCsvLine } from '../instruments/csv-fields.js';
import type { Tick } from '../types.js';
import { createCsvDecoder, type CsvReplayOptions } from './replay-csv.js';
import { parseTickJsonl } from './replay-jsonl.js';
import { parseReplayTimestamp } from './replay-timestamp.js';
import { recordError, REPLAY_FORMATS, type FeedRecordError, type ReplayFormat } from './replay-types.js';

export { formatTickJsonl, parseTickJsonl } from './replay-jsonl.js';
export type { CsvReplayOptions } from './replay-csv.js';
export { REPLAY_FORMATS, type FeedRecordError, type ReplayFormat } from './replay-types.js';

/** Stateful decoder for one file: feed it the physical lines in order. */
export interface ReplayDecoder {
  readonly format: ReplayFormat;
  /** Ticks of one line ([] for blank, comment and header lines). */
  decodeLine(line: string, lineNo: number): Result<readonly Tick[], FeedRecordError>;
}

/** Creates the decoder for `format`. */
export function createReplayDecoder(format: ReplayFormat, opts: CsvReplayOptions = {}): ReplayDecoder {
  if (format === 'jsonl') {
    return {
      format,
      decodeLine(line, lineNo) {
        const t = line.trim();
        if (t === '') return ok([]);
        const r = parseTickJsonl(t, lineNo);
        return r.ok ? ok([r.value]) : r;
      },
    };
  }
  const csv = createCsvDecoder(format, opts);
  return { format, decodeLine: (line, lineNo) => csv.decodeLine(line, lineNo) };
}

/**
 * Picks the format. `hint` may be a format name, a file name or an extension: `.jsonl`/`.ndjson`
 * mean jsonl. Otherwise the first content line decides: `{` → jsonl; a header naming open and
 * high → csv_bars, else csv_ticks; without a header, 6–7 fields → csv_bars, 3–4 → csv_ticks.
 */
export function detectReplayFormat(text: string, hint?: string): Result<ReplayFormat, FeedRecordError> {
  const h = (hint ?? '').trim().toLowerCase();
  const named = REPLAY_FORMATS.find((f) => f === h);
  if (named !== undefined) return ok(named);
  if (/\.(jsonl|ndjson)$/.test(h)) return ok('jsonl');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('{')) return ok('jsonl');
    const split = splitCsvLine(line);
    if (!split.ok) return err(recordError(i + 1, `cannot detect the format: ${split.error}`));
    const fields = split.value.map((f) => f.toLowerCase());
    const first = fields[0] ?? '';
    if (/[a-z]/.test(first) && parseReplayTimestamp(first) === undefined) {
      return ok(fields.includes('open') && fields.includes('high') ? 'csv_bars' : 'csv_ticks');
    }
    if (fields.length === 6 || fields.length === 7) return ok('csv_bars');
    if (fields.length === 3 || fields.length === 4) return ok('csv_ticks');
    return err(recordError(i + 1, `cannot detect the format from ${fields.length} fields`));
  }
  return err(recordError(0, 'cannot detect the format of an empty file'));
}

/** Everything decoded from a whole replay text. */
export interface ReplayParseResult {
  readonly format: ReplayFormat;
  readonly ticks: readonly Tick[];
  readonly errors: readonly FeedRecordError[];
}

/**
 * Decodes a whole replay text (format detected with {@link detectReplayFormat}); bad lines are
 * collected in `errors` and skipped. For large files, stream lines through a {@link ReplayDecoder}.
 */
export function parseReplay(
  text: string,
  hint?: string,
  opts: CsvReplayOptions = {},
): Result<ReplayParseResult, FeedRecordError> {
  const format = detectReplayFormat(text, hint);
  if (!format.ok) return format;
  const decoder = createReplayDecoder(format.value, opts);
  const ticks: Tick[] = [];
  const errors: FeedRecordError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const r = decoder.decodeLine(lines[i] ?? '', i + 1);
    if (r.ok) ticks.push(...r.value);
    else errors.push(r.error);
  }
  return ok({ format: format.value, ticks, errors });
}
