// The default instrument universe as data (mirrors src/defaults/instruments.csv, original §11). PURE.
// A test checks that the CSV parses to exactly these tokens in this order.

/** Tokens of src/defaults/instruments.csv, in file order. */
export const DEFAULT_INSTRUMENT_TOKENS: readonly number[] = [
  256265, 260105, 738561, 408065, 81153, 1270529, 492033, 2815745, 4267265, 177665, 3861249, 225537,
  1346049, 2939649, 140033, 3050241, 1195009, 857857, 424961, 2714625,
];

/** Default tokens that are indices (NIFTY 50, NIFTY BANK): not tradable, segment 9. */
export const DEFAULT_INDEX_TOKENS: readonly number[] = [256265, 260105];
