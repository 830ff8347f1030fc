// Public surface of the pipeline-monitor domain: stage bookkeeping, validation, history retention
// and ring views. PURE.
export * from './stages.js';
export * from './awaiting.js';
export * from './validate.js';
export * from './history.js';
export * from './rings.js';
