// The trading engine refuses orders on instruments the registry refuses (issue 9 item 7: the paper
// broker filled BANKNIFTY, an index the registry marks tradable: false). Real engine worker over a
// temp LMDB holding the registry's instrument records, as the instrument-registry actor writes them.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { OrderFailedPayload, OrderFilledPayload } from '../../src/protocol/engine.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import { K } from '../../src/store/keyspace.js';
import { openStore } from '../../src/store/lmdb.js';
import { call, engineTree, RELIANCE, sig } from '../support/engine-tree.js';
import { eventually, makeSystem, sup, tempDir } from '../support/system.js';

const BANKNIFTY = 260105;

let system: ActorSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** Instrument records as the registry stores them (the fields the engine reads). */
async function seedRegistry(path: string): Promise<void> {
  const db = openStore({ path, durability: 'nosync' });
  try {
    await db.transaction(() => {
      void db.put([...K.instrument(BANKNIFTY)], { token: BANKNIFTY, tradingsymbol: 'BANKNIFTY', exchange: 'NSE', tickSize: 5, lotSize: 1, divisor: 100, tradable: false });
      void db.put([...K.instrument(RELIANCE)], { token: RELIANCE, tradingsymbol: 'RELIANCE', exchange: 'NSE', tickSize: 5, lotSize: 1, divisor: 100, tradable: true });
    });
  } finally {
    await db.close();
  }
}

describe('trading engine and the instrument registry', () => {
  it('fails an order on an index with ERR_PAPER_NOT_TRADABLE and fills one on a tradable instrument', async () => {
    const dir = tempDir('ap-engine-tradable-');
    cleanups.push(dir.cleanup);
    await seedRegistry(dir.path);
    const config = defaultConfig();
    system = makeSystem(sup('root', engineTree(), { intensity: { maxRestarts: 0, periodMs: 10_000 } }), {
      config: { ...config, feed: { ...config.feed, market24x7: true, syntheticSessionMs: 0 } },
      store: { path: dir.path, durability: 'overlapping' },
      eventRing: { capacity: 256, slotBytes: 2048 },
    });
    await system.start();
    await call(system, 'driver', 'emit', { signals: [sig(1, { token: BANKNIFTY, price: 4_800_000 }), sig(2)] });
    let got: Envelope[] = [];
    await eventually(
      async () => (got = (await call(system!, 'sink', 'received')) as Envelope[]).some((e) => e.type === 'order_filled') && got.some((e) => e.type === 'order_failed'),
      10_000,
      'one failed and one filled order',
    );
    const failed = got.filter((e) => e.type === 'order_failed') as Envelope<OrderFailedPayload>[];
    expect(failed.map((e) => [e.data.code, e.data.order.token])).toEqual([['ERR_PAPER_NOT_TRADABLE', BANKNIFTY]]);
    const filled = got.filter((e) => e.type === 'order_filled') as Envelope<OrderFilledPayload>[];
    expect(filled.map((e) => e.data.fill.token)).toEqual([RELIANCE]);
  });
});
