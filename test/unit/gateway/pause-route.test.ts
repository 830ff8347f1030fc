// The POST /api/v1/strategies/:id/pause handler (src/gateway/routes-trader.ts) over a recording
// upstream: nothing reaches an actor without "confirm": true or with a bad body; the strategy's
// broker picks the actor (split: the runner; fused: that broker's core); a strategy that does not
// run is a 404; the request is audited with the token's name. And the close-one-position body of
// POST /api/v1/flatten (routes-control.ts) carries the token to risk and filters the cancels.
import { describe, expect, it } from 'vitest';
import { tradingActorName, type Topology } from '../../../src/protocol/actors.js';
import type { Broker } from '../../../src/domain/types.js';
import { controlRoutes } from '../../../src/gateway/routes-control.js';
import { traderRoutes } from '../../../src/gateway/routes-trader.js';
import type { ApiDeps } from '../../../src/gateway/routes-api.js';
import type { Route, RouteCtx } from '../../../src/gateway/router.js';
import type { Upstream } from '../../../src/gateway/upstream.js';
import { localHistory } from '../../../src/gateway/history.js';

interface Call {
  readonly actor: string;
  readonly command: string;
  readonly arg: unknown;
}

const STRATEGIES = [
  { id: 'momo', broker: 'paper', skipped: null },
  { id: 'live_one', broker: 'zerodha', skipped: null },
  { id: 'parked', broker: 'zerodha', skipped: 'broker "zerodha" is not active' },
];

function setup(topology: Topology, brokers: readonly Broker[]) {
  const calls: Call[] = [];
  const audit: Record<string, unknown>[] = [];
  const upstream = {
    call: async (actor: string, command: string, arg: unknown): Promise<unknown> => {
      calls.push({ actor, command, arg });
      if (command === 'strategies') return STRATEGIES.filter((s) => topology === 'split' || s.broker === actor.replace('trading-core-', ''));
      if (command === 'pause') return { ...(arg as object) };
      if (command === 'open-orders') return [{ orderId: 'o-1', strategyId: 'momo', token: 1 }, { orderId: 'o-2', strategyId: 'momo', token: 2 }];
      if (command === 'cancel') return { ok: true, order: {} };
      if (command === 'flatten') return { paper: { canceled: [], closes: [], fills: 0 } };
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
  const ctx = (params: string[], body: unknown): RouteCtx =>
    ({ req: { params, query: new URLSearchParams() } as unknown as RouteCtx['req'], body: new TextEncoder().encode(JSON.stringify(body)), principal: { name: 'ops', scopes: new Set(['read', 'trade']) } }) as RouteCtx;
  const pause = traderRoutes(d).find((r) => r.pattern === '/api/v1/strategies/:id/pause') as Route;
  const flatten = controlRoutes(d).find((r) => r.pattern === '/api/v1/flatten' && r.method === 'post') as Route;
  return { calls, audit, pause, send: (id: string, body: unknown) => pause.handler(ctx([id], body)), close: (body: unknown) => flatten.handler(ctx([], body)) };
}

describe('POST /api/v1/strategies/:id/pause', () => {
  it('needs the trade scope and "confirm": true; bad bodies and ids reach no actor', async () => {
    const { pause, calls, send } = setup('split', ['paper']);
    expect(pause.scope).toBe('trade');
    for (const body of [{ paused: true }, { paused: true, confirm: false }, { paused: false, confirm: 'yes' }]) {
      await expect(send('momo', body)).rejects.toMatchObject({ code: 'ERR_PAUSE_UNCONFIRMED' });
    }
    await expect(send('momo', { confirm: true })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    await expect(send('momo', { paused: 'yes', confirm: true })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    await expect(send('momo', { paused: true, confirm: true, extra: 1 })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    await expect(send('bad id!', { paused: true, confirm: true })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    expect(calls).toEqual([]);
  });

  it('split: finds the strategy and calls the runner; audits who asked', async () => {
    const { calls, audit, send } = setup('split', ['paper']);
    expect(await send('momo', { paused: true, confirm: true })).toEqual({ kind: 'json', data: { broker: 'paper', strategyId: 'momo', paused: true } });
    expect(calls.map((c) => `${c.actor}.${c.command}`)).toEqual(['strategy-runner.strategies', 'strategy-runner.pause']);
    expect(calls[1]!.arg).toEqual({ strategyId: 'momo', paused: true });
    expect(audit).toEqual([expect.objectContaining({ audit: 'pause', by: 'ops', strategyId: 'momo', broker: 'paper', paused: true })]);
    // A strategy that does not run here (its broker is inactive) or does not exist: 404, no pause call
    await expect(send('parked', { paused: true, confirm: true })).rejects.toMatchObject({ code: 'ERR_HTTP_NOT_FOUND' });
    await expect(send('nope', { paused: true, confirm: true })).rejects.toMatchObject({ code: 'ERR_HTTP_NOT_FOUND' });
    expect(calls.filter((c) => c.command === 'pause')).toHaveLength(1);
  });

  it('fused with two brokers: the core of the strategy\'s broker gets the call', async () => {
    const { calls, send } = setup('fused', ['paper', 'zerodha']);
    await send('live_one', { paused: false, confirm: true });
    expect(calls.filter((c) => c.command === 'pause').map((c) => c.actor)).toEqual(['trading-core-zerodha']);
    // With the broker given, no lookup
    calls.length = 0;
    await send('momo', { paused: true, broker: 'paper', confirm: true });
    expect(calls.map((c) => `${c.actor}.${c.command}`)).toEqual(['trading-core-paper.pause']);
    await expect(send('momo', { paused: true, broker: 'kite', confirm: true })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
  });
});

describe('POST /api/v1/flatten for one position', () => {
  it('cancels only that instrument\'s resting orders and passes the token to risk (separate risk and engine: zerodha in split)', async () => {
    const { calls, close } = setup('split', ['zerodha']);
    await close({ broker: 'zerodha', strategyId: 'momo', token: 2, confirm: true });
    expect(calls.filter((c) => c.command === 'cancel').map((c) => c.arg)).toEqual([{ orderId: 'o-2' }]);
    expect(calls.find((c) => c.command === 'flatten')).toEqual({ actor: 'risk-manager', command: 'flatten', arg: { broker: 'zerodha', strategyId: 'momo', token: 2 } });
    for (const token of [0, -1, 1.5, '2']) {
      await expect(close({ strategyId: 'momo', token, confirm: true })).rejects.toMatchObject({ code: 'ERR_HTTP_BAD_REQUEST' });
    }
  });

  it('passes the token to the trading core, which cancels and closes itself (paper in split)', async () => {
    const { calls, close } = setup('split', ['paper']);
    await close({ broker: 'paper', strategyId: 'momo', token: 2, confirm: true });
    expect(calls).toEqual([{ actor: 'trading-core-paper', command: 'flatten', arg: { broker: 'paper', strategyId: 'momo', token: 2 } }]);
  });
});
