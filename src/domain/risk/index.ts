// Public surface of the risk domain: limits, per-broker risk state, the seven rules, the verdict and
// the closing signals of a flatten. PURE. Import from here rather than from the individual files.

export * from './evaluate.js';
export * from './flatten.js';
export * from './limits.js';
export * from './persist.js';
export * from './rules.js';
export * from './state.js';
