// Public surface of the portfolio domain: average-cost positions, cash, PnL totals, snapshots and
// persistence. PURE. Import from here rather than from the individual files.

export * from './apply.js';
export * from './dedup.js';
export * from './money.js';
export * from './persist.js';
export * from './position-math.js';
export * from './snapshot.js';
export * from './state.js';
export * from './totals.js';
