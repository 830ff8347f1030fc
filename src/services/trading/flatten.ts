// What a flatten did, read off the messages it caused: the canceled resting orders, each closing
// signal's verdict, and the closing orders' fills. PURE: the fused core passes the step's output
// through `observe` while it handles a flatten message; the split risk manager passes its verdicts.
import { clientOrderIdFor, signalKey } from '../../domain/order/index.js';
import type { Broker } from '../../domain/types.js';
import type { FlattenClose, FlattenResult } from '../../protocol/risk.js';
import type { StepOut } from '../../protocol/trading.js';

/** Collects a {@link FlattenResult} from the messages of one flatten. */
export class FlattenReport {
  private readonly canceled: string[] = [];
  private readonly closes: FlattenClose[] = [];
  private fills = 0;

  constructor(private readonly broker: Broker) {}

  /** Takes one message of the flatten (anything else it caused is ignored). */
  observe(out: StepOut): void {
    switch (out.kind) {
      case 'verdict': {
        const s = out.signal;
        if (s.reduceOnly !== true) return;
        const v = out.verdict;
        this.closes.push({
          strategyId: s.strategyId,
          token: s.token,
          side: s.side,
          quantity: s.quantity,
          outcome: v.outcome,
          orderId: clientOrderIdFor(this.broker, signalKey(s)),
          ...(v.outcome === 'rejected' ? { reasons: v.reasons.map((r) => `${r.rule}: ${r.message}`) } : {}),
        });
        return;
      }
      case 'venue-events':
        for (const e of out.events) {
          if (out.cause === 'cancel' && e.type === 'order-canceled') this.canceled.push(e.order.orderId);
          if (out.cause === 'submit' && out.signal?.reduceOnly === true && e.type === 'fill') this.fills++;
        }
        return;
      default:
        return;
    }
  }

  result(): FlattenResult {
    return { canceled: [...this.canceled], closes: [...this.closes], fills: this.fills };
  }
}
