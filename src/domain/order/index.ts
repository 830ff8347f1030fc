// Public surface of the order domain: state machine, order record, deterministic ids. PURE.

export * from './status.js';
export * from './order.js';
export * from './ids.js';
