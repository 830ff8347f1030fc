// Public surface of the instruments module: the Instrument type, the CSV parser and the index. PURE.
export * from './instrument.js';
export * from './csv-parser.js';
export * from './instrument-index.js';
export * from './defaults.js';
export * from './tradability.js';
