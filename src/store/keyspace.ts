// Every LMDB key the system writes, built in one place. Keys are ordered-binary arrays so numeric
// parts sort numerically (fill logs, equity curves, health history range-scan in order).
import type { Broker } from '../domain/types.js';

// Mutable array type because lmdb-js declares keys as (mutable) arrays.
export type Key = (string | number)[];

export const K = {
  /** Instrument by token; and the symbol index `EXCHANGE:SYMBOL` → token. */
  instrument: (token: number): Key => ['inst', token],
  instrumentRange: (): { start: Key; end: Key } => ({ start: ['inst', 0], end: ['inst', Number.MAX_SAFE_INTEGER] }),
  instrumentSymbol: (qualified: string): Key => ['inst-sym', qualified.toUpperCase()],
  instrumentMeta: (): Key => ['inst-meta'],
  /** Broker session (auth). */
  session: (broker: Broker): Key => ['auth', broker],
  /** Order records by id. */
  order: (broker: Broker, orderId: string): Key => ['order', broker, orderId],
  orderRange: (broker: Broker): { start: Key; end: Key } => ({ start: ['order', broker, ''], end: ['order', broker, '\uffff'] }),
  /**
   * Read model of the orders (src/services/engine/order-index.ts), written in the same transaction
   * as the order records: every order gets a dense per-broker number when it is first stored
   * (`orderSeqOf` → [seq, n]) and a dense per-strategy one; `orderBySeq` and `orderByStrategy` map
   * the numbers back to [orderId, status]; `orderIndexHead` holds the last numbers given. Newest-first
   * pages are then key ranges computed from the head: O(page).
   */
  orderIndexHead: (broker: Broker): Key => ['order-idx', broker],
  orderSeqOf: (broker: Broker, orderId: string): Key => ['order-seq-of', broker, orderId],
  orderBySeq: (broker: Broker, seq: number): Key => ['order-by-seq', broker, seq],
  orderBySeqRange: (broker: Broker, fromSeq: number, toSeq: number): { start: Key; end: Key } => ({ start: ['order-by-seq', broker, fromSeq], end: ['order-by-seq', broker, toSeq] }),
  orderByStrategy: (broker: Broker, strategyId: string, n: number): Key => ['order-by-strat', broker, strategyId, n],
  orderByStrategyRange: (broker: Broker, strategyId: string, fromN: number, toN: number): { start: Key; end: Key } => ({
    start: ['order-by-strat', broker, strategyId, fromN],
    end: ['order-by-strat', broker, strategyId, toN],
  }),
  /** The broker's fill log, in fillSeq order: the source of truth for positions. */
  fill: (broker: Broker, fillSeq: number): Key => ['fill', broker, fillSeq],
  fillRange: (broker: Broker, afterSeq: number): { start: Key; end: Key } => ({ start: ['fill', broker, afterSeq + 1], end: ['fill', broker, Number.MAX_SAFE_INTEGER] }),
  /** Fills with fromSeq <= fillSeq < toSeq (range-read it with `reverse` for newest first). */
  fillSeqRange: (broker: Broker, fromSeq: number, toSeq: number): { start: Key; end: Key } => ({ start: ['fill', broker, fromSeq], end: ['fill', broker, toSeq] }),
  /** Engine (paper broker) state. */
  engineState: (broker: Broker): Key => ['engine', broker],
  portfolioState: (broker: Broker): Key => ['portfolio', broker],
  pnlLatest: (broker: Broker, strategyId: string): Key => ['pnl', broker, strategyId],
  pnlLatestRange: (broker: Broker): { start: Key; end: Key } => ({ start: ['pnl', broker, ''], end: ['pnl', broker, '\uffff'] }),
  equityPoint: (broker: Broker, ts: number): Key => ['equity', broker, ts],
  equityRange: (broker: Broker, from: number, to: number): { start: Key; end: Key } => ({ start: ['equity', broker, from], end: ['equity', broker, to] }),
  riskState: (broker: Broker): Key => ['risk', broker],
  /**
   * Read model of the kill switch (`{ engaged, reason }`): written by whoever commits the risk state
   * (the split risk manager, a fused core), in the same transaction, for readers such as the
   * gateway, which then never decode the risk manager's own record.
   */
  killSwitchView: (broker: Broker): Key => ['view', 'kill-switch', broker],
  /** Strategy engine state: of the split runner (every broker), or of one broker's trading core. */
  strategyState: (broker?: Broker): Key => (broker === undefined ? ['strategy-engine'] : ['strategy-engine', broker]),
  /** A cut of the split strategy runner (src/services/strategy/cuts.ts): its state at cut `n`. */
  strategyCut: (n: number): Key => ['strategy-cut', n],
  strategyCutRange: (): { start: Key; end: Key } => ({ start: ['strategy-cut', 0], end: ['strategy-cut', Number.MAX_SAFE_INTEGER] }),
  feedState: (): Key => ['feed'],
  /** The live-tick journal (src/services/feed/tick-journal.ts): the tick record of feed position `seq`. */
  tickJournal: (seq: number): Key => ['tick-journal', seq],
  tickJournalRange: (from: number, to: number): { start: Key; end: Key } => ({ start: ['tick-journal', from], end: ['tick-journal', to] }),
  /** Replay progress of the market feed (file fingerprint + ticks already published). */
  feedReplay: (): Key => ['feed-replay'],
  health: (broker: Broker, ts: number): Key => ['health', broker, ts],
  healthRange: (broker: Broker, from: number, to: number): { start: Key; end: Key } => ({ start: ['health', broker, from], end: ['health', broker, to] }),
  /** A cluster bridge's mapping of run `run`'s ring seqs of `topic` onto its stream (src/cluster/epochs.ts). */
  bridgeEpoch: (run: string, topic: string): Key => ['bridge-epoch', topic, run],
  /** Set once a cluster node has started its streams' lineage (src/cluster/nats.ts). */
  clusterLineage: (): Key => ['cluster-lineage'],
  /** Where a consumer stands on a topic (epoch + seq), written with its effects. */
  position: (consumer: string, topic: string): Key => ['pos', consumer, topic],
  /** The last completed checkpoint of an actor that checkpoints (its number and source positions). */
  checkpoint: (actor: string): Key => ['checkpoint', actor],
  checkpointRange: (): { start: Key; end: Key } => ({ start: ['checkpoint', ''], end: ['checkpoint', '\uffff'] }),
  /**
   * Retention progress of a broker (src/services/retention/retention.ts): the archive append in
   * flight (file and its size before the append), cleared in the transaction that deletes the batch.
   */
  retention: (broker: Broker): Key => ['retention', broker],
  /** Events a consumer committed with its last batch, re-sent after an in-run restart (at-least-once). */
  outbox: (consumer: string): Key => ['outbox', consumer],
} as const;
