// Fill-by-fill comparison of two fill logs (backtest vs actor pipeline, or two runs) on what must
// be identical whatever the transport: trade id, order, strategy, instrument, side, quantity,
// price and fees, in fillSeq order. Timestamps are not compared: the pipeline stamps orders with
// the validation wall-clock time, a backtest with tick time. PURE.
import type { Fill } from '../domain/types.js';

/** The compared fields of a fill as one line. */
export function fillEssence(f: Fill): string {
  return `${f.fillSeq} ${f.tradeId} ${f.strategyId} ${f.token} ${f.side} ${f.quantity}@${f.price} fees ${f.fees}`;
}

/** Outcome of {@link compareFills}. */
export interface FillComparison {
  readonly identical: boolean;
  readonly countA: number;
  readonly countB: number;
  /** Fills equal from the start (the common prefix). */
  readonly matchingPrefix: number;
  /** The first differing position, when any: each side's fill there (undefined past its end). */
  readonly firstMismatch?: { readonly index: number; readonly a?: Fill; readonly b?: Fill };
}

const same = (a: Fill, b: Fill): boolean =>
  a.fillSeq === b.fillSeq && a.tradeId === b.tradeId && a.orderId === b.orderId && a.strategyId === b.strategyId &&
  a.token === b.token && a.side === b.side && a.quantity === b.quantity && a.price === b.price && a.fees === b.fees;

/** Compares two fill logs position by position (both in fillSeq order). */
export function compareFills(a: readonly Fill[], b: readonly Fill[]): FillComparison {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && same(a[i]!, b[i]!)) i++;
  const identical = i === a.length && i === b.length;
  if (identical) return { identical, countA: a.length, countB: b.length, matchingPrefix: i };
  const fa = a[i];
  const fb = b[i];
  const at = { index: i, ...(fa !== undefined ? { a: fa } : {}), ...(fb !== undefined ? { b: fb } : {}) };
  return { identical, countA: a.length, countB: b.length, matchingPrefix: i, firstMismatch: at };
}
