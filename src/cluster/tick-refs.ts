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

/** Stream sequences of sent ticks kept for the records that name them (a power of two). */
const KEPT = 1 << 17;

/**
 * What an outbound bridge knows of the ticks it sends, for the records that name them: each
 * tick's stream sequence once stored, and which ticks may leave the ring. A tick is released once
 * stored and once no record still to be stored can name it. Records name non-decreasing ticks (a
 * runner's signals, watermarks and cuts follow its ticks), so once a stored record names tick t,
 * every record yet to come names t or a later one: ticks before t may go. That keeps every tick a
 * pending record names in the ring, so a restarted bridge reads it again and learns its sequence.
 * PURE bookkeeping, fed in ring order.
 */
export class SentTicks {
  private readonly seqs = new Float64Array(KEPT);
  private first = -1;
  private storedThrough = -1;
  private releasedThrough = -1;
  private storedRef = -1;
  private readonly pending: { readonly ring: number; readonly ref: number }[] = [];
  private head = 0;

  /** `referred`: whether records naming these ticks are sent too (else a tick goes once stored). */
  constructor(private readonly referred: boolean) {}

  /** A tick read from the ring. */
  read(ring: number): void {
    if (this.first < 0) this.first = ring;
  }

  /** A tick stored as stream sequence `streamSeq`. */
  stored(ring: number, streamSeq: number): void {
    this.seqs[ring & (KEPT - 1)] = streamSeq;
    this.storedThrough = ring;
  }

  /** The stream sequence of the tick at ring seq `ring`; 'unknown' when this incarnation never sent it. */
  streamSeqOf(ring: number): number | 'pending' | 'unknown' {
    if (ring > this.storedThrough) return 'pending';
    if (this.first < 0 || ring < this.first || this.storedThrough - ring >= KEPT) return 'unknown';
    return this.seqs[ring & (KEPT - 1)]!;
  }

  /** A record naming tick `ref` (-1: none) read from its ring at `ring`. */
  named(ring: number, ref: number): void {
    this.pending.push({ ring, ref });
  }

  /** The naming records up to ring seq `ring` are stored. */
  namesStored(ring: number): void {
    const p = this.pending;
    while (this.head < p.length && p[this.head]!.ring <= ring) this.storedRef = Math.max(this.storedRef, p[this.head++]!.ref);
    if (this.head > 4096 && this.head * 2 > p.length) {
      p.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The ticks that may leave the ring now: through this ring seq (null: nothing new). */
  release(): number | null {
    const through = this.referred ? Math.min(this.storedThrough, this.storedRef - 1) : this.storedThrough;
    if (through <= this.releasedThrough) return null;
    this.releasedThrough = through;
    return through;
  }
}
