// The POST /api/v1/flatten handler (src/gateway/routes-control.ts) over a recording upstream, in
// both topologies: nothing reaches an actor without "confirm": true; for a broker whose risk and
// engine are separate actors (zerodha in split) the resting orders are canceled through the engine
// first and the risk manager's answer is merged with them; a trading core (which plays both roles:
// every broker in fused, paper in split) gets one flatten call and cancels itself. The
// request and the outcome are audited with the token's name.
import { describe, expect, it } from 'vitest';
import { tradingActorName, type Topology } from '../../../src/protocol/actors.js';
import type { Broker } from '../../../src/domain/types.js';
import { controlRoutes } from '../../../src/gateway/routes-control.js';
import type { ApiDeps } from '../../../src/gateway/routes-api.js';
import type { Route, RouteCtx } from '../../../src/gateway/router.js';
import type { Upstream } from '../../../src/gateway/upstream.js';
import { localHistory } from '../../../src/gateway/history.js';

interface Call {
  readonly actor: string;
  readonly command: string;
  readonly arg: unknown;
}

const CLOSE = { strategyId: 'momo', token: 256265, side: 'SELL', quantity: 10, outcome: 'validated', orderId: 'paper-01' };

function setup(topology: Topology, brokers: readonly Broker[] = ['paper']) {
  const calls: Call[] = [];
  const audit: Record<string, unknown>[] = [];
  const upstream = {
    call: async (actor: string, command: string, arg: unknown): Promise<unknown> => {
      calls.push({ actor, command, arg });
      if (command === 'open-orders') return [{ orderId: 'o-1', strategyId: 'momo' }, { orderId: 'o-2', strategyId: 'other' }, { orderId: 'o-3', strategyId: 'momo' }];
      if (command === 'cancel') return (arg as { orderId: string }).orderId === 'o-3' ? { ok: false, code: 'ERR_ORDER_UNKNOWN', message: 'gone' } : { ok: true, order: {} };
      const core = actor.startsWith('trading-core-');
      if (command === 'flatten') return { [brokers[0]!]: { canceled: core ? ['o-9'] : [], closes: [CLOSE], fills: core ? 1 : 0 } };
      throw new Error(`unexpected ${actor}.${command}`);
    },
  } as unknown as Upstream;
  const d: ApiDeps = {
    upstream,
    brokers,
    actorOf: (role, broker) => tradingActorName(topology, role, broker),
    history: localHistory(undefined),
    log: { info: (o: Record<string, unknown>) => audit.push(o) } as unknown as ApiDeps['log'],
    nowMs: () => 0,
  };
  const route = controlRoutes(d).find((r) => r.pattern === '/api/v1/flatten' && r.method === 'post') as Route;
  const send = (body: unknown) =>
    route.handler({ req: { params: [], query: new URLSearchParams() } as unknown as RouteCtx['req'], body: new TextEncoder().encode(JSON.stringify(body)), principal: { name: 'ops', scopes: new Set(['read', 'trade']) } });
  return { calls, audit, route, send };
}

describe('POST /api/v1/flatten handler', () => {
  it('needs the trade scope and "confirm": true; refusals reach no actor', async () => {
    const { route, calls, send } = setup('split');
    expect(route.scope).toBe('trade');
    for (const body of [{}, { confirm: false }, { confirm: 'true' }, { confirm: 1 }]) {
      await expect(send(body)).rejects.toMatchObject({ code: 'ERR_FLATTEN_UNCONFIRMED' });
    }
    await expect(send({ broker: 'paper', strategyId: 'momo' })).rejects.toThrow(/broker paper, strategy momo.*"confirm": true/);
    await expect(send({ confirm: true, broker: 'zerodha' })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    await expect(send({ confirm: true, strategyId: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    await expect(send({ confirm: true, sure: true })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    expect(calls).toEqual([]);
  });

  it('split, zerodha: cancels the resting orders of the strategy through the engine, then flattens through the risk manager', async () => {
    const { calls, audit, send } = setup('split', ['zerodha']);
    const reply = await send({ confirm: true, strategyId: 'momo' });
    expect(calls).toEqual([
      { actor: 'trading-engine-zerodha', command: 'open-orders', arg: null },
      { actor: 'trading-engine-zerodha', command: 'cancel', arg: { orderId: 'o-1' } },
      { actor: 'trading-engine-zerodha', command: 'cancel', arg: { orderId: 'o-3' } },
      { actor: 'risk-manager', command: 'flatten', arg: { strategyId: 'momo' } },
    ]);
    // o-3 could not be canceled (gone meanwhile): not reported as canceled
    expect(reply).toEqual({ kind: 'json', data: { zerodha: { canceled: ['o-1'], closes: [CLOSE], fills: 0 } } });
    expect(audit).toEqual([
      expect.objectContaining({ audit: 'flatten', by: 'ops', broker: 'all', strategyId: 'momo' }),
      expect.objectContaining({ audit: 'flatten', by: 'ops', result: { zerodha: { canceled: 1, closes: 1, rejected: 0 } } }),
    ]);
  });

  for (const topology of ['fused', 'split'] as const) {
    it(`${topology}, paper: one flatten call to the trading core, which cancels and closes in one step`, async () => {
      const { calls, send } = setup(topology);
      const reply = await send({ confirm: true, broker: 'paper' });
      expect(calls).toEqual([{ actor: 'trading-core-paper', command: 'flatten', arg: { broker: 'paper' } }]);
      expect(reply).toEqual({ kind: 'json', data: { paper: { canceled: ['o-9'], closes: [CLOSE], fills: 1 } } });
    });
  }
});
