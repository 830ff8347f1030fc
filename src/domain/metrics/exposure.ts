// Time in market: the share of a period during which at least one position of the given fills
// was open (any strategy, any instrument among them). PURE. Fills are applied in fillSeq order;
// a position opened and closed at the same timestamp adds nothing.
import type { Fill } from '../types.js';

/** Fraction of [fromTs, toTs] with a non-zero position; null for an empty period. */
export function exposure(fills: readonly Fill[], fromTs: number, toTs: number): number | null {
  if (!(toTs > fromTs)) return null;
  const qty = new Map<string, number>();
  let open = 0;
  let since = 0;
  let inMarket = 0;
  for (const f of fills.slice().sort((a, b) => a.fillSeq - b.fillSeq)) {
    const key = `${f.strategyId}\u0000${f.token}`;
    const before = qty.get(key) ?? 0;
    const after = before + (f.side === 'BUY' ? f.quantity : -f.quantity);
    qty.set(key, after);
    const ts = Math.min(Math.max(f.ts, fromTs), toTs);
    if (before === 0 && after !== 0) {
      if (open === 0) since = ts;
      open++;
    } else if (before !== 0 && after === 0) {
      open--;
      if (open === 0) inMarket += ts - since;
    }
  }
  if (open > 0) inMarket += toTs - since;
  return inMarket / (toTs - fromTs);
}
