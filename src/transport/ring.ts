// Single-producer, multi-consumer ring over a SharedArrayBuffer (layout: ring-layout.ts).
// Each consumer owns a cursor; the producer is gated only by non-lossy consumers ("block" policy)
// and never by lossy ones, which detect being lapped through the slot stamp and count what they
// missed. Invariants: publish-after-write; a consumer never delivers a torn or duplicated record;
// a restarted producer resumes from the published cursor; a restarted consumer from its own.
// This module re-exports the three parts: ring-views.ts (creation, views, counters),
// ring-producer.ts and ring-consumer.ts.
export { createRing, ringStats, registerConsumer, RingViews, type RingOptions, type RingStats, type ConsumerStats } from './ring-views.js';
export { RingProducer } from './ring-producer.js';
export { RingConsumer, type ConsumerOptions, type RecordHandler } from './ring-consumer.js';
