// Public surface of the pure paper broker. PURE.

export { PaperBroker, createPaperBroker } from './broker.js';
export { defaultPaperConfig, resolvePaperConfig, percentToPpm, rupeesToPaise } from './config.js';
export type { PaperConfig, PaperParams } from './config.js';
export { paperError } from './events.js';
export type { Bracket, BracketRemoval, PaperError, PaperEvent, PaperEventType } from './events.js';
export type { PaperState, PaperOrderEntry } from './state.js';
export type { PaperSubmitInput } from './submit.js';
export { feeFor, slippedPrice, bracketLevels, maxAffordableQty } from './pricing.js';
