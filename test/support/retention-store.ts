// Generates a broker history spread over days for retention tests: orders written through the real
// index writer (putOrders), one fill per filled order under the real fill-log keys, sells never
// above what the strategy holds (so the fold is a real position history), a few orders still
// working, and the portfolio and risk states as their managers would have persisted them after
// folding the log up to chosen watermarks (consumers that lag behind the engine).
import type { RootDatabase } from 'lmdb';
import { seededRng, type Rng } from '../../src/domain/rng.js';
import type { OrderStatus } from '../../src/domain/order/status.js';
import type { Broker, Fill } from '../../src/domain/types.js';
import type { StoredOrder } from '../../src/protocol/engine.js';
import { applyFill, createPortfolio, exportState } from '../../src/domain/portfolio/index.js';
import { createRiskState, exportRiskState, onFill } from '../../src/domain/risk/index.js';
import { putOrders } from '../../src/services/engine/order-index.js';
import { K } from '../../src/store/keyspace.js';

export const RS_T0 = Date.UTC(2026, 0, 5, 3, 45); // 09:15 IST on a Monday
export const RS_DAY = 86_400_000;
export const RS_CASH = 100_000_000;
const STRATS = ['momentum_20', 'mean_rev', 'low_frequency_demo'] as const;
const TOKENS = [256265, 260105, 738561] as const;

export interface HistorySpec {
  readonly broker?: Broker;
  readonly days: number;
  readonly ordersPerDay: number;
  readonly seed: string;
  /** Fill watermarks of the stored states (default: the last fill, i.e. fully caught up). */
  readonly portfolioWatermark?: (lastFillSeq: number) => number;
  readonly riskWatermark?: (lastFillSeq: number) => number;
  /** Omit the stored states (nothing folded yet). */
  readonly noStates?: boolean;
}

export interface History {
  readonly orders: StoredOrder[];
  readonly fills: Fill[];
}

/** Uniform integer in [lo, hi]. */
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1));

function order(broker: Broker, i: number, ts: number, rng: Rng, held: Map<string, number>): { order: StoredOrder; fill: boolean } {
  const strategyId = STRATS[int(rng, 0, STRATS.length - 1)]!;
  const token = TOKENS[int(rng, 0, TOKENS.length - 1)]!;
  const key = `${strategyId}/${token}`;
  const have = held.get(key) ?? 0;
  const side = have > 0 && rng.next() < 0.5 ? 'SELL' : 'BUY';
  const qty = side === 'SELL' ? int(rng, 1, have) : int(rng, 1, 5);
  const r = rng.next();
  const status: OrderStatus = r < 0.6 ? 'Filled' : r < 0.75 ? 'Rejected' : r < 0.85 ? 'Canceled' : r < 0.93 ? 'Expired' : 'Accepted';
  const filled = status === 'Filled';
  if (filled) held.set(key, have + (side === 'BUY' ? qty : -qty));
  const price = 100_000 + int(rng, 0, 50_000);
  const orderId = `${broker}-${strategyId}-${i}`;
  const end = ts + int(rng, 1, 1000);
  const history = [
    { status: 'Initialized' as const, ts },
    { status: 'Submitted' as const, ts },
    ...(status === 'Rejected' ? [{ status, ts: end, reason: 'ERR_PAPER_INSUFFICIENT_CASH' }] : [{ status: 'Accepted' as const, ts }]),
    ...(status === 'Filled' || status === 'Canceled' || status === 'Expired' ? [{ status, ts: end }] : []),
  ];
  return {
    fill: filled,
    order: {
      orderId,
      clientOrderId: orderId,
      broker,
      strategyId,
      token,
      side,
      type: 'market',
      tif: 'DAY',
      qty,
      filledQty: filled ? qty : 0,
      limitPrice: null,
      stopPrice: null,
      status,
      history,
      createdTs: ts,
      updatedTs: status === 'Accepted' ? ts : end,
      signalKey: `${strategyId}:${token}:${side}:${ts}`,
      fillCount: filled ? 1 : 0,
      filledNotional: filled ? price * qty : 0,
      fees: filled ? 100 : 0,
      parentOrderId: null,
      origin: null,
    },
  };
}

/** Writes the history into `db` (one transaction per day) and returns what was written. */
export async function writeHistory(db: RootDatabase, spec: HistorySpec): Promise<History> {
  const broker = spec.broker ?? 'paper';
  const rng = seededRng(spec.seed);
  const held = new Map<string, number>();
  const orders: StoredOrder[] = [];
  const fills: Fill[] = [];
  let i = 0;
  for (let d = 0; d < spec.days; d++) {
    const day: StoredOrder[] = [];
    const dayFills: Fill[] = [];
    for (let k = 0; k < spec.ordersPerDay; k++) {
      const ts = RS_T0 + d * RS_DAY + k * 20_000;
      const { order: o, fill } = order(broker, ++i, ts, rng, held);
      day.push(o);
      if (fill) {
        dayFills.push({
          tradeId: `${o.orderId}-1`,
          orderId: o.orderId,
          broker,
          strategyId: o.strategyId,
          token: o.token,
          side: o.side,
          quantity: o.qty,
          price: o.filledNotional / o.qty,
          fees: o.fees,
          ts: o.updatedTs,
          fillSeq: fills.length + dayFills.length + 1,
        });
      }
    }
    await db.transaction(() => {
      putOrders(db, broker, day);
      for (const f of dayFills) void db.put(K.fill(broker, f.fillSeq), f);
    });
    orders.push(...day);
    fills.push(...dayFills);
  }
  if (spec.noStates !== true) await writeStates(db, broker, fills, spec.portfolioWatermark?.(fills.length) ?? fills.length, spec.riskWatermark?.(fills.length) ?? fills.length);
  return { orders, fills };
}

/** Persists portfolio and risk states folded over the fills up to each watermark. */
export async function writeStates(db: RootDatabase, broker: Broker, fills: readonly Fill[], portfolioWm: number, riskWm: number): Promise<void> {
  const p = createPortfolio({ startingCash: RS_CASH });
  const r = createRiskState(broker);
  for (const f of fills) {
    if (f.fillSeq <= portfolioWm) applyFill(p, f);
    if (f.fillSeq <= riskWm) onFill(r, f);
  }
  await db.transaction(() => {
    void db.put(K.portfolioState(broker), exportState(p));
    void db.put(K.riskState(broker), exportRiskState(r));
  });
}
