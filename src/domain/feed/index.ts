// Public surface of the feed module: reference prices, the synthetic feed, replay formats and pacing. PURE.
export * from './reference-prices.js';
export * from './synthetic.js';
export * from './synthetic-state.js';
export * from './synthetic-clock.js';
export * from './replay-format.js';
export * from './replay-schedule.js';
export { parseReplayTimestamp, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, type ParsedTimestamp } from './replay-timestamp.js';
