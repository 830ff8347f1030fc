// Seeded partial-fill splitting (§6.15). PURE and deterministic: the same rng state gives the same
// parts. Invariant: every part ≥ 1 and the parts sum to the quantity.

import { randInt, type Rng } from '../rng.js';

/**
 * With probability `prob` (and qty > 1, maxPartials > 1) splits `qty` into n ∈ [2, min(maxPartials,
 * qty)] parts: the first n−1 are `randInt(1, remaining − partsStillNeeded)`, the last takes the rest.
 */
export function splitQuantity(qty: number, rng: Rng, prob: number, maxPartials: number): number[] {
  if (qty <= 1 || maxPartials <= 1 || !(rng.next() < prob)) return [qty];
  const n = randInt(rng, 2, Math.min(maxPartials, qty));
  const parts: number[] = [];
  let remaining = qty;
  for (let i = 0; i < n - 1; i++) {
    const part = randInt(rng, 1, Math.max(1, remaining - (n - i - 1)));
    parts.push(part);
    remaining -= part;
  }
  parts.push(remaining);
  return parts;
}
