// Public surface of the auth domain: session records, status transitions and the validator seam. PURE.
export * from './session.js';
export * from './status.js';
export * from './validator.js';
