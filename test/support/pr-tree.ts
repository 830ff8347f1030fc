// Small trees around the portfolio and risk managers for integration tests: the real actor (test
// hooks on) plus the pr-driver fixture that publishes fill notifications, raw signals and ticks and
// records what the actor publishes. Fills are written straight into the LMDB fill log.
import { AppConfigSchema, type AppConfig } from '../../src/config.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import type { Fill, TradingSignal } from '../../src/domain/types.js';
import { K } from '../../src/store/keyspace.js';
import { makeSystem, sup, tempDir } from './system.js';

const DRIVER = 'dist/test/fixtures/pr-driver.actor.js';
const base = { kind: 'actor', restart: 'permanent' } as const;

export type Which = 'portfolio' | 'risk';

/** The actor under test plus the driver. */
export function prTree(which: Which): ActorSpec[] {
  const driver = (listen: string[]): ActorSpec => ({
    ...base,
    name: 'driver',
    module: DRIVER,
    args: { brokers: ['paper'], listen, ticks: true },
    subscribes: listen.map((topic) => ({ topic })),
    publishes: ['paper.orders.filled', 'paper.signals.raw', 'market.ticks'],
  });
  if (which === 'portfolio') {
    return [
      driver(['paper.pnl.snapshots']),
      {
        ...base,
        name: 'portfolio-manager',
        module: 'dist/actors/portfolio-manager.actor.js',
        needsStore: true,
        args: { brokers: ['paper'], testHooks: true },
        subscribes: [{ topic: 'paper.orders.filled' }, { topic: 'market.ticks', lossy: true }],
        publishes: ['paper.pnl.snapshots'],
      },
    ];
  }
  return [
    driver(['paper.signals.validated', 'paper.signals.rejected']),
    {
      ...base,
      name: 'risk-manager',
      module: 'dist/actors/risk-manager.actor.js',
      needsStore: true,
      args: { brokers: ['paper'], testHooks: true },
      subscribes: [{ topic: 'paper.signals.raw', manualRelease: true }, { topic: 'paper.orders.filled' }, { topic: 'market.ticks', lossy: true }],
      publishes: ['paper.signals.validated', 'paper.signals.rejected'],
    },
  ];
}

/** A system over `prTree(which)` with a temp LMDB and `overrides` merged into the config. */
export function prSystem(which: Which, overrides: Record<string, unknown> = {}): { system: ActorSystem; config: AppConfig; cleanup: () => void } {
  const dir = tempDir(`ap-${which}-`);
  const config = AppConfigSchema.parse(overrides);
  const system = makeSystem(sup('root', prTree(which), { intensity: { maxRestarts: 5, periodMs: 30_000 } }), {
    config,
    store: { path: dir.path, durability: 'overlapping' },
    eventRing: { capacity: 256, slotBytes: 2048 },
  });
  return { system, config, cleanup: dir.cleanup };
}

export const call = (s: ActorSystem, name: string, cmd: string, arg: unknown = null): Promise<unknown> => {
  const c = s.actor(name)?.control();
  if (c === undefined) return Promise.reject(new Error(`${name} is not running`));
  return c.call(cmd, arg);
};

/** Writes fills into the paper fill log (as the trading engine does) and waits for the commit. */
export async function logFills(s: ActorSystem, fills: readonly Fill[]): Promise<void> {
  const db = s.store!;
  await db.transaction(() => {
    for (const f of fills) void db.put(K.fill(f.broker, f.fillSeq), f);
  });
}

let tradeN = 0;
/** A paper fill; tradeId unique unless given. */
export function fill(fillSeq: number, over: Partial<Fill> & Pick<Fill, 'side' | 'quantity' | 'price'>): Fill {
  tradeN += 1;
  return {
    tradeId: `T${fillSeq}-${tradeN}`,
    orderId: `O${fillSeq}`,
    broker: 'paper',
    strategyId: 's1',
    token: 738561,
    fees: 0,
    ts: Date.now(),
    fillSeq,
    ...over,
  };
}

/** A raw signal (BUY 1 @ ₹100.00 now unless overridden). */
export function signal(over: Partial<TradingSignal> = {}): TradingSignal {
  return { strategyId: 's1', token: 738561, side: 'BUY', quantity: 1, price: 10_000, ts: Date.now(), confidence: 0.9, order: {}, metadata: {}, ...over };
}
