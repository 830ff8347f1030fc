// The record of an actor's last completed checkpoint (K.checkpoint(actor)), written in the same
// LMDB transaction as the state it covers. It names the source position the state corresponds to,
// so that after a restart of the whole process the sources rewind to it (src/services/feed).

/** Identity of a replay file's content: sha1 of its first `headBytes` bytes. */
export interface FileFingerprint {
  readonly headBytes: number;
  readonly sha1: string;
}

export const CHECKPOINT_VERSION = 1;

export interface CheckpointRecord {
  readonly v: typeof CHECKPOINT_VERSION;
  /** Checkpoint number, counting up over the store's life. */
  readonly n: number;
  /** Actor clock at capture, epoch ms (diagnostics only). */
  readonly at: number;
  /**
   * Replay position: every tick of this file with feedSeq < `nextFeedSeq` is in the state. Null for
   * other feeds: a synthetic feed's ticks after a checkpoint were never acknowledged outside and
   * are simply not traded again; a live feed rewinds through its journal (below).
   */
  readonly replay: { readonly fingerprint: FileFingerprint; readonly nextFeedSeq: number } | null;
  /**
   * Live-tick journal position (KiteTicker feed): every journaled tick with feedSeq < `nextFeedSeq`
   * is in the state; after a crash the feed re-publishes the journal from here. Absent or null for
   * other feeds.
   */
  readonly journal?: { readonly nextFeedSeq: number } | null;
  /**
   * Split topology: the strategy runner's cut this state goes with (see CutData). The cut is at or
   * before the core's own position, so the feed positions above are the cut's (where the runner
   * must resume), and `consumed` says where the core itself stands.
   */
  readonly runner?: RunnerCutRef | null;
  /**
   * Split topology: the core's own positions (ticks of the feed; the runner's signal ordinals) and
   * the run (ctx.runId) they were taken in.
   */
  readonly consumed?: { readonly nextFeedSeq: number; readonly lastSigSeq: number; readonly runId: string } | null;
}

/** What a core's checkpoint says of the strategy runner's cut it covers. */
export interface RunnerCutRef {
  readonly n: number;
  /** The runner's next signal ordinal at the cut. */
  readonly nextSigSeq: number;
}

/** Whether a stored value is a checkpoint record of this version. */
export function isCheckpointRecord(x: unknown): x is CheckpointRecord {
  if (x === null || typeof x !== 'object') return false;
  const r = x as Partial<CheckpointRecord>;
  return r.v === CHECKPOINT_VERSION && typeof r.n === 'number' && typeof r.at === 'number' && (r.replay === null || typeof r.replay === 'object');
}
