// How topics meet NATS: one subject per topic (`alpha.<topic>`, e.g. `alpha.paper.orders.filled`),
// one JetStream stream per subject (so a stream's sequence numbers are that topic's, without gaps:
// see epochs.ts), one durable consumer per (node, topic). PURE.

/** Prefix of every subject Alpha Panda publishes. */
export const SUBJECT_PREFIX = 'alpha';

/** The subject of a topic. */
export function subjectOf(topic: string): string {
  return `${SUBJECT_PREFIX}.${topic}`;
}

/** The stream holding a topic's subject (stream names may not contain "."). */
export function streamOf(topic: string): string {
  return `ALPHA_${topic.replaceAll('.', '_')}`;
}

/** The durable consumer through which `node` reads `topic`. */
export function durableOf(node: string, topic: string): string {
  return `${node}_${topic.replaceAll('.', '_')}`;
}

/** The key-value bucket mirroring checkpoint records between nodes (key: the actor's name). */
export const CHECKPOINT_BUCKET = 'alpha_checkpoints';

/** Headers a bridge sets on a message. */
export const HDR = {
  /** Of a record that names a tick (see tick-refs.ts): the tick's stream sequence. */
  tick: 'Alpha-Tick-Seq',
} as const;
