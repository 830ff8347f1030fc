// Let it crash: an uncaught exception (or a SIGKILL) in the gateway process closes its sockets and
// the process is restarted by its supervisor; clients reconnect to the new generation while the
// worker-thread actors keep theirs. /ready reports 503 once the trading subtree is HALTED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/system.js';
import { Client, emitTicks, startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const gens = () => ['ticks', 'signals', 'worker-a'].map((a) => h.system.actor(a)!.gen);

async function reconnectAndStream(expectGen: number): Promise<void> {
  await h.refresh();
  const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
  await c.waitFor((x) => x.of('welcome').length === 1, 'welcome');
  expect(c.of('welcome')[0]!['gen']).toBe(expectGen);
  c.send({ op: 'subscribe', streams: ['market.ticks'] });
  await c.waitFor((x) => x.of('subscribed').length === 1, 'subscribed');
  await emitTicks(h.system, [7], 700);
  await c.waitFor((x) => x.of('ticks').length > 0, 'ticks after restart');
  c.close();
}

describe('gateway crash and restart', () => {
  it('an uncaught exception closes the sockets, exits, and the gateway comes back', async () => {
    const gw = h.system.process('gateway')!;
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    await c.waitFor((x) => x.of('welcome').length === 1, 'welcome');
    expect(await gw.call('crash', 'test')).toBe('crashing');
    await c.waitFor((x) => x.closed !== undefined, 'socket closed by the crash');
    await eventually(() => gw.state === 'running' && gw.gen === 2, 15_000, 'gateway restart');
    expect(gw.status().lastError?.code).toBe('ERR_ACTOR_EXITED');
    expect(gens()).toEqual([1, 1, 1]);
    await reconnectAndStream(2);
  });

  it('an unhandled rejection is handled the same way', async () => {
    const gw = h.system.process('gateway')!;
    await gw.call('reject', null);
    await eventually(() => gw.state === 'running' && gw.gen === 3, 15_000, 'gateway restart');
    expect(gens()).toEqual([1, 1, 1]);
    await reconnectAndStream(3);
  });

  it('SIGKILL: the gateway comes back', async () => {
    const gw = h.system.process('gateway')!;
    gw.kill9();
    await eventually(() => gw.state === 'running' && gw.gen === 4, 15_000, 'gateway restart');
    expect(gens()).toEqual([1, 1, 1]);
    await reconnectAndStream(4);
  });

  it('reports 503 ERR_SYSTEM_NOT_READY once the trading subtree is HALTED, and keeps serving', async () => {
    const ready = () => fetch(`${h.base}/ready`, { headers: { Authorization: `Bearer ${TOKENS.reader}` } });
    expect((await ready()).status).toBe(200);
    // crash the trading worker past its supervisor's intensity (3 restarts in 10 s)
    for (let i = 0; i < 4; i++) {
      const a = h.system.actor('worker-a')!;
      await eventually(() => a.state === 'running' || h.system.status().children.some((c) => c.name === 'trading_sup' && c.state === 'halted'), 10_000, 'worker up');
      if (a.state !== 'running') break;
      await a.control()!.call('throw', null);
      await eventually(() => a.state !== 'running', 5000, 'worker down');
    }
    await eventually(async () => (await ready()).status === 503, 10_000, '503');
    const r = await ready();
    expect(await r.json()).toMatchObject({ ok: false, error: { code: 'ERR_SYSTEM_NOT_READY', details: { ready: false, supervisor: 'trading_sup', state: 'halted' } } });
    const status = await fetch(`${h.base}/api/v1/status`, { headers: { Authorization: `Bearer ${TOKENS.reader}` } });
    expect(((await status.json()) as { data: { halted: string[] } }).data.halted).toEqual(['trading_sup']);
  });
});
