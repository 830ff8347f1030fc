// Where a bridge resumes a stream, exactly. A node's rings are fresh in every run (ctx.runId), and
// its bridge is the only publisher of an inbound topic's ring, writing the stream's messages in
// order, one record each. So within a run, ring seq k holds the message at stream sequence
// base + k, where base is the stream sequence of the run's first message; a gap in the stream
// (messages aged out before this node read them) starts a new segment. The segments of a run are
// stored once, when they begin (K.bridgeEpoch): with them, a subscriber's stored position (run,
// ring seq: written in its own checkpoint) names the stream sequence it has handled, and a
// restarted node resumes the stream right after the oldest such position. PURE.
import type { ConsumerPosition } from '../store/lmdb.js';

/** A run's mapping: from `ring` on, ring seq r holds stream sequence `stream + (r - ring)`. */
export interface Segment {
  readonly ring: number;
  readonly stream: number;
}

export type Epoch = readonly Segment[];

/** The stream sequence at ring seq `ring` of a run, or undefined before its first segment. */
export function streamSeqAt(epoch: Epoch, ring: number): number | undefined {
  let hit: Segment | undefined;
  for (const s of epoch) if (s.ring <= ring) hit = s;
  return hit === undefined ? undefined : hit.stream + (ring - hit.ring);
}

/** The ring seq of stream sequence `stream` in a run (undefined: not in it, e.g. before its start or in a gap). */
export function ringSeqOf(epoch: Epoch, stream: number): number | undefined {
  for (let i = epoch.length - 1; i >= 0; i--) {
    const s = epoch[i]!;
    if (stream >= s.stream) {
      const next = epoch[i + 1];
      const ring = s.ring + (stream - s.stream);
      return next !== undefined && ring >= next.ring ? undefined : ring;
    }
  }
  return undefined;
}

/** Where to resume a stream. */
export type Resume = { readonly kind: 'at'; readonly seq: number } | { readonly kind: 'all' } | { readonly kind: 'new' };

/**
 * Where a node's bridge resumes a stream for its durable subscribers, from their stored positions
 * (undefined: none yet) and the stored epochs of past runs. A subscriber without a position has
 * handled nothing: everything the stream holds. A position in a run whose epoch is unknown (the
 * store ran single-process then) cannot be mapped, so it also means everything, and the
 * subscriber's own skip rules (feed positions, signal ordinals) drop what it already holds.
 * No durable subscriber (only lossy ones): only what is published from now on.
 */
export function resumeAt(positions: readonly (ConsumerPosition | undefined)[], epochOf: (run: string) => Epoch | undefined): Resume {
  if (positions.length === 0) return { kind: 'new' };
  let seq = Number.POSITIVE_INFINITY;
  for (const p of positions) {
    if (p === undefined) return { kind: 'all' };
    const epoch = epochOf(p.epoch);
    const at = epoch === undefined ? undefined : streamSeqAt(epoch, p.seq);
    if (at === undefined) return { kind: 'all' };
    seq = Math.min(seq, at + 1);
  }
  return { kind: 'at', seq };
}
