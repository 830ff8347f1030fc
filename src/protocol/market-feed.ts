// Control-plane payloads of the market-feed actor (snapshot() and call('status')), read by the
// gateway, the pipeline monitor and tests. Plain JSON: they cross threads through structured clone.

/** Where the feed's instrument list came from. */
export type InstrumentSource = 'lmdb' | 'file';

/** Replay progress (source 'replay' only). */
export interface ReplayProgress {
  readonly file: string;
  readonly format: string;
  readonly pace: 'realtime' | 'max';
  readonly speed: number;
  /** Ticks of the file published or skipped so far (the persisted resume index). */
  readonly position: number;
  /** Ticks skipped at start because an earlier run had published them already. */
  readonly resumedFrom: number;
  /** Physical lines read so far in this run. */
  readonly lines: number;
  readonly badLines: number;
  readonly complete: boolean;
}

/** Tick recording (config.feed.recordFile). */
export interface RecordingInfo {
  readonly file: string;
  readonly written: number;
  readonly pending: number;
}

/** One KiteTicker connection (source 'kite'). */
export interface KiteConnectionStatus {
  readonly state: 'connecting' | 'open' | 'waiting';
  readonly tokens: number;
  /** Handshakes that succeeded; every one after the first is a reconnection. */
  readonly opened: number;
  /** Milliseconds since the last message of any kind (tick or heartbeat), null before the first. */
  readonly silentMs: number | null;
  /** Why the last connection ended (close code, handshake status, liveness), null before any. */
  readonly lastError: string | null;
}

/** KiteTicker counters (source 'kite'). */
export interface KiteFeedStatus {
  readonly mode: 'ltp' | 'quote' | 'full';
  readonly connections: readonly KiteConnectionStatus[];
  readonly frames: number;
  readonly packets: number;
  readonly heartbeats: number;
  /** Frames or packets rejected with an ERR_FRAME_KITE_* code, and packets the tick record cannot hold. */
  readonly malformed: number;
  /** Text messages by type (`order`, `error`, `message`, anything else as `other`). */
  readonly texts: Readonly<Record<'order' | 'error' | 'message' | 'other', number>>;
  /**
   * The live-tick journal (src/services/feed/tick-journal.ts): the next feed position, ticks
   * journaled by this run, and ticks re-published from the journal at start (the rewind to the
   * fused cores' last checkpoint). Null without a store.
   */
  readonly journal: { readonly next: number; readonly appended: number; readonly rewoundFrom: number | null; readonly rewound: number } | null;
}

/** What `snapshot()` and `call('status')` return. */
export interface MarketFeedSnapshot {
  readonly source: 'synthetic' | 'replay' | 'kite';
  readonly instruments: number;
  readonly instrumentSource: InstrumentSource;
  /** Configured rate (synthetic) or null (replay is paced by the file). */
  readonly targetRate: number | null;
  /** Published ticks per second over the last sampling interval (~0.5 s). */
  readonly rate: number;
  /** Ticks written to the ring by this incarnation. */
  readonly published: number;
  /** Ticks the ring refused (block policy, synthetic feed only: a live feed never stalls). */
  readonly dropped: number;
  /** Exchange timestamp (epoch ms) of the last published tick, null before the first. */
  readonly lastTickTs: number | null;
  readonly market: { readonly open: boolean; readonly market24x7: boolean };
  readonly replay: ReplayProgress | null;
  readonly recording: RecordingInfo | null;
  readonly persistence: { readonly saves: number; readonly lastSavedAt: number | null; readonly restored: boolean };
  /** Source 'kite' only. */
  readonly kite?: KiteFeedStatus;
}
