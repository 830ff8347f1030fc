// The seam between the market-feed actor shell and its tick sources (synthetic, replay, kite): what a
// source needs from the actor (FeedEnv) and what the actor drives (FeedSource). A source owns its
// emission loop and says what to persist; the actor owns timers, LMDB writes and the recorder.
import type { Logger } from 'pino';
import type { Tick } from '../../domain/types.js';
import type { ActorClock, ActorHealth } from '../../runtime/actor.js';
import type { TickPublisher } from './tick-channel.js';
import type { TickJournal } from './tick-journal.js';
import type { KiteFeedStatus, ReplayProgress } from '../../protocol/market-feed.js';
import type { Key } from '../../store/keyspace.js';
import type { KiteOrder } from '../../kite/rest/types.js';

/** What a source may use from its actor. */
export interface FeedEnv {
  readonly clock: ActorClock;
  readonly log: Logger;
  readonly publisher: TickPublisher;
  /** Counted, logged-once boundary error. */
  countError(code: string, detail?: Readonly<Record<string, unknown>>): void;
  /** Reads a stored record (undefined without a store or when absent). */
  load(key: Key): unknown;
  /** Reads every stored record in a key range (none without a store). */
  loadRange(range: { readonly start: Key; readonly end: Key }): readonly unknown[];
  /** Called with every KiteTicker `order` text message, decoded (the kite source only). */
  readonly onOrderUpdate?: (order: KiteOrder) => void;
  /**
   * The live-tick journal (kite source): every published tick is appended under its feedSeq, and
   * ticks from `rewindFrom` on are re-published at start, before any live tick.
   */
  readonly journal?: {
    readonly log: TickJournal;
    readonly rewindFrom: number | null;
    /** New ticks get feed positions at or above this (the highest position a checkpoint holds). */
    readonly floor: number;
  };
  /** Called with every published tick (recording). */
  readonly onPublished?: (t: Tick) => void;
  /** Asks the actor to persist the source's checkpoint now (e.g. when a replay completes). */
  checkpointNow(): void;
  /** Reports a failure that must crash the actor (the supervisor restarts it). */
  fail(e: unknown): void;
}

/** Counters every source reports. */
export interface FeedSourceStats {
  readonly published: number;
  readonly dropped: number;
  readonly lastTickTs: number | null;
}

/** A tick source driven by the actor. */
export interface FeedSource {
  readonly kind: 'synthetic' | 'replay' | 'kite';
  /** LMDB key of the checkpoint record. */
  readonly stateKey: Key;
  /** Minimum ms between periodic checkpoints. */
  readonly checkpointEveryMs: number;
  /** Whether a persisted record was restored at start. */
  readonly restored: boolean;
  /** Configured ticks per second, null when the file paces the feed. */
  readonly targetRate: number | null;
  start(): void;
  /** Stops emitting; after it resolves no tick is published and checkpoint() is final. */
  stop(): Promise<void>;
  /** The record to persist now, or undefined when nothing changed since the last call. */
  checkpoint(): unknown;
  stats(): FeedSourceStats;
  /** Whether the source is emitting per the market calendar (replay: always true). */
  marketOpen(): boolean;
  replay(): ReplayProgress | null;
  /** KiteTicker connections and counters (the kite source only). */
  kiteStatus?(): KiteFeedStatus;
  health(): ActorHealth;
}
