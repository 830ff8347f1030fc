// Test helper: builds Fill values with sensible defaults and increasing fillSeq.
import type { Fill } from '../../../src/domain/types.js';

let seq = 0;

/** A fill with defaults (paper, strategy s1, token 256265); fillSeq auto-increments unless given. */
export function mkFill(over: Partial<Fill> & Pick<Fill, 'side' | 'quantity' | 'price'>): Fill {
  seq += 1;
  return {
    tradeId: over.tradeId ?? `t${seq}`,
    orderId: over.orderId ?? `o${seq}`,
    broker: over.broker ?? 'paper',
    strategyId: over.strategyId ?? 's1',
    token: over.token ?? 256265,
    side: over.side,
    quantity: over.quantity,
    price: over.price,
    fees: over.fees ?? 0,
    ts: over.ts ?? 1_700_000_000_000 + seq,
    fillSeq: over.fillSeq ?? seq,
  };
}
