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
    const handle = processRequestHandler(stubSystem(received), { runId: 'run', startedAt: 0, topology: 'split' });
    for (const command of ['orders', 'fills']) {
      const e = await handle('gateway', 'actor-call', { actor: 'trading-engine-paper', command, arg: { limit: 1 } }).catch((x: unknown) => x);
      expect(isAppError(e, 'ERR_COMMAND_INVALID'), command).toBe(true);
    }
    expect(received).toEqual([]);
    expect(await handle('gateway', 'actor-call', { actor: 'trading-engine-paper', command: 'cancel', arg: { orderId: 'o-1' } })).toEqual({ ok: true, value: 'cancel' });
    expect(received).toEqual([{ command: 'cancel', arg: { orderId: 'o-1' } }]);
  });
});

describe('process-child requests on a cluster node', () => {
  const none = { actor: () => undefined, store: undefined } as unknown as ActorSystem;

  it('forwards a request for an actor placed on another node, and a history read to the node of the broker\'s core', async () => {
    const asked: { actor: string; command: string; arg: unknown }[] = [];
    const remote = (actor: string) => (actor === 'strategy-runner' || actor === 'trading-core-paper' ? async (command: string, arg: unknown) => (asked.push({ actor, command, arg }), { from: actor }) : undefined);
    const handle = processRequestHandler(none, { runId: 'run', startedAt: 0, topology: 'split', remote });
    expect(await handle('gateway', 'actor-call', { actor: 'strategy-runner', command: 'strategies' })).toEqual({ from: 'strategy-runner' });
    const history = { kind: 'fills', broker: 'paper', limit: 5, afterSeq: 0 };
    expect(await handle('gateway', 'history', history)).toEqual({ from: 'trading-core-paper' });
    expect(asked).toEqual([
      { actor: 'strategy-runner', command: 'actor-call', arg: { actor: 'strategy-runner', command: 'strategies' } },
      { actor: 'trading-core-paper', command: 'history', arg: history },
    ]);
    // An actor no node runs is unknown, as in one process
    const e = await handle('gateway', 'actor-call', { actor: 'nobody', command: 'x' }).catch((x: unknown) => x);
    expect(isAppError(e, 'ERR_ACTOR_UNKNOWN')).toBe(true);
  });

  it('refuses a malformed history read (it may come over the network)', async () => {
    const handle = processRequestHandler(none, { runId: 'run', startedAt: 0, topology: 'split' });
    const e = await handle('remote', 'history', { kind: 'fills', broker: 'paper', limit: 10_000_000, afterSeq: 0 }).catch((x: unknown) => x);
    expect(isAppError(e, 'ERR_HTTP_BAD_REQUEST')).toBe(true);
  });
});
