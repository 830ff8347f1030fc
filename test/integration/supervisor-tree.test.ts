import { afterEach, describe, expect, it } from 'vitest';
import { actor, eventually, makeSystem, sup, tempDir } from '../support/system.js';
import type { ActorSystem } from '../../src/runtime/system.js';

let system: ActorSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const c of cleanups.splice(0)) c();
});

function recorder() {
  const log: string[] = [];
  return {
    log,
    events: {
      onStarted: (_s: string, c: string) => log.push(`start ${c}`),
      onStopped: (_s: string, c: string) => log.push(`stop ${c}`),
    },
  };
}

describe('supervision strategies', () => {
  it('starts children in order and stops them in reverse', async () => {
    const rec = recorder();
    system = makeSystem(sup('root', [actor('a'), actor('b'), actor('c')]), { events: rec.events });
    await system.start();
    expect(rec.log).toEqual(['start a', 'start b', 'start c']);
    await system.stop();
    system = undefined;
    expect(rec.log.slice(3)).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('rest_for_one restarts the crashed child and every child started after it, in order', async () => {
    const rec = recorder();
    system = makeSystem(sup('root', [actor('a'), actor('b'), actor('c'), actor('d')], { strategy: 'rest_for_one' }), { events: rec.events });
    await system.start();
    rec.log.length = 0;
    await system.actor('b')!.control()!.call('exit', null);
    await eventually(() => rec.log.length === 5, 10_000, 'rest_for_one restart');
    // c and d stopped in reverse order, then b, c, d started in order; a untouched.
    expect(rec.log).toEqual(['stop d', 'stop c', 'start b', 'start c', 'start d']);
    expect(system.actor('a')!.gen).toBe(1);
    expect(system.actor('b')!.gen).toBe(2);
    expect(system.actor('d')!.gen).toBe(2);
  });

  it('one_for_all restarts every child', async () => {
    system = makeSystem(sup('root', [actor('a'), actor('b'), actor('c')], { strategy: 'one_for_all' }));
    await system.start();
    await system.actor('c')!.control()!.call('throw', null);
    await eventually(() => ['a', 'b', 'c'].every((n) => system!.actor(n)!.gen === 2 && system!.actor(n)!.state === 'running'));
  });

  it('a temporary child is not restarted, a transient child is restarted after a crash', async () => {
    system = makeSystem(sup('root', [actor('temp', { restart: 'temporary' }), actor('trans', { restart: 'transient' })]));
    await system.start();
    await system.actor('temp')!.control()!.call('throw', null);
    await system.actor('trans')!.control()!.call('throw', null);
    await eventually(() => system!.actor('trans')!.gen === 2 && system!.actor('trans')!.state === 'running');
    expect(system.actor('temp')!.state).toBe('crashed');
  });
});

describe('restart intensity', () => {
  it('halts a transient subtree that exceeds its intensity while siblings stay up', async () => {
    const halted: string[] = [];
    const trading = sup('trading_sup', [actor('engine'), actor('feed')], {
      strategy: 'rest_for_one',
      restart: 'transient',
      intensity: { maxRestarts: 2, periodMs: 60_000 },
    });
    system = makeSystem(sup('root', [trading, actor('gateway')]), { events: { onHalted: (s) => halted.push(s) } });
    await system.start();
    for (let i = 0; i < 3; i++) {
      await eventually(() => system!.actor('engine')!.state === 'running', 10_000, 'engine running');
      await system.actor('engine')!.control()!.call('exit', null);
      await eventually(() => system!.actor('engine')!.state !== 'running', 10_000, 'engine down');
    }
    await eventually(() => halted.includes('trading_sup'), 10_000, 'halt');
    const st = system.status();
    const ts = st.children.find((c) => c.name === 'trading_sup')!;
    expect(ts.state).toBe('halted');
    expect(ts.lastError?.code).toBe('ERR_SUPERVISOR_HALTED');
    expect(ts.kind === 'supervisor' && ts.children.every((c) => c.state === 'stopped')).toBe(true);
    // The root did not restart the transient subtree; the gateway is still the first incarnation.
    expect(st.state).toBe('running');
    expect(system.actor('gateway')!.state).toBe('running');
    expect(system.actor('gateway')!.gen).toBe(1);
    expect(await system.actor('gateway')!.control()!.call('ping', null)).toEqual({ pong: 'gateway', gen: 1 });
  });

  it('a child that crashes during start does not respawn in a tight loop and halts its supervisor', async () => {
    const t0 = Date.now();
    const trading = sup('trading_sup', [actor('bad', { args: { failOnStart: true } })], {
      restart: 'transient',
      intensity: { maxRestarts: 3, periodMs: 60_000 },
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    system = makeSystem(sup('root', [trading, actor('gateway')]));
    await system.start();
    const bad = system.actor('bad')!;
    // 1 initial attempt + 3 restarts, with backoff 50..100, 100..200, 200..400 ms in between
    expect(bad.gen).toBe(4);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(system.status().children[0]!.state).toBe('halted');
    expect(system.actor('gateway')!.state).toBe('running');
  });

  it('a slow crash rate below the intensity keeps the system running (sliding window)', async () => {
    system = makeSystem(sup('root', [actor('a')], { intensity: { maxRestarts: 2, periodMs: 400 }, backoff: { baseMs: 1, maxMs: 5 } }));
    await system.start();
    for (let i = 0; i < 5; i++) {
      await system.actor('a')!.control()!.call('exit', null);
      await eventually(() => system!.actor('a')!.gen === i + 2 && system!.actor('a')!.state === 'running');
      await new Promise((r) => setTimeout(r, 450)); // let the window slide
    }
    expect(system.status().state).toBe('running');
    expect(system.actor('a')!.restarts).toBe(5);
  });
});

describe('shutdown and store readiness', () => {
  it('terminates a child that does not stop within its deadline', async () => {
    system = makeSystem(sup('root', [actor('slow', { shutdownMs: 200, args: { stopDelayMs: 5000 } })]));
    await system.start();
    const t0 = Date.now();
    await system.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(system.actor('slow')!.status().lastError?.code).toBe('ERR_ACTOR_STOP_TIMEOUT');
    system = undefined;
  });

  it('an actor that needs the store starts only after the store is ready', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rec = recorder();
    system = makeSystem(sup('root', [actor('plain'), actor('stateful', { needsStore: true })]), {
      storeReady: () => gate,
      events: rec.events,
    });
    const started = system.start();
    await eventually(() => rec.log.includes('start plain'));
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.log).toEqual(['start plain']);
    expect(system.actor('stateful')!.state).toBe('starting');
    release();
    await started;
    expect(rec.log).toEqual(['start plain', 'start stateful']);
  });

  it('opens and probes a real LMDB store before starting a stateful actor', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    system = makeSystem(sup('root', [actor('stateful', { needsStore: true })]), {
      store: { path: dir.path, durability: 'overlapping' },
    });
    await system.start();
    expect(system.actor('stateful')!.state).toBe('running');
    expect(system.store!.get('fixture/stateful/starts')).toBe(1);
    expect(system.store!.get('sys/probe')).toBeDefined();
  });
});
