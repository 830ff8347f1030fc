// Event envelope carried by every non-tick message (docs/original-system.md §3.3) — with the quirk fixed:
// correlation and trace ids really propagate, and causation points at the parent event's id.
import type { Broker } from '../domain/types.js';

export type EventType =
  | 'market_tick'
  | 'trading_signal'
  | 'validated_signal'
  | 'rejected_signal'
  | 'order_placed'
  | 'order_filled'
  | 'order_failed'
  | 'pnl_snapshot'
  | 'system_error'
  /** Internal: "every signal derived from ticks ≤ tickSeq has been sent" (see WatermarkData). */
  | 'watermark'
  /** Internal: "the strategy runner's state at a cut is durable" (see CutData). */
  | 'cut';

export interface Envelope<T = unknown> {
  readonly id: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceId: string;
  readonly parentTraceId: string | null;
  readonly broker: Broker | 'shared' | 'system';
  readonly type: EventType;
  /** Producer time, epoch ms. */
  readonly ts: number;
  /** Partition key, e.g. `{strategy_id}:{instrument_token}`. */
  readonly key: string;
  readonly source: string;
  readonly version: 1;
  readonly data: T;
  /**
   * Producer ordinal of a checkpointed producer (the strategy runner's signals): restored with its
   * state, so an event it regenerates after a restart carries the same ordinal and its consumer
   * can skip what it already handled. Absent on other events.
   */
  readonly seq?: number;
}

/** Generates unique, sortable-per-producer event ids without randomness: run.source.gen.seq. */
export class IdSource {
  private seq = 0;
  constructor(
    private readonly runId: string,
    private readonly source: string,
    private readonly gen: number,
  ) {}
  next(): string {
    return `${this.runId}.${this.source}.${this.gen}.${(this.seq++).toString(36)}`;
  }
}

export interface EventSpec<T> {
  readonly type: EventType;
  readonly broker: Envelope['broker'];
  readonly key: string;
  readonly data: T;
}

/** What a child event needs of its parent: its id and the chain it belongs to. */
export type ParentLink = Pick<Envelope, 'id' | 'correlationId' | 'traceId'>;

function build<T>(id: string, chain: { correlationId: string; traceId: string; parent: string | null }, source: string, ts: number, spec: EventSpec<T>): Envelope<T> {
  return {
    id,
    correlationId: chain.correlationId,
    causationId: chain.parent,
    traceId: chain.traceId,
    parentTraceId: chain.parent,
    broker: spec.broker,
    type: spec.type,
    ts,
    key: spec.key,
    source,
    version: 1,
    data: spec.data,
  };
}

/** A root event: it starts a new correlation chain (e.g. a signal caused by a tick). */
export function rootEvent<T>(ids: IdSource, source: string, ts: number, spec: EventSpec<T>): Envelope<T> {
  const id = ids.next();
  return build(id, { correlationId: id, traceId: id, parent: null }, source, ts, spec);
}

/**
 * A child event: keeps correlation and trace ids, points causation at the parent. The parent may
 * be a stored link (e.g. an order's origin) rather than a live envelope.
 */
export function childEvent<T>(parent: ParentLink, ids: IdSource, source: string, ts: number, spec: EventSpec<T>): Envelope<T> {
  return build(ids.next(), { correlationId: parent.correlationId, traceId: parent.traceId, parent: parent.id }, source, ts, spec);
}

/**
 * Event-time watermark carried on `{b}.signals.raw` (from the strategy runner) and
 * `{b}.signals.validated` (forwarded by the risk manager after everything before it). Consumers
 * that merge ticks with signals (risk, engine) process ticks only up to the newest watermark or
 * signal tickSeq, which makes a replay's interleaving — and therefore its fills — deterministic.
 */
export interface WatermarkData {
  readonly tickSeq: number;
}

/**
 * A cut of the strategy runner (split topology): its state after the tick at `tickSeq` is durable
 * under K.strategyCut(n). A trading core that has handled this record names the cut in its next
 * checkpoint; after a crash the runner restores the cut its cores' last completed checkpoints name,
 * and the feed rewinds to `nextFeedSeq`. See src/services/strategy/cuts.ts.
 */
export interface CutData {
  readonly n: number;
  /** market.ticks ring seq of the last tick in the cut. */
  readonly tickSeq: number;
  /** Feed position after that tick (0 when the feed has none): where a rewind must start. */
  readonly nextFeedSeq: number;
  /** The runner's next signal ordinal (Envelope.seq) after the cut. */
  readonly nextSigSeq: number;
}

export function isWatermark(e: Envelope): e is Envelope<WatermarkData> {
  return e.type === 'watermark';
}
