// Group commit of risk verdicts with exactly-once effects. Each evaluated signal joins the open
// batch; a commit takes the batch and writes, in ONE transaction with the risk state: the consumer
// position (`{epoch: runId, seq}`) of every signal topic, and the batch's verdict events as the
// outbox. Verdicts are published only after that commit; a restart in the same run re-sends the
// last outbox (same event ids; the engine is idempotent per signal key), so a verdict committed
// but not yet published is neither lost nor re-evaluated.
import type { Broker } from '../../domain/types.js';
import type { Envelope } from '../../protocol/envelope.js';
import type { RejectedSignalPayload, ValidatedSignalPayload } from '../../protocol/risk.js';
import { brokerTopic } from '../../protocol/topics.js';
import { K } from '../../store/keyspace.js';
import type { ConsumerPosition } from '../../store/lmdb.js';
import type { StoreReader, StoreWrite } from '../portfolio/fill-log.js';

/** A verdict event and the topic it goes to. */
export interface OutboxItem {
  readonly broker: Broker;
  readonly suffix: 'signals.validated' | 'signals.rejected';
  readonly event: Envelope<ValidatedSignalPayload | RejectedSignalPayload>;
}

/** The outbox as stored: the run (ring epoch) it belongs to and the last committed batch's events. */
export interface StoredOutbox {
  readonly epoch: string;
  readonly items: readonly OutboxItem[];
}

/** What a commit takes from the batch. */
export interface TakenBatch {
  /** Position and outbox writes, to commit together with the risk state. */
  readonly writes: StoreWrite[];
  /** Events to publish after the commit, in evaluation order. */
  readonly outbox: readonly OutboxItem[];
  /** Per broker, the highest signal seq covered by the commit (release it after publishing). */
  readonly releases: ReadonlyMap<Broker, number>;
}

/** Topic of a broker's raw signals. */
export const rawTopic = (b: Broker): string => brokerTopic(b, 'signals.raw');

/** Collects evaluated signals between commits (see the file header). */
export class VerdictBatch {
  private items: OutboxItem[] = [];
  private readonly through = new Map<Broker, number>();
  private readonly open = new Map<Broker, number>();

  /** Records that signal `seq` of `broker` was evaluated (with its event, or none for an invalid record). */
  add(broker: Broker, seq: number, item?: OutboxItem): void {
    this.through.set(broker, seq);
    this.open.set(broker, seq);
    if (item !== undefined) this.items.push(item);
  }

  /**
   * Adds the verdict of a signal that came from a command (a flatten), not from a signal topic: it
   * joins the outbox of the next commit and moves no consumer position.
   */
  addCommand(item: OutboxItem): void {
    this.items.push(item);
  }

  /** True when evaluated signals of `broker` wait for a commit. */
  hasOpen(broker: Broker): boolean {
    return this.open.has(broker);
  }

  /** Takes the open batch; positions cover every signal evaluated so far in this incarnation. */
  take(consumer: string, epoch: string): TakenBatch {
    const outbox = this.items;
    const releases = new Map(this.open);
    this.items = [];
    this.open.clear();
    const writes: StoreWrite[] = [];
    for (const [b, seq] of this.through) {
      const pos: ConsumerPosition = { epoch, seq };
      writes.push({ kind: 'put', key: K.position(consumer, rawTopic(b)), value: pos });
    }
    const stored: StoredOutbox = { epoch, items: outbox };
    writes.push({ kind: 'put', key: K.outbox(consumer), value: stored });
    return { writes, outbox, releases };
  }
}

/** The stored position of `consumer` on a broker's raw signal topic. */
export function storedPosition(db: StoreReader, consumer: string, broker: Broker): ConsumerPosition | undefined {
  return db.get(K.position(consumer, rawTopic(broker))) as ConsumerPosition | undefined;
}

/** The outbox to re-send after a restart: only one written in this run (fresh rings start empty). */
export function pendingOutbox(db: StoreReader, consumer: string, epoch: string): readonly OutboxItem[] {
  const stored = db.get(K.outbox(consumer)) as StoredOutbox | undefined;
  return stored !== undefined && stored.epoch === epoch ? stored.items : [];
}
