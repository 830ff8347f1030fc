// Public surface of the market-hours module: IST calendar helpers and the NSE session calendar. PURE.
export * from './calendar.js';
export * from './ist.js';
export * from './status.js';
export * from './session.js';
