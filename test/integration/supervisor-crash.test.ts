import { afterEach, describe, expect, it } from 'vitest';
import { actor, eventually, makeSystem, sup } from '../support/system.js';
import type { ActorSystem } from '../../src/runtime/system.js';

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe('supervisor restarts each crash kind', () => {
  const kinds = [
    ['throw', 'ERR_ACTOR_CRASHED'],
    ['reject', 'ERR_ACTOR_CRASHED'],
    ['exit', 'ERR_ACTOR_EXITED'],
    ['oom', 'ERR_ACTOR_OOM'],
    ['hang', 'ERR_ACTOR_HUNG'],
  ] as const;
  for (const [kind, code] of kinds) {
    it(`detects ${kind} and restarts the actor with a new generation`, async () => {
      system = makeSystem(sup('root', [actor('a', { maxOldGenerationSizeMb: 32 }), actor('b')]));
      await system.start();
      const a = system.actor('a')!;
      expect(a.status().state).toBe('running');
      const genBefore = a.gen;
      await a.control()!.call(kind, null);
      await eventually(() => a.status().state === 'running' && a.gen === genBefore + 1, 20_000, `${kind} restart`);
      expect(a.status().lastError?.code).toBe(code);
      expect(a.status().restarts).toBe(1);
      // The restarted incarnation answers on the control plane; the sibling never stopped.
      expect(await a.control()!.call('ping', null)).toEqual({ pong: 'a', gen: genBefore + 1 });
      expect(system.actor('b')!.gen).toBe(1);
    });
  }
});
