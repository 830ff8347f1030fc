// Public surface of the performance metrics: round trips, trade figures, curve figures and
// breakdowns of a backtest. PURE. Import from here rather than from the individual files.
export * from './breakdown.js';
export * from './equity.js';
export * from './exposure.js';
export * from './round-trips.js';
export * from './summary.js';
export * from './trades.js';
