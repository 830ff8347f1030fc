// A small tree around one trading engine for integration tests: a sink on the order topics, the
// engine (paper, test hooks on) and the engine-driver fixture publishing validated signals and ticks.
import { defaultConfig } from '../../src/config.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import type { SignalSpec } from '../fixtures/engine-driver.actor.js';
import { makeSystem, sup, tempDir } from './system.js';

const DRIVER = 'dist/test/fixtures/engine-driver.actor.js';
const ENGINE = 'dist/actors/trading-engine.actor.js';
export const RELIANCE = 738561;
export const ENGINE_NAME = 'trading-engine-paper';
const ORDER_TOPICS = ['paper.orders.submitted', 'paper.orders.filled', 'paper.orders.failed'];

export function engineTree(engineArgs: Record<string, unknown> = { broker: 'paper', testHooks: true }, engineExtra: Partial<ActorSpec> = {}): ActorSpec[] {
  const base = { kind: 'actor', restart: 'permanent' } as const;
  return [
    { ...base, name: 'sink', module: DRIVER, args: { role: 'sink', inputs: ORDER_TOPICS }, subscribes: ORDER_TOPICS.map((topic) => ({ topic })), publishes: [] },
    {
      ...base,
      name: ENGINE_NAME,
      module: ENGINE,
      needsStore: true,
      args: engineArgs,
      subscribes: [{ topic: 'paper.signals.validated', manualRelease: true }, { topic: 'market.ticks' }],
      publishes: ORDER_TOPICS,
      ...engineExtra,
    },
    { ...base, name: 'driver', module: DRIVER, args: { role: 'driver', output: 'paper.signals.validated' }, subscribes: [], publishes: ['paper.signals.validated', 'market.ticks'] },
  ];
}

/** A system over `children` with a temp LMDB, the default config (24x7 market, wall-clock sessions) and 2 KiB event slots. */
export function engineSystem(children: ActorSpec[], intensity = { maxRestarts: 3, periodMs: 10_000 }): { system: ActorSystem; cleanup: () => void } {
  const dir = tempDir('ap-engine-');
  const config = defaultConfig();
  const system = makeSystem(sup('root', children, { intensity }), {
    // The driver's ticks carry fixed stamps, not a synthetic session clock: session ends follow the wall clock
    config: { ...config, feed: { ...config.feed, market24x7: true, syntheticSessionMs: 0 } },
    store: { path: dir.path, durability: 'overlapping' },
    eventRing: { capacity: 256, slotBytes: 2048 },
  });
  return { system, cleanup: dir.cleanup };
}

export const call = (s: ActorSystem, name: string, cmd: string, arg: unknown = null): Promise<unknown> => s.actor(name)!.control()!.call(cmd, arg);

/** A BUY market signal of 2 @ ₹2500.00 at ts 1_700_000_000_000 + i. */
export const sig = (i: number, extra: Partial<SignalSpec> = {}): SignalSpec => ({
  strategyId: 'momo', token: RELIANCE, side: 'BUY', quantity: 2, price: 250_000, ts: 1_700_000_000_000 + i, ...extra,
});
