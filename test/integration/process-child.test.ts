import { afterEach, describe, expect, it } from 'vitest';
import { actor, eventually, makeSystem, sup } from '../support/system.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ProcessSpec } from '../../src/runtime/tree.js';
import { tickRecordTopic } from '../../src/services/feed/tick-channel.js';

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const proc = (extra: Partial<ProcessSpec> = {}): ProcessSpec => ({
  kind: 'process',
  name: 'gw',
  module: 'dist/test/fixtures/proc.process.js',
  restart: 'permanent',
  subscribes: [],
  ...extra,
});

describe('process children (gateway placement)', () => {
  for (const kind of ['throw', 'abort', 'hang'] as const) {
    it(`a ${kind} in the child process never takes the main process down and is restarted`, async () => {
      system = makeSystem(sup('root', [actor('worker-a'), proc()]), {
        processRequests: async (from, command) => ({ from, command }),
      });
      await system.start();
      const gw = system.process('gw')!;
      const pid1 = ((await gw.call('ping', null)) as { pid: number }).pid;
      await gw.call(kind, null);
      await eventually(() => gw.state === 'running' && gw.gen === 2, 15_000, `${kind} restart`);
      const pong = (await gw.call('ping', null)) as { pid: number; gen: number };
      expect(pong.gen).toBe(2);
      expect(pong.pid).not.toBe(pid1);
      expect(gw.status().lastError?.code).toBe(kind === 'hang' ? 'ERR_ACTOR_HUNG' : 'ERR_ACTOR_EXITED');
      // the worker-thread sibling never noticed
      expect(system.actor('worker-a')!.gen).toBe(1);
      expect(await gw.call('ask-main', null)).toEqual({ from: 'gw', command: 'status' });
    });
  }
});

describe('main-thread stream tap', () => {
  it('forwards every tick to a process child in order, or counts it dropped, without gating the producer', async () => {
    const source = {
      kind: 'actor' as const,
      name: 'ticks',
      module: 'dist/test/fixtures/tick-source.actor.js',
      restart: 'permanent' as const,
      publishes: ['market.ticks'],
      subscribes: [],
    };
    // Block policy with a tiny ring: if the tap gated the producer, 5,000 ticks could not pass.
    system = makeSystem(sup('root', [proc({ subscribes: [{ topic: 'market.ticks' }] }), source]), {
      recordTopics: [tickRecordTopic(64, 'block')],
    });
    await system.start();
    const series = Array.from({ length: 5000 }, (_, i) => ({ token: 100 + (i % 5), ltp: 10_000 + i, exchangeTs: 1_700_000_000_000 + i }));
    expect(await system.actor('ticks')!.control()!.call('emit', series)).toBe(5000);
    const gw = system.process('gw')!;
    let counts = { ticks: 0, events: 0, dropped: 0, outOfOrder: 0, tokens: [] as number[] };
    // Every tick is accounted for: delivered, or reported dropped (the ring laps a lossy reader)
    await eventually(async () => {
      counts = (await gw.call('counts', null)) as typeof counts;
      return counts.ticks + counts.dropped === 5000;
    }, 10_000, 'all 5,000 ticks delivered or counted dropped at the child');
    expect(counts.tokens).toEqual([100, 101, 102, 103, 104]);
    expect(counts.ticks).toBeGreaterThan(0);
    expect(counts.outOfOrder).toBe(0);
    const rs = system.ringStats()['market.ticks']!;
    expect(rs.published).toBe(5000);
    expect(rs.consumers[0]!.lossy).toBe(true);
  });
});
