// Records that name a tick by its ring seq: the strategy runner's `{broker}.signals.raw` records
// (a signal's, a watermark's and a cut's data.tickSeq is a market.ticks ring seq of the runner's
// node). A ring seq means nothing on another node, so the bridge carries the tick's STREAM
// sequence across (header HDR.tick) and the receiving bridge writes the seq of that tick in its
// own ring back into the record. PURE.
import { parseTopic } from '../protocol/topics.js';
import { MARKET_TICKS } from '../protocol/topics.js';

/** The topic whose ring seqs `topic`'s records name, if any. */
export function refersTo(topic: string): string | undefined {
  const t = parseTopic(topic);
  return t.ok && t.value.kind === 'broker' && t.value.suffix === 'signals.raw' ? MARKET_TICKS : undefined;
}

interface WithTickSeq {
  readonly data?: { readonly tickSeq?: unknown } | null;
}

/** The tick ring seq a record names (undefined: none, e.g. a signal of a flatten). */
export function tickRefOf(record: unknown): number | undefined {
  const seq = (record as WithTickSeq | null)?.data?.tickSeq;
  return typeof seq === 'number' && Number.isInteger(seq) ? seq : undefined;
}

/** `record` with its tick ring seq replaced (a copy; the data object is copied too). */
export function withTickRef<T>(record: T, seq: number): T {
  const r = record as WithTickSeq & Record<string, unknown>;
  return { ...r, data: { ...r.data, tickSeq: seq } } as T;
}
