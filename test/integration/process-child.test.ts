import { afterEach, describe, expect, it } from 'vitest';
import { actor, eventually, makeSystem, sup } from '../support/system.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ProcessSpec } from '../../src/runtime/tree.js';

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
