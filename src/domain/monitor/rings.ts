// Ring counters as a monitor view: per-topic published count, per-consumer lag and drops named by
// the subscribing actor, and a backpressure flag for gating consumers that are nearly a ring behind.
// PURE: takes the counters as plain values (the actor reads them with ctx.ringStats()).

/** Counters of one consumer slot (structural subset of the transport's ConsumerStats). */
export interface ConsumerCounters {
  readonly index: number;
  readonly attached: boolean;
  readonly lossy: boolean;
  readonly lag: number;
  readonly dropped: number;
}

/** Counters of one ring plus the actor subscribed at each slot index. */
export interface RingCounters {
  readonly published: number;
  readonly capacity: number;
  readonly consumers: readonly ConsumerCounters[];
  readonly consumerNames: readonly string[];
}

/** One consumer as reported by the monitor. */
export interface ConsumerView {
  readonly actor: string;
  readonly attached: boolean;
  readonly lossy: boolean;
  readonly lag: number;
  readonly dropped: number;
  /** A gating consumer at least `BACKPRESSURE_SHARE` of the capacity behind: its producer is about to block. */
  readonly backpressure: boolean;
}

/** One ring as reported by the monitor. */
export interface RingView {
  readonly topic: string;
  readonly published: number;
  readonly capacity: number;
  readonly maxLag: number;
  readonly dropped: number;
  readonly consumers: readonly ConsumerView[];
}

/** Lag share of the capacity from which a gating consumer is flagged (the original's 80 % alert level). */
export const BACKPRESSURE_SHARE = 0.8;

/** Builds the view of every ring whose topic passes `include`, sorted by topic. */
export function summariseRings(rings: Readonly<Record<string, RingCounters>>, include: (topic: string) => boolean = () => true): RingView[] {
  const out: RingView[] = [];
  for (const topic of Object.keys(rings).sort()) {
    const r = rings[topic]!;
    if (!include(topic)) continue;
    const consumers = r.consumers.map((c) => ({
      actor: r.consumerNames[c.index] ?? `#${c.index}`,
      attached: c.attached,
      lossy: c.lossy,
      lag: c.lag,
      dropped: c.dropped,
      backpressure: !c.lossy && c.lag >= r.capacity * BACKPRESSURE_SHARE,
    }));
    out.push({
      topic,
      published: r.published,
      capacity: r.capacity,
      maxLag: consumers.reduce((m, c) => Math.max(m, c.lag), 0),
      dropped: consumers.reduce((s, c) => s + c.dropped, 0),
      consumers,
    });
  }
  return out;
}
