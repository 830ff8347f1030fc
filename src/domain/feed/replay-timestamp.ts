// Timestamp parsing for replay CSV files. PURE, hand-rolled (Date.parse is lenient and
// implementation-defined for non-ISO text). Rules: digits only = epoch milliseconds, except values
// below 1e11 (which as ms would fall in 1970-73) are epoch seconds; ISO 8601 date-times with Z or a
// ±HH:MM offset are exact; naive date-times are IST (NSE data), fixing the original's naive-as-UTC
// quirk; a bare date means that day's 09:15 IST session open.

import { parseIsoDate } from '../market-hours/calendar.js';
import { clockMs, IST_OFFSET_MS, istDayStartMs } from '../market-hours/ist.js';
import { OPEN_MS } from '../market-hours/status.js';

/** Earliest accepted epoch-ms timestamp (1973-03-03): smaller values are epoch seconds by mistake. */
export const MIN_TIMESTAMP_MS = 100_000_000_000;
/** Latest accepted timestamp (2100-01-01T00:00:00Z): anything later is a unit mistake. */
export const MAX_TIMESTAMP_MS = 4_102_444_800_000;

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parsed timestamp: epoch ms plus whether the text was a bare date (a daily bar). */
export interface ParsedTimestamp {
  readonly ms: number;
  readonly dateOnly: boolean;
}

/** Parses one timestamp field; undefined when malformed, non-positive or after 2100. */
export function parseReplayTimestamp(text: string): ParsedTimestamp | undefined {
  const t = text.trim();
  if (/^\d{1,16}$/.test(t)) {
    const n = Number(t);
    const ms = n < MIN_TIMESTAMP_MS ? n * 1000 : n;
    return inRange(ms) ? { ms, dateOnly: false } : undefined;
  }
  const day = parseIsoDate(t);
  if (day !== undefined) {
    const ms = istDayStartMs(day) + OPEN_MS;
    return inRange(ms) ? { ms, dateOnly: true } : undefined;
  }
  const m = ISO_RE.exec(t);
  if (m === null) return undefined;
  const date = parseIsoDate(`${m[1]}-${m[2]}-${m[3]}`);
  const hh = Number(m[4]);
  const mm = Number(m[5]);
  const ss = Number(m[6] ?? '0');
  if (date === undefined || hh > 23 || mm > 59 || ss > 59) return undefined;
  const frac = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = zoneOffsetMs(m[8]);
  if (offset === undefined) return undefined;
  const ms = date * 86_400_000 + clockMs(hh, mm) + ss * 1000 + frac - offset;
  return inRange(ms) ? { ms, dateOnly: false } : undefined;
}

/** Offset of a zone designator from UTC in ms; a missing zone means IST. */
function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined) return IST_OFFSET_MS;
  if (zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (m === null) return undefined;
  const h = Number(m[2]);
  const min = Number(m[3] ?? '0');
  if (h > 14 || min > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * clockMs(h, min);
}

function inRange(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms > 0 && ms <= MAX_TIMESTAMP_MS;
}
