// The main thread's handler of process-child requests refuses history reads (`orders`, `fills`) on
// any actor: the gateway reads history from LMDB, so a client can never make a trading actor scan
// it. Other actor calls are forwarded.
import { describe, expect, it } from 'vitest';
import { processRequestHandler } from '../../../actors/requests.js';
import { isAppError } from '../../../src/errors.js';
import type { ActorSystem } from '../../../src/runtime/system.js';

function stubSystem(received: unknown[]): ActorSystem {
  const control = { call: async (command: string, arg: unknown) => (received.push({ command, arg }), { ok: true, value: command }) };
  return { actor: (name: string) => (name === 'trading-engine-paper' ? { state: 'running', control: () => control } : undefined) } as unknown as ActorSystem;
}

describe('process-child requests', () => {
  it('refuses history reads of trading actors and forwards the rest', async () => {
    const received: unknown[] = [];
    const handle = processRequestHandler(stubSystem(received), 'run', 0);
    for (const command of ['orders', 'fills']) {
      const e = await handle('gateway', 'actor-call', { actor: 'trading-engine-paper', command, arg: { limit: 1 } }).catch((x: unknown) => x);
      expect(isAppError(e, 'ERR_COMMAND_INVALID'), command).toBe(true);
    }
    expect(received).toEqual([]);
    expect(await handle('gateway', 'actor-call', { actor: 'trading-engine-paper', command: 'cancel', arg: { orderId: 'o-1' } })).toEqual({ ok: true, value: 'cancel' });
    expect(received).toEqual([{ command: 'cancel', arg: { orderId: 'o-1' } }]);
  });
});
